"""A choice's life (DESIGN.md section 5): stored first-party and applied on the next
page before anything loads, recorded on the backend (queued while it is down), asked
again after a material change or expiry, GPC, withdrawal, and banner impressions."""
import copy
from datetime import datetime, timedelta
from urllib.parse import unquote

import pytest

from banner.cache import clear_caches
from banner.extensions import db
from banner.models import Impression
from banner.services.versions import latest_published, publish
from banner.vendors import CATALOGUE, catalogue_vendor
from tests.browser.conftest import (GPC_ON, QUEUE, TAG_SRC, banner_button, consent_commands,
                                    gated, held, ran, settled, tracker_cookies, wait_banner,
                                    wait_decided, wait_delivered, wait_ran, wait_ready)
from tests.browser.snippet_helpers import answered_impression, is_consent_post
from tests.helpers import ALL, NONE

pytestmark = pytest.mark.browser

DENIED = {"ad_storage": "denied", "ad_user_data": "denied", "ad_personalization": "denied",
          "analytics_storage": "denied", "functionality_storage": "denied",
          "personalization_storage": "denied", "security_storage": "granted"}
AD_TAGS = ("google-ads", "meta", "microsoft-uet", "tiktok", "snapchat")
EVERY_TAG = gated("google-analytics") + "".join(gated(name) for name in AD_TAGS)
EVERY_TAG_HELD = [TAG_SRC["google-analytics"], *(TAG_SRC[name] for name in AD_TAGS)]


def republished(site, change) -> str:
    """Publishes the live document of the site changed by `change`; returns the change kind."""
    doc = copy.deepcopy(latest_published(site.id).document)
    change(doc)
    version = publish(site, doc)
    clear_caches()
    return version.change_kind


def test_choice_is_stored_first_party_and_applied_on_the_next_page_without_the_api(
        page, context, network, backend, shop_site, store_page):
    shop_site()
    url = store_page(gated("google-analytics") + gated("meta"))
    page.goto(url)
    banner_button(page, "accept-all").click()
    wait_ran(page, "meta")
    choice = page.evaluate("ConsentBanner.get()")

    cookie = next(c for c in context.cookies() if c["name"] == "consent_banner")
    assert cookie["domain"] == "shop.localhost" and cookie["path"] == "/"
    assert cookie["sameSite"] in ("Lax", "Strict")
    assert choice["visitorId"] in unquote(cookie["value"])
    assert choice["visitorId"] in page.evaluate("localStorage.getItem('consent_banner')")

    backend.down()  # every API request of the next page fails
    network.trackers.clear()
    page.goto(url)
    wait_ran(page, "google-analytics")
    wait_ran(page, "meta")
    assert network.trackers == ["google-analytics", "meta"]
    assert page.evaluate("ConsentBanner.get()") == choice


def customize_analytics_only(page):
    banner_button(page, "customize").click()
    page.locator('#consent-banner input[data-category="analytics"]').check()
    banner_button(page, "save").click()


@pytest.mark.parametrize("lang, decide, action, source, choices", [
    ("ar", lambda page: banner_button(page, "accept-all").click(), "accept_all", "banner", ALL),
    ("en", lambda page: banner_button(page, "reject-all").click(), "reject_all", "banner", NONE),
    ("en", customize_analytics_only, "custom", "preferences", {**NONE, "analytics": True}),
], ids=["accept-all", "reject-all", "custom"])
def test_consent_is_recorded_on_the_backend_as_proof(page, network, shop_site, store_page,
                                                     consent_records, lang, decide, action,
                                                     source, choices):
    shop_site()
    page.goto(store_page(lang=lang) + "?utm_source=newsletter")
    decide(page)
    wait_decided(page)
    visitor = page.evaluate("ConsentBanner.get().visitorId")
    [record] = consent_records(1)
    record.pop("age_confirmed")  # this banner does not ask for it
    assert record == {"action": action, "source": source, "language": lang, "version": 1,
                      "choices": choices, "gpc": False, "visitor_id": visitor,
                      "page_url": "http://shop.localhost/"}
    # Delivered (the outbox empty): nothing left to send, and nothing else was sent.
    wait_delivered(page)
    settled(page)
    assert network.posts("/consents") == 1
    assert len(consent_records(timeout=0)) == 1


@pytest.mark.parametrize("back", ["online event", "next page"])
def test_choice_made_while_the_backend_is_down_applies_and_is_delivered_once_back(
        page, backend, shop_site, store_page, consent_records, back):
    shop_site()
    backend.down("/consents", method="POST")
    page.goto(store_page(gated("google-analytics") + gated("meta")))
    with page.expect_event("requestfailed", is_consent_post):
        banner_button(page, "accept-all").click()
    wait_ran(page, "google-analytics")
    wait_ran(page, "meta")
    assert backend.refused, "the snippet did not try to deliver the choice"
    assert [item["action"] for item in page.evaluate(QUEUE)] == ["accept_all"]
    assert consent_records(timeout=0) == []

    backend.up()
    if back == "online event":
        page.evaluate("window.dispatchEvent(new Event('online'))")
    else:
        page.reload()
    [record] = consent_records(1)
    assert record["action"] == "accept_all" and record["choices"] == ALL
    # Its outbox is empty once the backend answered: nothing left to send it again.
    wait_delivered(page)
    assert page.evaluate(QUEUE) == []
    assert len(consent_records(timeout=0)) == 1


MATERIAL = {
    "policy changed": lambda doc: doc.update(policy_url="https://example.com/privacy-2"),
    "vendor added": lambda doc: doc["vendors"].append({  # one the built-in catalogue lacks
        "key": "crazy-egg", "name": "Crazy Egg", "category": "analytics",
        "hosts": ["script.crazyegg.com"], "privacy_url": "https://www.crazyegg.com/privacy"}),
}


@pytest.mark.parametrize("change", MATERIAL)
def test_material_version_asks_again_and_holds_trackers_until_a_new_choice(
        page, network, shop_site, store_page, consent_records, change):
    site = shop_site()
    url = store_page(gated("google-analytics") + gated("meta"))
    page.goto(url)
    banner_button(page, "accept-all").click()
    wait_ran(page, "meta")
    assert republished(site, MATERIAL[change]) == "material"

    network.trackers.clear()
    page.goto(url)
    assert wait_ready(page) is None  # applied: asked again, the tags held
    wait_banner(page)
    settled(page)
    assert held(page) == [TAG_SRC["google-analytics"], TAG_SRC["meta"]]
    assert network.trackers == []
    assert ran(page) == []
    assert page.evaluate("ConsentBanner.get()") is None

    banner_button(page, "accept-all").click()
    wait_ran(page, "meta")
    records = consent_records(2)
    assert [r["version"] for r in records] == [1, 2]


def test_minor_version_keeps_the_choice(page, network, shop_site, store_page):
    site = shop_site()
    url = store_page(gated("google-analytics"))
    page.goto(url)
    banner_button(page, "accept-all").click()
    wait_ran(page, "google-analytics")
    assert republished(site, lambda doc: doc["texts"]["en"].update(
        title="We use cookies, and we say so")) == "minor"

    network.trackers.clear()
    page.goto(url)
    wait_ran(page, "google-analytics")
    banner_button(page, "open").wait_for()
    assert banner_button(page, "accept-all").count() == 0
    assert page.evaluate("ConsentBanner.get().version") == 1


def test_choice_past_its_expiry_asks_again(page, network, document, shop_site, store_page):
    document["vendors"] = [catalogue_vendor(key) for key in CATALOGUE]
    document["behaviour"]["consent_lifetime_days"] = 30
    shop_site(document)
    url = store_page(gated("google-analytics"))
    page.goto(url)
    banner_button(page, "accept-all").click()
    wait_ran(page, "google-analytics")

    # Still within its lifetime: applied, nothing asked.
    page.clock.set_system_time(datetime.now() + timedelta(days=29))
    network.trackers.clear()
    page.goto(url)
    wait_ran(page, "google-analytics")
    banner_button(page, "open").wait_for()

    page.clock.set_system_time(datetime.now() + timedelta(days=31))
    network.trackers.clear()
    page.goto(url)
    assert wait_ready(page) is None
    wait_banner(page)
    settled(page)
    assert held(page) == [TAG_SRC["google-analytics"]]
    assert network.trackers == []
    assert page.evaluate("ConsentBanner.get()") is None


def test_gpc_keeps_advertising_denied_and_is_recorded(page, network, shop_site, store_page,
                                                      consent_records):
    shop_site()
    page.add_init_script(GPC_ON)
    page.goto(store_page(EVERY_TAG))
    [record] = consent_records(1)
    assert record["action"] == "gpc" and record["source"] == "gpc" and record["gpc"] is True
    assert record["choices"]["advertising"] is False and record["choices"]["necessary"] is True
    assert wait_ready(page)["categories"]["advertising"] is False
    settled(page)
    assert held(page) == EVERY_TAG_HELD
    assert not set(AD_TAGS) & set(network.trackers)
    assert consent_commands(page)[-1]["ad_storage"] == "denied"

    page.evaluate("ConsentBanner.set({analytics: true})")
    wait_ran(page, "google-analytics")
    settled(page)  # its load event released what came next, if anything was granted
    assert held(page) == EVERY_TAG_HELD[1:]
    assert network.trackers == ["google-analytics"]


def test_gpc_not_honoured_records_nothing_by_itself(page, network, document, shop_site,
                                                    store_page, consent_records):
    document["vendors"] = [catalogue_vendor(key) for key in CATALOGUE]
    document["behaviour"]["honour_gpc"] = False
    shop_site(document)
    page.add_init_script(GPC_ON)
    page.goto(store_page(EVERY_TAG))
    assert wait_ready(page) is None  # GPC read and not acted on, the banner shown
    wait_banner(page)
    settled(page)
    assert held(page) == EVERY_TAG_HELD
    assert network.posts("/consents") == 0
    assert consent_records(timeout=0) == []
    assert network.trackers == []


def refuse_in_dialog(page):
    banner_button(page, "reject-all").click()


def untick_and_save(page):
    for box in page.locator("#consent-banner input[data-category]:not([disabled])").all():
        box.uncheck()
    banner_button(page, "save").click()


@pytest.mark.parametrize("refuse", [refuse_in_dialog, untick_and_save],
                         ids=["reject-all", "untick-and-save"])
def test_withdraw_from_the_reopen_button_stops_trackers_and_clears_their_cookies(
        page, context, network, shop_site, store_page, consent_records, refuse):
    shop_site()
    url = store_page(EVERY_TAG)
    page.goto(url)
    banner_button(page, "accept-all").click()
    wait_ran(page, "snapchat")
    # Cookies the real tags set beside the stand-ins' ones, one on the parent domain, and
    # the store's own cookie, which must survive.
    page.evaluate("""() => ['_ga_ABC123=GS1.1', '_gid=GA1.2', '_fbc=fb.1.2', '_uetvid=abc',
                            '_scid_r=1', 'cart=42']
                     .forEach(c => { document.cookie = c + '; Path=/'; })""")
    context.add_cookies([{"name": "_ga_PARENT", "value": "1", "domain": ".shop.localhost",
                          "path": "/"}])
    assert tracker_cookies(context) >= {"_ga", "_gcl_au", "_fbp", "_uetsid", "_ttp", "_scid",
                                        "_ga_ABC123", "_gid", "_fbc", "_uetvid", "_scid_r",
                                        "_ga_PARENT"}

    banner_button(page, "open").click()
    refuse(page)
    page.wait_for_function("() => !ConsentBanner.get().categories.advertising")
    assert tracker_cookies(context) == set()
    assert "cart" in {c["name"] for c in context.cookies()}
    assert consent_commands(page, "update")[-1] == DENIED
    records = consent_records(2)
    assert records[-1]["action"] == "withdraw" and records[-1]["choices"] == NONE

    network.trackers.clear()
    page.goto(url)
    assert wait_ready(page)["categories"] == NONE
    banner_button(page, "open").wait_for()
    settled(page)
    assert held(page) == EVERY_TAG_HELD
    assert network.trackers == []
    assert tracker_cookies(context) == set()


def impressions_counted(site) -> int:
    db.session.rollback()
    return db.session.scalar(db.select(db.func.count()).select_from(Impression)
                             .filter_by(site_id=site.id))


def wait_seen(page, version: int) -> None:
    """Waits until the snippet has kept the server's answer to its display of a version
    (it keeps it once the answer's body is read, after the response event)."""
    page.wait_for_function("""v => (JSON.parse(localStorage.getItem('consent_banner_seen'))
        || {}).key === 'test-store' + v""", arg=version)


def test_impression_is_posted_once_per_visitor_and_version(page, network, shop_site, store_page):
    """Within a day (tests/browser/test_snippet_impressions_daily.py: the next day)."""
    site = shop_site()
    with page.expect_response(answered_impression):  # answered: counted by now
        page.goto(store_page())
    wait_seen(page, 1)
    for _ in range(2):
        page.reload()
        wait_ready(page)  # the banner shown, and its impression posted if it was to be
        wait_banner(page)
    settled(page)
    assert network.posts("/impressions") == 1
    assert impressions_counted(site) == 1

    # A new version, even a minor one, is a new thing shown: counted once more.
    assert republished(site, lambda doc: doc["texts"]["en"].update(title="Cookies?")) == "minor"
    with page.expect_response(answered_impression):
        page.reload()
    wait_seen(page, 2)
    page.reload()
    wait_ready(page)
    wait_banner(page)
    settled(page)
    assert network.posts("/impressions") == 2
    assert impressions_counted(site) == 2
