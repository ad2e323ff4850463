"""The per-site script's preloaded banners (issue 11, "Speed"): a first visit asks us once
(the script), a returning visitor's gated tags start with no request to us before them,
the banner is in the page before <body> exists, and data-site may be left out."""
import pytest

from tests.browser.conftest import STORE_ORIGIN, banner_button, gated, ran, wait_ran
from tests.browser.dashboard import VIEWPORTS
from tests.browser.snippet_helpers import consent_posted, screenshot

pytestmark = pytest.mark.browser

SCRIPT_PATH = "/v1/sites/test-store/snippet.js"
# Right after the install tag in <head>: whether the banner's host is already in the page.
EARLY = ("<script>window.__hostEarly = !!document.getElementById('consent-banner') "
         "&& !document.body;</script>")


def site_tag_page(store_pages, live_server, lang: str, body: str = "",
                  data_site: bool = False) -> str:
    """A store page whose first element in <head> is the per-site tag, data-site left out
    unless asked for."""
    attrs = ' data-site="test-store"' if data_site else ""
    store_pages["/"] = (
        f'<!doctype html><html lang="{lang}"><head>'
        f'<script src="{live_server}{SCRIPT_PATH}"{attrs}></script>{EARLY}'
        f'<meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        f'<title>Shop</title></head><body><h1>Shop</h1>{body}</body></html>')
    return STORE_ORIGIN + "/"


@pytest.mark.parametrize("lang, accept", [("ar", "قبول الكل"), ("en", "Accept all")])
def test_first_visit_asks_us_once_and_shows_the_banner_before_body_exists(
        page, network, shop_site, store_pages, live_server, lang, accept):
    shop_site()
    page.set_viewport_size(VIEWPORTS["phone"])
    page.goto(site_tag_page(store_pages, live_server, lang, gated("google-analytics")))
    assert page.evaluate("ConsentBanner.ready") is None
    button = banner_button(page, "accept-all")
    assert button.inner_text() == accept
    assert page.evaluate("window.__hostEarly") is True
    screenshot(page, "preloaded-first-visit", lang, "phone")
    assert [path for method, path in network.api if method == "GET"] == [SCRIPT_PATH]
    assert network.trackers == []
    with consent_posted(page) as posted:
        button.click()
    wait_ran(page, "google-analytics")
    assert posted.value()["language"] == lang
    # data-site was left out: the site came from the preloaded banner.
    assert page.evaluate("ConsentBanner.get().categories.analytics") is True
    assert [path for method, path in network.api if method == "GET"] == [SCRIPT_PATH]


def test_returning_visitor_tags_start_with_no_request_to_us_before_them(
        page, network, shop_site, store_pages, live_server):
    shop_site()
    url = site_tag_page(store_pages, live_server, "en", gated("google-analytics"),
                        data_site=True)
    page.goto(url)
    with consent_posted(page):
        banner_button(page, "accept-all").click()
    wait_ran(page, "google-analytics")

    start = len(network.urls)
    page.goto(url)
    state = page.evaluate("ConsentBanner.ready")
    assert state["categories"]["analytics"] is True
    wait_ran(page, "google-analytics")
    assert ran(page) == ["google-analytics"]
    urls = network.urls[start:]
    first_tag = next(i for i, u in enumerate(urls) if "googletagmanager.com" in u)
    ours = [u for u in urls[:first_tag] if u.startswith(live_server)]
    assert ours == [live_server + SCRIPT_PATH]
    assert not banner_button(page, "accept-all").is_visible()
