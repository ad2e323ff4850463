"""The demo storefronts in Chromium: nothing tracks before a choice, a choice loads exactly
the trackers it allows, and the demo panel shows it. The pages are served by the live
server, so their own stand-in trackers (/demo/static/trackers/) load from it."""
import pytest
from playwright.sync_api import expect

from banner.services.demo import seed_demo

pytestmark = pytest.mark.browser

STANDIN_PATH = "/demo/static/trackers/"
TRACKER_COOKIE_NAMES = ("_ga", "_gid", "_gcl_au", "_fbp", "_uetsid", "_uetvid", "_ttp", "_scid")
STORE_TRACKERS = {
    "demo-electronics": ["google-analytics", "google-ads", "meta", "microsoft-uet"],
    "demo-subscriptions": ["google-analytics", "snapchat", "tiktok"],
}
# What the demo panel shows: tracker -> state, and category -> granted / denied.
PANEL_STATES = """() => Object.fromEntries(
  [...document.querySelectorAll('#demo-panel [data-tracker]')]
    .map(li => [li.dataset.tracker, li.dataset.state]))"""
PANEL_CONSENT = """() => Object.fromEntries(
  [...document.querySelectorAll('#demo-panel [data-consent-state]')]
    .map(dd => [dd.dataset.consentState, dd.dataset.value]))"""


@pytest.fixture
def demo_sites(app):
    """The demo merchant and sites, as `flask banner seed-demo` makes them."""
    with app.app_context():
        seed_demo()


@pytest.fixture
def standins(page):
    """URLs of the stand-in tracker scripts the page requested, in order."""
    requested = []
    page.on("request", lambda request: STANDIN_PATH in request.url and requested.append(
        request.url.split(STANDIN_PATH, 1)[1]))
    return requested


def open_store(page, live_server, site_key: str) -> None:
    page.goto(f"{live_server}/demo/{site_key}")
    button(page, "accept-all").wait_for()  # the banner is up: the snippet has scanned


def button(page, action: str):
    return page.locator(f'#consent-banner [data-action="{action}"]:visible')


def panel_states(page) -> dict:
    return page.evaluate(PANEL_STATES)


def wait_loaded(page, trackers: list[str]) -> None:
    page.wait_for_function(
        "names => names.every(n => document.querySelector(`#demo-panel [data-tracker=\"${n}\"]`)"
        ".dataset.state === 'loaded')", arg=trackers)


def tracker_cookies(context) -> set[str]:
    return {c["name"] for c in context.cookies() if c["name"].startswith(TRACKER_COOKIE_NAMES)}


@pytest.mark.parametrize("site_key", STORE_TRACKERS)
def test_before_a_choice_every_tracker_waits(page, context, live_server, demo_sites, standins,
                                             site_key):
    open_store(page, live_server, site_key)
    assert panel_states(page) == {name: "waiting" for name in STORE_TRACKERS[site_key]}
    for state in page.locator('#demo-panel [data-role="state"]').all_inner_texts():
        assert state == "بانتظار الموافقة"
    expect(page.locator('#demo-panel [data-role="consent-status"]')).to_have_text(
        "لم يتخذ الزائر قراره بعد")
    assert standins == []
    assert page.evaluate("window.__trackers") is None
    assert tracker_cookies(context) == set()


@pytest.mark.parametrize("site_key", STORE_TRACKERS)
def test_banner_sits_above_the_store(page, live_server, demo_sites, site_key):
    """Real themes are full of positioned cards, badges and faded text: none may cover
    the banner's buttons."""
    open_store(page, live_server, site_key)
    for action in ["accept-all", "reject-all", "customize"]:
        box = button(page, action).bounding_box()
        on_top = page.evaluate(
            "([x, y]) => document.elementFromPoint(x, y).closest('#consent-banner') !== null",
            [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])
        assert on_top, f"the store covers the banner's {action} button"


def test_accept_all_loads_every_electronics_tracker(page, context, live_server, demo_sites,
                                                    standins):
    open_store(page, live_server, "demo-electronics")
    button(page, "accept-all").click()
    wait_loaded(page, STORE_TRACKERS["demo-electronics"])
    assert sorted(page.evaluate("window.__trackers")) == sorted(STORE_TRACKERS["demo-electronics"])
    assert page.locator('#demo-panel [data-tracker="meta"] [data-role="state"]').inner_text() \
        == "تم التحميل"
    assert page.evaluate(PANEL_CONSENT) == dict.fromkeys(
        ["necessary", "functional", "analytics", "advertising"], "granted")
    cookies = page.locator('#demo-panel [data-role="cookies"]')
    for name in ["_ga", "_gcl_au", "_fbp", "_uetsid"]:
        expect(cookies).to_contain_text(name)
    assert {"_ga", "_gcl_au", "_fbp", "_uetsid"} <= tracker_cookies(context)
    assert sorted(set(standins)) == ["bat.js", "fbevents.js", "gtag.js?id=AW-1047392261",
                                     "gtag.js?id=G-ALVOIP2026"]


def test_analytics_only_loads_google_analytics_alone(page, context, live_server, demo_sites,
                                                     standins):
    open_store(page, live_server, "demo-subscriptions")
    button(page, "customize").click()
    page.locator('#consent-banner input[data-category="analytics"]').check()
    page.locator("#consent-banner [data-age]:visible").check()  # this store asks for legal age
    button(page, "save").click()
    wait_loaded(page, ["google-analytics"])
    # _ga comes from GA's inline config. Gated scripts run in document order, so once it
    # is set, the Snap and TikTok base codes below it would have run if they were allowed.
    expect(page.locator('#demo-panel [data-role="cookies"]')).to_contain_text("_ga")
    assert page.evaluate("[typeof snaptr, typeof ttq]") == ["undefined", "undefined"]
    assert panel_states(page) == {"google-analytics": "loaded", "snapchat": "waiting",
                                  "tiktok": "waiting"}
    assert page.evaluate(PANEL_CONSENT) == {"necessary": "granted", "functional": "denied",
                                            "analytics": "granted", "advertising": "denied"}
    assert page.evaluate("window.__trackers") == ["google-analytics"]
    assert standins == ["gtag.js?id=G-ALLWAN2026"]
    assert not tracker_cookies(context) & {"_ttp", "_scid", "_fbp", "_gcl_au"}


def test_withdrawal_is_shown_and_clears_tracker_cookies(page, context, live_server, demo_sites):
    open_store(page, live_server, "demo-electronics")
    button(page, "accept-all").click()
    wait_loaded(page, STORE_TRACKERS["demo-electronics"])
    expect(page.locator('#demo-panel [data-role="cookies"]')).to_contain_text("_uetsid")
    page.evaluate("window.ConsentBanner.withdraw()")
    # Scripts that ran keep running until a reload: the panel says so.
    page.wait_for_function("() => document.querySelector("
                           "'#demo-panel [data-tracker=\"meta\"]').dataset.state === 'withdrawn'")
    assert set(panel_states(page).values()) == {"withdrawn"}
    expect(page.locator('#demo-panel [data-role="cookies"]')).to_have_text("لا يوجد")
    assert tracker_cookies(context) == set()
