"""Salla's own storefront code agrees with our banner (issue 10, point 4), run from the
npm packages: the Twilight SDK (@salla.sa/twilight) and its <salla-cookies-bar>
(@salla.sa/twilight-components).

Salla's bar reads one cookie per category ('true'/'false') and, on every page, deletes the
tracker cookies of each category not 'true'; its analytics (Jitsu) keeps user ids and IPs
only while 'cookies-consent' is 'accepted', and re-reads that only when told of a change
before the new state is stored. Tracker cookies are set after each decision, as tags that
run (or ignore consent) would, so what goes on the next page is Salla's doing.
"""
import json

import pytest

from tests.browser.conftest import banner_button, wait_banner, wait_decided
from tests.browser.dashboard import LANGUAGES, VIEWPORTS
from tests.browser.platforms import (salla_store_page, screenshot, serve_salla,
                                     wait_salla_bar, wait_salla_ready)

pytestmark = pytest.mark.browser

# Tracker cookies of the reference stores, by our category (Salla: performance, advertising).
TRACKER_COOKIES = {"analytics": ("_ga", "_gid"),
                   "advertising": ("_fbp", "_gcl_au", "_ttp", "_scid")}
EVERY_TRACKER = {name for names in TRACKER_COOKIES.values() for name in names}
CATEGORY_COOKIES = {"necessary": "necessary_cookies", "analytics": "performance_cookies",
                    "functional": "functional_cookies", "advertising": "advertising_cookies"}


@pytest.fixture
def salla_page(page, context, shop_site, store_page):
    """A Salla store page with our banner, Salla's SDK and its cookie bar; returns its URL."""
    serve_salla(context)

    def make(**options) -> str:
        shop_site(platform="salla")
        return salla_store_page(store_page, **options)
    return make


def trackers_run(page) -> None:
    """Sets the tracker cookies on the store's domain, as the tags do."""
    page.evaluate("names => names.forEach(n => { document.cookie = n + '=GA1.1.1; Path=/;"
                  " Max-Age=86400'; })", sorted(EVERY_TRACKER))


def next_page(page) -> set[str]:
    """Loads the page again and waits for Salla's bar to have swept; the cookies left."""
    page.reload()
    wait_salla_bar(page)
    return {c["name"] for c in page.context.cookies()}


def test_salla_keeps_tracker_cookies_after_accept_and_deletes_them_after_withdrawal(
        page, salla_page):
    page.goto(salla_page())
    wait_banner(page)
    wait_salla_bar(page)
    banner_button(page, "accept-all").click()
    wait_decided(page)
    trackers_run(page)

    # Salla's category cookies, as its bar writes them: path /, for as long as our choice.
    cookies = {c["name"]: c for c in page.context.cookies()}
    expires = page.evaluate("Date.parse(ConsentBanner.get().expiresAt) / 1000")
    for name in CATEGORY_COOKIES.values():
        assert cookies[name]["value"] == "true"
        assert cookies[name]["path"] == "/"
        assert abs(cookies[name]["expires"] - expires) < 2  # Expires has whole seconds
    assert EVERY_TRACKER <= next_page(page)

    page.evaluate("ConsentBanner.withdraw()")
    trackers_run(page)  # a tag that ignores consent
    assert {c["name"]: c["value"] for c in page.context.cookies()
            if c["name"] in CATEGORY_COOKIES.values()} == {
        "necessary_cookies": "true", "performance_cookies": "false",
        "functional_cookies": "false", "advertising_cookies": "false"}
    assert not EVERY_TRACKER & next_page(page)


def test_salla_keeps_tracker_cookies_of_a_choice_from_before_its_category_cookies(
        page, salla_page):
    page.goto(salla_page())
    wait_banner(page)
    banner_button(page, "accept-all").click()
    wait_decided(page)
    # As a choice mirrored to Salla before the category cookies were written leaves it.
    assert page.evaluate("localStorage.getItem('cookies-consent')") == '"accepted"'
    for name in CATEGORY_COOKIES.values():
        page.context.clear_cookies(name=name)
    trackers_run(page)

    assert EVERY_TRACKER <= next_page(page)


@pytest.mark.parametrize("granted", ["analytics", "advertising"])
def test_salla_deletes_only_the_tracker_cookies_of_refused_categories(
        page, salla_page, granted):
    page.goto(salla_page())
    wait_banner(page)
    page.evaluate(f"ConsentBanner.set({{{granted}: true}})")
    trackers_run(page)

    left = next_page(page)
    refused = next(c for c in TRACKER_COOKIES if c != granted)
    assert set(TRACKER_COOKIES[granted]) <= left
    assert not set(TRACKER_COOKIES[refused]) & left


def is_track(name: str):
    return lambda request: (request.method == "POST" and request.url.endswith("/_app/e/api/s/track")
                            and json.loads(request.post_data).get("event") == name)


def salla_tracks(page, name: str) -> tuple[str | None, dict]:
    """Has Salla's analytics track an event; (its X-IP-Policy header, the payload) as sent."""
    with page.expect_request(is_track(name)) as sent:
        page.evaluate("name => Salla.analytics.track(name)", name)
    return sent.value.headers.get("x-ip-policy"), json.loads(sent.value.post_data)


# The SDK as the theme loads it, and the copy the components' bundle carries.
@pytest.mark.parametrize("components", [False, True], ids=["twilight", "components"])
def test_salla_analytics_follows_accept_and_withdrawal_on_our_banner(page, salla_page,
                                                                     components):
    with page.expect_request(lambda r: r.url.endswith("/_app/e/api/s/page")) as first:
        page.goto(salla_page(components=components))
    # No choice yet: Salla's analytics keeps no user id and asks for the IP to be removed.
    assert first.value.headers.get("x-ip-policy") == "remove"
    wait_banner(page)
    wait_salla_ready(page)

    banner_button(page, "accept-all").click()
    wait_decided(page)
    policy, payload = salla_tracks(page, "after accept")
    assert policy is None  # Jitsu sends no header for "keep"
    assert payload.get("anonymousId")

    page.evaluate("ConsentBanner.withdraw()")
    policy, payload = salla_tracks(page, "after withdrawal")
    assert policy == "remove"
    assert "anonymousId" not in payload


@pytest.mark.parametrize("device", VIEWPORTS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_salla_cookie_bar_never_shows_beside_ours(page, salla_page, lang, device):
    page.set_viewport_size(VIEWPORTS[device])
    page.goto(salla_page(lang=lang))
    wait_banner(page)
    wait_salla_bar(page)
    # Salla's bar has rendered its first layer (no choice is stored) but is not shown.
    bar = page.locator("salla-cookies-bar .s-cookies-bar")
    assert bar.locator(".s-cookies-bar-consent").count() == 1
    assert not bar.is_visible()
    screenshot(page, "salla-first-visit", lang, device)

    banner_button(page, "accept-all").click()
    wait_decided(page)
    # The store's footer link "cookie settings" asks Salla's bar to open: ours opens instead.
    page.evaluate("salla.event.emit('salla-cookies-bar::open')")
    banner_button(page, "save").wait_for()
    assert not bar.is_visible()
    screenshot(page, "salla-after-accept", lang, device)
