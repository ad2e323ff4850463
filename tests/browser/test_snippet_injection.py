"""Gated markup is never an injection gadget (issue 10, point 5; DESIGN.md section 5):
only http(s) URLs are ever activated, and when the install tag carries a CSP nonce, only
gated scripts carrying the same nonce run. HTML an attacker slips into a store page (a
product review, a name) stays inert, even under a nonce + 'strict-dynamic' policy that
trusts every script the snippet creates."""
import pytest

from tests.browser.conftest import (TAG_SRC, gated_inline, marker, ran, wait_banner,
                                    wait_decided, wait_ran)

pytestmark = pytest.mark.browser

NONCE = "r4nd0m-n0nce"
STRICT_CSP = {"Content-Security-Policy": f"script-src 'nonce-{NONCE}' 'strict-dynamic'"}
WITH_NONCE = f' nonce="{NONCE}"'
# What an attacker's HTML would set if it ran.
XSS = "window.__xss = (window.__xss || []).concat"


def xss(page) -> list:
    return page.evaluate("window.__xss || []")


def test_injected_gated_script_without_the_nonce_never_runs_under_a_strict_csp(
        page, network, shop_site, store_page):
    shop_site()
    injected = (gated_inline("necessary", f"{XSS}('inline')")
                + '<script type="text/plain" data-consent="analytics" '
                  f'data-src="{TAG_SRC["google-analytics"]}"></script>')
    # The merchant's own gated script comes last: once it has run, the queue went past
    # everything above it.
    page.goto(store_page(injected + gated_inline("analytics", marker("merchant"), WITH_NONCE),
                         tag_attrs=WITH_NONCE, headers=STRICT_CSP))
    wait_banner(page)
    page.evaluate("ConsentBanner.acceptAll()")
    wait_ran(page, "merchant")
    assert ran(page) == ["merchant"]
    assert xss(page) == []
    assert network.trackers == []  # the injected tag's URL was never requested


def test_gated_script_with_the_nonce_runs_and_keeps_it(page, network, shop_site, store_page):
    shop_site()
    page.goto(store_page(
        '<script type="text/plain" data-consent="analytics" '
        f'data-src="{TAG_SRC["google-analytics"]}"{WITH_NONCE}></script>'
        + gated_inline("analytics", marker("inline") + " window.__nonce = document.currentScript.nonce;",
                       WITH_NONCE),
        tag_attrs=WITH_NONCE, headers=STRICT_CSP))
    page.evaluate("ConsentBanner.set({analytics: true})")
    wait_ran(page, "inline")
    assert ran(page) == ["google-analytics", "inline"]
    assert page.evaluate("window.__nonce") == NONCE


def test_tracker_another_app_inserts_is_held_and_released_under_the_nonce_rule(
        page, network, shop_site, store_page):
    # An app's script (trusted through the nonce) inserts a tracker without a nonce, as
    # apps do: 'strict-dynamic' lets it run, so once granted it must run here too.
    shop_site()
    app = (f"<script{WITH_NONCE}>const s = document.createElement('script');"
           f"s.src = {TAG_SRC['meta']!r}; document.head.appendChild(s);</script>")
    page.goto(store_page(app, tag_attrs=WITH_NONCE, headers=STRICT_CSP))
    wait_banner(page)
    assert page.locator('script[data-consent="advertising"]').count() == 1  # held
    page.evaluate("ConsentBanner.set({advertising: true})")
    wait_ran(page, "meta")
    assert network.trackers == ["meta"]


ACTIVE_CONTENT = {
    "javascript: frame": f'<iframe data-consent="analytics" data-src="javascript:parent.{XSS}(\'frame\')">'
                         '</iframe>',
    "javascript: image": '<img data-consent="analytics" data-src="javascript:void 0" alt="">',
    "data: frame": '<iframe data-consent="analytics" '
                   f'data-src="data:text/html,<script>parent.{XSS}(\'data\')</script>"></iframe>',
    "data: script": '<script type="text/plain" data-consent="analytics" '
                    f'data-src="data:text/javascript,{XSS}(\'script\')"></script>',
    "javascript: script": '<script type="text/plain" data-consent="analytics" '
                          f'data-src="javascript:{XSS}(\'js-script\')"></script>',
}


@pytest.mark.parametrize("markup", ACTIVE_CONTENT.values(), ids=ACTIVE_CONTENT)
def test_gated_url_that_is_not_http_is_never_activated(page, shop_site, store_page, markup):
    shop_site()
    page.goto(store_page(markup + gated_inline("analytics", marker("after"))))
    page.evaluate("ConsentBanner.acceptAll()")
    wait_ran(page, "after")  # everything gated before it was handled
    assert page.evaluate("[...document.querySelectorAll('body [src]')]"
                         ".map(e => e.getAttribute('src'))") == []
    assert xss(page) == []


def test_relative_gated_url_is_resolved_against_the_page(page, shop_site, store_page,
                                                         store_pages):
    shop_site()
    store_pages["/videos/embed"] = "<p>video</p>"
    page.goto(store_page('<iframe data-consent="functional" data-src="videos/embed"></iframe>'))
    wait_banner(page)
    with page.expect_request("http://shop.localhost/videos/embed"):
        page.evaluate("ConsentBanner.set({functional: true})")
    assert page.locator("iframe").get_attribute("src") == "http://shop.localhost/videos/embed"


def test_without_a_nonce_on_the_install_tag_gated_scripts_run_as_before(page, shop_site,
                                                                       store_page):
    # No CSP nonce in use: the nonce rule does not apply (documented in the install guide).
    shop_site()
    page.goto(store_page(gated_inline("analytics", marker("plain"))))
    page.evaluate("ConsentBanner.acceptAll()")
    wait_decided(page)
    wait_ran(page, "plain")
