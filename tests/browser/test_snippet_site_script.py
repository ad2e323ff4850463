"""The recommended install tag, the per-site script (GET /v1/sites/{key}/snippet.js): the
minified snippet with the site's banners runs on a store page, shows the banner in the
page's language and records the choice, like the static snippet tag does."""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import STORE_ORIGIN, banner_button, gated
from tests.browser.dashboard import OUTPUT, VIEWPORTS
from tests.browser.snippet_helpers import consent_posted

pytestmark = pytest.mark.browser


def site_tag_page(store_pages, live_server, lang: str, body: str = "") -> str:
    """A store page whose first element in <head> is the per-site script tag."""
    store_pages["/"] = (
        f'<!doctype html><html lang="{lang}"><head>'
        f'<script src="{live_server}/v1/sites/test-store/snippet.js" data-site="test-store">'
        f'</script><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        f'<title>Shop</title></head><body><h1>Shop</h1>{body}</body></html>')
    return STORE_ORIGIN + "/"


@pytest.mark.parametrize("device", ["phone", "desktop"])
@pytest.mark.parametrize("lang, accept", [("ar", "قبول الكل"), ("en", "Accept all")])
def test_site_tag_shows_the_banner_and_records_the_choice(
        page, network, shop_site, store_pages, live_server, lang, accept, device):
    shop_site()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size(VIEWPORTS[device])
    with page.expect_response(lambda r: r.url.endswith("/v1/sites/test-store/snippet.js")) \
            as script:
        page.goto(site_tag_page(store_pages, live_server, lang, gated("google-analytics")))
    assert script.value.status == 200
    assert script.value.headers["sourcemap"] == "/static/snippet.js.map"
    button = banner_button(page, "accept-all")
    expect(button).to_have_text(accept)
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"snippet-site-tag-{lang}-{device}.png"),
                    animations="disabled")
    assert network.trackers == []
    with page.expect_request(lambda r: "googletagmanager.com" in r.url):
        with consent_posted(page) as posted:
            button.click()
    assert posted.value()["choices"]["analytics"] is True
    assert errors == []
