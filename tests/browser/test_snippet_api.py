"""The JS API (DESIGN.md section 5): window.ConsentBanner is the snippet's only global,
with get, acceptAll, rejectAll, set, withdraw, open and on('change'), and a
consentbanner:change event carrying the same detail."""
import uuid
from datetime import datetime, timedelta

import pytest

from tests.browser.conftest import (STORE_ORIGIN, TAG_SRC, banner_button, gated, held, settled,
                                    tracker_cookies, wait_banner, wait_decided, wait_ran)
from tests.helpers import ALL, NONE

pytestmark = pytest.mark.browser

ANALYTICS_ONLY = {**NONE, "analytics": True}


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_consent_banner_is_the_only_global_of_its_own(page, shop_site, store_page, store_pages):
    shop_site()
    store_pages["/plain"] = ('<!doctype html><html lang="en"><head><meta charset="utf-8">'
                             '<title>Shop</title></head><body><h1>Shop</h1></body></html>')
    page.goto(STORE_ORIGIN + "/plain")
    without = set(page.evaluate("Object.getOwnPropertyNames(window)"))
    page.goto(store_page())
    wait_banner(page)
    page.evaluate("ConsentBanner.acceptAll()")
    with_snippet = set(page.evaluate("Object.getOwnPropertyNames(window)"))
    # dataLayer and uetq are the vendors' queues, which Consent Mode and UET need first.
    assert with_snippet - without == {"ConsentBanner", "dataLayer", "uetq"}


def test_get_is_null_before_a_decision_and_the_state_after(page, shop_site, store_page):
    shop_site()
    # A theme script right after the install tag can already ask.
    page.goto(store_page(head="<script>window.__early = ConsentBanner.get();</script>"))
    assert page.evaluate("window.__early === null")
    wait_banner(page)
    assert page.evaluate("ConsentBanner.get() === null")

    page.evaluate("ConsentBanner.acceptAll()")
    got = page.evaluate("ConsentBanner.get()")
    assert set(got) == {"visitorId", "version", "categories", "updatedAt", "expiresAt"}
    assert str(uuid.UUID(got["visitorId"])) == got["visitorId"]
    assert got["version"] == 1
    assert got["categories"] == ALL
    # The default banner keeps a choice for 365 days.
    assert parse_time(got["expiresAt"]) - parse_time(got["updatedAt"]) == timedelta(days=365)


@pytest.mark.parametrize("call, action, choices", [
    ("acceptAll()", "accept_all", ALL),
    ("rejectAll()", "reject_all", NONE),
    ("set({analytics: true})", "custom", ANALYTICS_ONLY),
])
def test_decision_through_the_api_is_applied_and_recorded(page, network, shop_site, store_page,
                                                          consent_records, call, action,
                                                          choices):
    shop_site()
    page.goto(store_page(gated("google-analytics") + gated("meta")))
    wait_banner(page)
    page.evaluate(f"ConsentBanner.{call}")
    assert page.evaluate("ConsentBanner.get().categories") == choices
    banner_button(page, "open").wait_for()  # the first layer made way for the re-open button
    assert banner_button(page, "accept-all").count() == 0
    [record] = consent_records(1)
    assert (record["action"], record["source"], record["choices"]) == (action, "api", choices)
    expected = [name for name, category in (("google-analytics", "analytics"),
                                            ("meta", "advertising")) if choices[category]]
    for name in expected:
        wait_ran(page, name)
    # What was not granted is still held: its request would be listed once settled.
    settled(page)
    assert held(page) == [TAG_SRC[name] for name in ("google-analytics", "meta")
                          if name not in expected]
    assert network.trackers == expected


def test_set_changes_only_the_categories_it_names(page, shop_site, store_page):
    shop_site()
    page.goto(store_page())
    page.evaluate("ConsentBanner.set({analytics: true})")
    page.evaluate("ConsentBanner.set({functional: true})")
    assert page.evaluate("ConsentBanner.get().categories") == {**ANALYTICS_ONLY,
                                                               "functional": True}
    page.evaluate("ConsentBanner.set({analytics: false})")
    assert page.evaluate("ConsentBanner.get().categories") == {**NONE, "functional": True}


def test_withdraw_refuses_everything_and_is_recorded(page, context, shop_site, store_page,
                                                     consent_records):
    shop_site()
    page.goto(store_page(gated("google-analytics") + gated("meta")))
    page.evaluate("ConsentBanner.acceptAll()")
    wait_ran(page, "meta")
    assert tracker_cookies(context) == {"_ga", "_fbp"}
    page.evaluate("ConsentBanner.withdraw()")
    assert page.evaluate("ConsentBanner.get().categories") == NONE
    assert tracker_cookies(context) == set()
    records = consent_records(2)
    assert [(r["action"], r["source"]) for r in records] == [("accept_all", "api"),
                                                             ("withdraw", "api")]
    assert records[-1]["choices"] == NONE


def category_boxes(page) -> dict:
    return page.evaluate("""() => Object.fromEntries(
        [...document.querySelector('#consent-banner').shadowRoot
            .querySelectorAll('input[data-category]')]
        .map(x => [x.getAttribute('data-category'), x.checked]))""")


def test_open_shows_the_preferences_with_nothing_ticked_before_a_decision(page, shop_site,
                                                                           store_page):
    shop_site()
    page.goto(store_page())
    page.evaluate("ConsentBanner.open()")
    banner_button(page, "save").wait_for()
    assert category_boxes(page) == NONE


def test_open_shows_the_preferences_as_decided(page, shop_site, store_page, consent_records):
    shop_site()
    page.goto(store_page())
    page.evaluate("ConsentBanner.set({analytics: true})")
    page.evaluate("ConsentBanner.open()")
    banner_button(page, "save").wait_for()
    assert category_boxes(page) == ANALYTICS_ONLY
    page.locator('#consent-banner input[data-category="advertising"]').check()
    banner_button(page, "save").click()
    wait_decided(page)
    assert page.evaluate("ConsentBanner.get().categories") == {**ANALYTICS_ONLY,
                                                               "advertising": True}
    assert consent_records(2)[-1]["source"] == "preferences"


def test_change_listener_and_event_get_the_same_detail(page, shop_site, store_page):
    shop_site()
    page.goto(store_page())
    wait_banner(page)
    page.evaluate("""() => {
        window.__viaOn = []; window.__viaEvent = [];
        ConsentBanner.on('change', detail => __viaOn.push(detail));
        addEventListener('consentbanner:change', e => __viaEvent.push(e.detail));
    }""")
    banner_button(page, "accept-all").click()
    page.wait_for_function("() => __viaEvent.length === 1 && __viaOn.length === 1")
    via_on, via_event = page.evaluate("[__viaOn[0], __viaEvent[0]]")
    assert via_on == via_event == page.evaluate("ConsentBanner.get()")
    assert via_on["categories"] == ALL

    page.evaluate("ConsentBanner.rejectAll()")
    page.wait_for_function("() => __viaEvent.length === 2 && __viaOn.length === 2")
    via_on, via_event = page.evaluate("[__viaOn[1], __viaEvent[1]]")
    assert via_on == via_event == page.evaluate("ConsentBanner.get()")
    assert via_on["categories"] == NONE
