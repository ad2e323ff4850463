"""Gated markup (DESIGN.md section 5): nothing runs before its category is granted,
scripts run in document order and only once, and tracker scripts other apps add later
are held back the same way."""
import re

import pytest

from tests.browser.conftest import (TAG_SRC, banner_button, gated, gated_inline, held, marker,
                                    ran, settled, tracker_cookies, wait_banner, wait_ran,
                                    wait_ready)
from tests.browser.snippet_helpers import changed

pytestmark = pytest.mark.browser

AD_PIXEL_IMG = "https://www.facebook.com/tr?id=1&ev=PageView&noscript=1"
FRAME = "http://shop.localhost/frame"

# One of everything a store gates: external tags, an inline pixel, an embed, a pixel image.
EVERYTHING = (gated("google-analytics") + gated("meta") + gated("microsoft-uet")
              + gated_inline("advertising", marker("inline-pixel"))
              + f'<iframe data-consent="functional" data-src="{FRAME}"></iframe>'
              + f'<img data-consent="advertising" data-src="{AD_PIXEL_IMG}" alt="">')


def requested(network, url: str) -> bool:
    return url in network.urls


# What EVERYTHING holds: its three tags, the inline pixel, the embed and the pixel image.
EVERYTHING_HELD = [TAG_SRC["google-analytics"], TAG_SRC["meta"], TAG_SRC["microsoft-uet"],
                   marker("inline-pixel"), FRAME, AD_PIXEL_IMG]


def assert_nothing_ran(page, context, network):
    """Once the snippet has applied the choice: every gated element still held, and
    nothing requested or run (`settled`: every request the page sent is listed)."""
    settled(page)
    assert held(page) == EVERYTHING_HELD
    assert network.trackers == []
    assert ran(page) == []
    assert tracker_cookies(context) == set()
    assert page.locator("iframe").get_attribute("src") is None
    assert page.locator("img").get_attribute("src") is None
    assert not requested(network, FRAME) and not requested(network, AD_PIXEL_IMG)


def test_nothing_loads_before_a_choice(page, context, network, shop_site, store_page, store_pages):
    shop_site()
    store_pages["/frame"] = "<p>video</p>"
    page.goto(store_page(EVERYTHING))
    assert wait_ready(page) is None
    wait_banner(page)  # shown by the time it is ready
    assert_nothing_ran(page, context, network)


def test_reject_all_loads_no_tracker(page, context, network, shop_site, store_page, store_pages):
    shop_site()
    store_pages["/frame"] = "<p>video</p>"
    page.goto(store_page(EVERYTHING))
    # The change event comes once the refusal is applied (tags held, cookies cleared).
    with changed(page) as change:
        banner_button(page, "reject-all").click()
    assert change.detail()["categories"]["advertising"] is False
    assert_nothing_ran(page, context, network)


def test_analytics_only_loads_google_analytics_and_no_ad_pixel(page, context, network, shop_site,
                                                                store_page):
    shop_site()
    page.goto(store_page(gated("google-analytics") + gated("meta") + gated("google-ads")
                         + gated_inline("advertising", marker("inline-pixel"))))
    banner_button(page, "customize").click()
    page.locator('#consent-banner input[data-category="analytics"]').check()
    banner_button(page, "save").click()
    wait_ran(page, "google-analytics")
    # Its load event (right after it ran) released whatever came next: nothing did.
    settled(page)
    assert held(page) == [TAG_SRC["meta"], TAG_SRC["google-ads"], marker("inline-pixel")]
    assert network.trackers == ["google-analytics"]
    assert ran(page) == ["google-analytics"]
    assert tracker_cookies(context) == {"_ga"}


def test_accept_all_runs_every_gated_script_in_document_order(page, network, shop_site, store_page):
    shop_site()
    # Inline markers between external tags of different hosts and categories: if external
    # scripts did not wait for each other (or inline ones for them), the order would break.
    page.goto(store_page(
        gated_inline("functional", marker("one")) + gated("google-analytics")
        + gated_inline("analytics", marker("two")) + gated("meta")
        + gated_inline("advertising", marker("three")) + gated("microsoft-uet")
        + gated("tiktok") + gated_inline("functional", marker("four")) + gated("snapchat")))
    banner_button(page, "accept-all").click()
    wait_ran(page, "snapchat")
    assert ran(page) == ["one", "google-analytics", "two", "meta", "three", "microsoft-uet",
                         "tiktok", "four", "snapchat"]
    assert network.trackers == ["google-analytics", "meta", "microsoft-uet", "tiktok", "snapchat"]


def test_inline_script_runs_once_granted_with_its_nonce(page, shop_site, store_page):
    shop_site()
    # A strict CSP header: only scripts carrying the nonce may run, so the executed copy
    # must carry the nonce of the gated original (which the browser hides from attributes).
    page.goto(store_page(
        gated_inline("advertising",
                     marker("pixel") + " window.__nonce = document.currentScript.nonce;",
                     ' nonce="n0nce"'),
        tag_attrs=' nonce="n0nce"',
        headers={"Content-Security-Policy": "script-src 'nonce-n0nce'"}))
    wait_ready(page)
    assert held(page) == [marker("pixel") + " window.__nonce = document.currentScript.nonce;"]
    assert ran(page) == []
    page.evaluate("ConsentBanner.set({advertising: true})")
    wait_ran(page, "pixel")
    assert page.evaluate("window.__nonce") == "n0nce"


def test_gated_element_never_runs_twice(page, network, shop_site, store_page):
    shop_site()
    page.goto(store_page(gated("google-analytics")
                         + gated_inline("analytics", marker("inline"))))
    page.evaluate("ConsentBanner.acceptAll()")
    wait_ran(page, "inline")
    wait_ran(page, "google-analytics")
    page.evaluate("ConsentBanner.set({analytics: true, functional: true})")
    page.evaluate("ConsentBanner.rejectAll()")
    page.evaluate("ConsentBanner.acceptAll()")  # resolves once the decision is applied
    # A second copy would have been inserted by now, and its request sent.
    settled(page)
    assert page.evaluate("""src => [...document.scripts].filter(s => s.src === src).length""",
                         TAG_SRC["google-analytics"]) == 1
    assert sorted(ran(page)) == ["google-analytics", "inline"]
    assert network.trackers == ["google-analytics"]


def test_iframe_and_image_get_their_src_only_once_their_category_is_granted(
        page, network, shop_site, store_page, store_pages):
    shop_site()
    store_pages["/frame"] = "<p>video</p>"
    page.goto(store_page(f'<iframe data-consent="functional" data-src="{FRAME}"></iframe>'
                         f'<img data-consent="advertising" data-src="{AD_PIXEL_IMG}" alt="">'))
    wait_banner(page)
    assert page.locator("iframe").get_attribute("src") is None
    assert page.locator("img").get_attribute("src") is None

    with page.expect_request(FRAME):
        page.evaluate("ConsentBanner.set({functional: true})")
    assert page.locator("iframe").get_attribute("src") == FRAME
    settled(page)  # set() resolved once applied: the image's request would be listed now
    assert page.locator("img").get_attribute("src") is None
    assert not requested(network, AD_PIXEL_IMG)

    with page.expect_request(AD_PIXEL_IMG):
        page.evaluate("ConsentBanner.set({advertising: true})")
    assert page.locator("img").get_attribute("src") == AD_PIXEL_IMG


INSERT_LATER = {
    "src property": "s.src = url",
    "setAttribute": "s.setAttribute('src', url)",
}


@pytest.mark.parametrize("how", INSERT_LATER)
def test_tracker_script_added_later_is_held_until_advertising_is_granted(
        page, network, shop_site, store_page, how):
    shop_site()
    page.goto(store_page())
    wait_banner(page)
    page.evaluate(f"""url => {{
        const s = document.createElement('script');
        {INSERT_LATER[how]};
        document.head.appendChild(s);
    }}""", TAG_SRC["meta"])
    # Held as it was inserted (by its src setter or setAttribute), before any request.
    settled(page)
    assert held(page) == [TAG_SRC["meta"]]
    assert network.trackers == []
    assert ran(page) == []

    page.evaluate("ConsentBanner.set({analytics: true})")  # resolves once applied
    settled(page)
    assert held(page) == [TAG_SRC["meta"]]
    assert network.trackers == []

    page.evaluate("ConsentBanner.set({advertising: true})")
    wait_ran(page, "meta")
    assert network.trackers == ["meta"]


def test_script_of_an_unknown_host_is_not_held(page, shop_site, store_page):
    shop_site()
    widget = "https://cdn.reviews-widget.example/widget.js"
    page.route(widget, lambda route: route.fulfill(
        status=200, content_type="text/javascript", body=marker("widget")))
    page.goto(store_page())
    wait_banner(page)
    page.evaluate("""url => {
        const s = document.createElement('script');
        s.src = url;
        document.head.appendChild(s);
    }""", widget)
    wait_ran(page, "widget")
    assert page.evaluate("ConsentBanner.get()") is None


# Resolves with "pending" while ConsentBanner.ready has not resolved yet.
READY_OR_PENDING = "() => Promise.race([ConsentBanner.ready, Promise.resolve('pending')])"


def test_a_tag_released_late_is_seen_by_a_test_awaiting_ready(page, network, live_server,
                                                               shop_site, store_page):
    shop_site()
    url = store_page(gated("google-analytics"))
    page.goto(url)
    page.evaluate("ConsentBanner.acceptAll()")
    wait_ran(page, "google-analytics")

    # On the next page the stored choice runs its tags once the banner says it still holds:
    # its answer is held back here, so the release comes as late as the test decides.
    answers = []
    page.route(re.compile(re.escape(live_server) + r"/v1/sites/test-store/banner\b.*"),
               lambda route: answers.append(route))
    network.trackers.clear()
    page.goto(url)
    settled(page)
    assert len(answers) == 1, "the banner was not asked for"
    assert held(page) == [TAG_SRC["google-analytics"]]
    assert page.evaluate(READY_OR_PENDING) == "pending"
    assert network.trackers == []

    answers[0].fallback()
    assert wait_ready(page)["categories"]["analytics"] is True
    # Nothing else awaited: ready came after the release, so its request is already sent.
    settled(page)
    assert held(page) == []
    assert network.trackers == ["google-analytics"]
