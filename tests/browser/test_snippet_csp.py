"""A storefront under the strictest CSP a store can set (DESIGN.md section 5, issue 11):
nonce + 'strict-dynamic' scripts, style-src 'self' (no inline style), and Trusted Types
with only our policy allowed. The banner shows styled, works, and causes no violation,
with the per-site tag and with the static one."""
import secrets

import pytest

from banner.vendors import CATALOGUE, catalogue_vendor
from tests.browser.conftest import STORE_ORIGIN, banner_button, ran, wait_ran
from tests.browser.dashboard import VIEWPORTS
from tests.browser.snippet_helpers import consent_posted, screenshot

pytestmark = pytest.mark.browser

ACCENT = "#7b2d8e"
ACCENT_RGB = "rgb(123, 45, 142)"
POLICY = ("script-src 'nonce-{nonce}' 'strict-dynamic'; style-src 'self'; "
          "require-trusted-types-for 'script'; trusted-types consent-banner")
TAGS = {"site": "/v1/sites/test-store/snippet.js", "static": "/static/snippet.js"}
# Installed before any page script (Playwright's init scripts are outside the page's CSP).
COLLECT_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(
  [e.violatedDirective, e.blockedURI, e.sample].join(' ')));
"""
ACCENT_BACKGROUND = """() => getComputedStyle(document.querySelector('#consent-banner')
  .shadowRoot.querySelector('[data-action="accept-all"]')).backgroundColor"""


def strict_store_page(store_pages, live_server, tag: str, lang: str, nonce: str) -> str:
    """A store page served with exactly the strict CSP: the install tag first in <head>
    with the nonce, a nonced gated inline tag and a nonced gated tag from a tracker host."""
    store_pages["/"] = (
        f'<!doctype html><html lang="{lang}"><head>'
        f'<script src="{live_server}{TAGS[tag]}" data-site="test-store" nonce="{nonce}">'
        f'</script><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        f'<title>Shop</title></head><body><main><h1>Shop</h1></main>'
        f'<script type="text/plain" data-consent="analytics" nonce="{nonce}">'
        f"(window.__trackers=window.__trackers||[]).push('inline-analytics');</script>"
        f'<script type="text/plain" data-consent="analytics" nonce="{nonce}" '
        f'data-src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>'
        f'</body></html>',
        {"Content-Security-Policy": POLICY.format(nonce=nonce)})
    return STORE_ORIGIN + "/"


@pytest.fixture
def accented_site(shop_site, document):
    document["vendors"] = [catalogue_vendor(key) for key in CATALOGUE]
    document.setdefault("appearance", {})["accent_color"] = ACCENT
    return shop_site(document)


@pytest.mark.parametrize("lang", ["ar", "en"])
@pytest.mark.parametrize("tag", TAGS)
def test_banner_works_styled_under_a_strict_csp_with_trusted_types(
        page, accented_site, store_pages, live_server, tag, lang):
    nonce = secrets.token_urlsafe(16)
    console_errors, page_errors = [], []
    page.on("console", lambda message: message.type == "error"
            and console_errors.append(message.text))
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    page.add_init_script(COLLECT_VIOLATIONS)
    page.set_viewport_size(VIEWPORTS["phone"])
    page.goto(strict_store_page(store_pages, live_server, tag, lang, nonce))
    assert page.evaluate("ConsentBanner.ready") is None
    assert page.evaluate("!!window.trustedTypes")  # the browser enforces Trusted Types
    button = banner_button(page, "accept-all")
    button.wait_for()
    assert page.evaluate(ACCENT_BACKGROUND) == ACCENT_RGB
    screenshot(page, f"csp-{tag}", lang, "phone")
    page.set_viewport_size(VIEWPORTS["desktop"])
    screenshot(page, f"csp-{tag}", lang, "desktop")
    assert ran(page) == []

    with consent_posted(page):
        button.click()
    wait_ran(page, "inline-analytics")
    wait_ran(page, "google-analytics")
    assert ran(page) == ["inline-analytics", "google-analytics"]
    assert page.evaluate("window.__violations") == []
    assert [text for text in console_errors
            if "Content Security Policy" in text or "Trusted Type" in text] == []
    assert page_errors == []


def test_a_policy_that_does_not_allow_ours_is_reported_so_the_check_can_fail(
        page, accented_site, store_pages, live_server):
    """The same page with another policy name allowed: the banner's markup is blocked and
    reported, which proves the test above would see a violation."""
    nonce = secrets.token_urlsafe(16)
    page.add_init_script(COLLECT_VIOLATIONS)
    url = strict_store_page(store_pages, live_server, "site", "en", nonce)
    html, headers = store_pages["/"]
    store_pages["/"] = (html, {"Content-Security-Policy": headers["Content-Security-Policy"]
                               .replace("consent-banner", "someone-else")})
    page.goto(url)
    page.wait_for_function("window.__violations.length > 0")
    assert any("trusted-types" in violation for violation in page.evaluate("window.__violations"))
