"""The install page in Chromium: this store's tag, a pasted Meta pixel converted in place
(htmx), the install check run against the demo store served by the live server, and the
page in both languages at phone and desktop width passing axe."""

import pytest

from banner.extensions import db
from banner.models import Site
from tests.browser.dashboard import (LANGUAGES, VIEWPORTS, axe_violations, demo_merchant,  # noqa: F401
                                     screenshot, sign_in, use_language)
from tests.servers import html_page

pytestmark = pytest.mark.browser

META_PIXEL = """<!-- Meta Pixel Code -->
<script>
!function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){n.callMethod?
n.callMethod.apply(n,arguments):n.queue.push(arguments)};if(!f._fbq)f._fbq=n;
n.push=n;n.loaded=!0;n.version='2.0';n.queue=[];t=b.createElement(e);t.async=!0;
t.src=v;s=b.getElementsByTagName(e)[0];s.parentNode.insertBefore(t,s)}(window,
document,'script','https://connect.facebook.net/en_US/fbevents.js');
fbq('init', '618204937716235');
fbq('track', 'PageView');
</script>
<noscript><img height="1" width="1" style="display:none"
src="https://www.facebook.com/tr?id=618204937716235&ev=PageView&noscript=1"/></noscript>
<!-- End Meta Pixel Code -->"""


@pytest.fixture
def half_installed_store():
    """A store page on 127.0.0.1 (fetched by the server, not the browser) whose tag comes
    after a theme script and whose gtag.js loads without consent."""
    html = ('<!doctype html><html><head><script src="/theme.js"></script>'
            '<script src="https://consent.example/static/snippet.js" '
            'data-site="demo-electronics"></script>'
            '<script async src="https://www.googletagmanager.com/gtag/js?id=G-ALVOIP2026">'
            "</script><script>window.dataLayer=window.dataLayer||[];"
            "function gtag(){dataLayer.push(arguments);}gtag('js', new Date());"
            "gtag('config', 'G-ALVOIP2026');</script></head><body></body></html>")
    with html_page(html) as url:
        yield url


def open_install(page, live_server, app, lang: str = "en") -> int:
    with app.app_context():
        site_id = db.session.scalar(db.select(Site.id).filter_by(site_key="demo-electronics"))
    sign_in(page, live_server, lang)
    page.goto(f"{live_server}/dashboard/sites/{site_id}/install")
    use_language(page, lang)  # the demo merchant's own language is Arabic
    return site_id


def test_a_pasted_meta_pixel_is_converted_in_place(page, live_server, app, demo_merchant):
    open_install(page, live_server, app)
    assert page.locator("#install-tag").inner_text() == (
        f'<script src="{live_server}/v1/sites/demo-electronics/snippet.js" '
        'data-site="demo-electronics"></script>')
    url = page.url
    page.locator("#convert-markup").fill(META_PIXEL)
    page.get_by_role("button", name="Convert", exact=True).click()
    converted = page.locator("#converted")
    converted.wait_for()
    assert page.url == url  # swapped in by htmx, no page load
    page.wait_for_function("document.activeElement.id === 'converted-title'")  # focus follows
    code = converted.inner_text()
    assert code.startswith('<!-- Meta Pixel Code -->\n<script type="text/plain" '
                           'data-consent="advertising">\n!function(f,b,e,v,n,t,s)')
    assert "noscript" not in code and "facebook.com/tr" not in code
    result = page.locator("#convert .result__list").inner_text()
    assert "Meta Pixel" in result and "noscript" in result
    page.evaluate("window.scrollTo(0, 0)")  # the sticky top bar at the top of the shot
    screenshot(page, "install-converted", "en", "desktop")
    assert axe_violations(page) == ""


def test_the_install_check_finds_the_demo_store_correctly_installed(page, live_server, app,
                                                                    demo_merchant):
    open_install(page, live_server, app)
    page.locator("#check-url").fill(f"{live_server}/demo/demo-electronics")
    page.get_by_role("button", name="Check the page").click()
    checks = page.locator("#check .checks")
    checks.wait_for()
    ok = page.locator("#check .checks__item--ok").all_inner_texts()
    assert page.locator("#check .checks__item--fix").count() == 0
    assert any("first script of the head" in item for item in ok)
    assert any("No tracker of the catalogue loads without consent" in item for item in ok)
    assert page.locator("#check .finding").count() == 0


def test_a_refused_address_shows_at_the_field(page, live_server, app, demo_merchant):
    open_install(page, live_server, app)
    page.locator("#check-url").fill("ftp://al-voip.com/")
    page.get_by_role("button", name="Check the page").click()
    error = page.locator("#check-url-error")
    error.wait_for()
    assert "https://" in error.inner_text()
    assert page.locator("#check-url").get_attribute("aria-invalid") == "true"
    assert page.locator("#check-url").input_value() == "ftp://al-voip.com/"
    page.wait_for_function("document.activeElement.id === 'check-url'")  # focus on the error


@pytest.mark.parametrize("device", VIEWPORTS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_install_page_reads_well_and_passes_axe(page, live_server, app, demo_merchant,
                                                    half_installed_store, lang, device):
    page.set_viewport_size(VIEWPORTS[device])
    open_install(page, live_server, app, lang)
    assert page.locator("details.guide[open] summary").inner_text() == "Shopify"
    page.locator("#convert-markup").fill(
        '<iframe width="560" height="315" src="https://www.youtube.com/embed/VIDEO_ID" '
        'allowfullscreen></iframe>')
    page.locator("#convert button[type=submit]").click()
    page.locator("#converted").wait_for()
    page.locator("#check-url").fill(half_installed_store)
    page.locator("#check button[type=submit]").click()
    page.locator("#check .finding").wait_for()
    assert page.locator("#check .checks__item--fix").count() == 2  # not first; gtag ungated
    assert 'data-consent="analytics"' in page.locator("#finding-1").inner_text()
    page.evaluate("window.scrollTo(0, 0)")  # the sticky top bar at the top of the shot
    screenshot(page, "install", lang, device)
    assert axe_violations(page) == ""
