"""Side by side with vanilla-cookieconsent 3.1.0 (the best-liked open-source banner) on the
same demo store page, with the same texts and categories: its screenshots are saved next
to ours in tests/output/banner/ (vanilla-*.png) to compare by eye, and the share of the
phone each first layer covers is measured. vanilla-cookieconsent comes from the npm
registry into node_modules/ (`make snippet`, package.json)."""
import json
import re
from pathlib import Path

import pytest

from banner.demo.vanilla import vanilla_config
from banner.services.demo import seed_demo
from tests.browser.banner_look import FIRST_LAYER, VIEWPORTS, open_demo, screenshot

pytestmark = pytest.mark.browser

DIST = Path(__file__).resolve().parents[2] / "node_modules" / "vanilla-cookieconsent" / "dist"
INSTALL_TAG = re.compile(r'<script src="[^"]*snippet\.js"[^>]*></script>')
SITE = "demo-electronics"


@pytest.fixture
def vanilla_page(app, page, live_server):
    """Opens the demo store page with vanilla-cookieconsent in place of our install tag."""
    assert (DIST / "cookieconsent.umd.js").is_file(), \
        "vanilla-cookieconsent is not installed: run `make snippet` (npm ci)"
    with app.app_context():
        seed_demo()

    def open_(lang: str, device: str) -> None:
        banner = page.request.get(f"{live_server}/v1/sites/{SITE}/banner?lang={lang}").json()
        run = f"<script>CookieConsent.run({json.dumps(vanilla_config(banner))});</script>"

        def swapped(route):
            response = route.fetch()
            html = INSTALL_TAG.sub('<link rel="stylesheet" href="/vanilla/cookieconsent.css">'
                                   '<script src="/vanilla/cookieconsent.umd.js"></script>',
                                   response.text(), count=1)
            html = re.sub(r"<body[^>]*>", lambda m: m[0] + run, html, count=1)
            route.fulfill(response=response, body=html)
        page.route(f"{live_server}/demo/{SITE}*", swapped)
        page.route(f"{live_server}/vanilla/*", lambda route: route.fulfill(
            path=str(DIST / route.request.url.rsplit("/", 1)[1])))
        page.set_viewport_size(VIEWPORTS[device])
        page.emulate_media(reduced_motion="reduce")
        page.goto(f"{live_server}/demo/{SITE}?lang={lang}")
        page.locator("#cc-main .cm").wait_for()
    return open_


VANILLA_SHARE = """() => document.querySelector('#cc-main .cm').getBoundingClientRect().height
  / innerHeight"""


@pytest.mark.parametrize("device", VIEWPORTS)
@pytest.mark.parametrize("lang", ["ar", "en"])
def test_vanilla_cookieconsent_on_the_same_page_for_comparison(page, live_server, vanilla_page,
                                                               lang, device):
    vanilla_page(lang, device)
    theirs = page.evaluate(VANILLA_SHARE)
    screenshot(page, f"vanilla-first-layer-{lang}-{device}")
    page.locator("#cc-main [data-role=show]").click()
    page.locator("#cc-main .pm").wait_for()
    screenshot(page, f"vanilla-preferences-{lang}-{device}")
    page.unroute(f"{live_server}/demo/{SITE}*")
    open_demo(page, live_server, SITE, lang, device)  # ours, on the same page
    ours = page.evaluate(FIRST_LAYER)["share"]
    if device == "phone":  # the store stays in view: ours covers less of it than theirs
        assert ours < theirs, (ours, theirs)
