"""Region policy in the browser (issue 10, point 3; DESIGN.md section 5). The banner
answer carries the policy the server chose from the trusted country header. Opt-out:
optional categories are on until the visitor refuses, nothing is recorded for that
default, the banner is a notice with an equal way to refuse, and GPC still refuses
advertising (recorded). Opt-in: as before. Until a first banner answer, opt-in; a stored
banner's policy applies on the next pages before the answer."""
import pytest

from banner.extensions import db
from banner.models import ConsentRecord
from banner.vendors import CATALOGUE, catalogue_vendor
from tests.browser.conftest import (GPC_ON, banner_button, consent_commands, data_layer, gated,
                                    gated_inline, marker, ran, tracker_cookies, wait_banner,
                                    wait_decided, wait_ran)
from tests.browser.snippet_helpers import answered_impression
from tests.helpers import NONE

pytestmark = pytest.mark.browser

SIGNALS = ("ad_storage", "ad_user_data", "ad_personalization", "analytics_storage",
           "functionality_storage", "personalization_storage", "security_storage")
GRANTED = dict.fromkeys(SIGNALS, "granted")
DENIED = {s: "granted" if s == "security_storage" else "denied" for s in SIGNALS}
COUNTRY_HEADER = "X-Test-Country"
# Gated last in the page: once it has run, every gated element above it was handled.
SCANNED = gated_inline("necessary", marker("scanned"))


@pytest.fixture
def policy_site(shop_site, document):
    """test-store with the given behaviour (default_mode, region_rules, ...)."""
    def make(**behaviour):
        document["behaviour"].update(behaviour)
        document["vendors"] = [catalogue_vendor(key) for key in CATALOGUE]
        return shop_site(document)
    return make


def first_default(page) -> dict:
    default = dict(consent_commands(page, "default")[0])
    default.pop("wait_for_update")
    return default


def test_opt_out_runs_optional_tags_until_the_visitor_refuses(page, context, network,
                                                              policy_site, store_page,
                                                              consent_records):
    policy_site(default_mode="opt_out")
    with page.expect_response(answered_impression):
        page.goto(store_page(gated("google-analytics") + gated("meta") + SCANNED))
    wait_ran(page, "scanned")
    assert ran(page) == ["google-analytics", "meta", "scanned"]
    assert first_default(page) == DENIED  # a first visit: opt-in until the answer
    assert consent_commands(page, "update")[-1] == GRANTED
    # Tag managers see the categories in force, with no decision behind them.
    [event] = [e for e in data_layer(page) if isinstance(e, dict)
               and e.get("event") == "consentbanner_change"]
    assert event["consentbanner"]["categories"]["advertising"] is True
    assert page.evaluate("ConsentBanner.get()") is None
    # The default is no decision: nothing recorded (the display was posted after it).
    assert network.posts("/consents") == 0
    assert consent_records(timeout=0) == []

    # A notice with an equal way to refuse.
    accept, reject = banner_button(page, "accept-all"), banner_button(page, "reject-all")
    assert accept.bounding_box()["height"] == reject.bounding_box()["height"]
    assert accept.bounding_box()["width"] == reject.bounding_box()["width"]
    reject.click()
    wait_decided(page)
    assert consent_commands(page, "update")[-1] == DENIED
    assert tracker_cookies(context) == set()
    [record] = consent_records(1)
    assert (record["action"], record["choices"]) == ("reject_all", NONE)


def test_opt_out_of_the_stored_banner_applies_on_the_next_page_before_the_answer(
        page, network, backend, policy_site, store_page):
    policy_site(default_mode="opt_out")
    url = store_page(gated("google-analytics") + SCANNED)
    page.goto(url)
    wait_ran(page, "scanned")
    backend.down("/banner")  # the next page has only the stored banner
    network.trackers.clear()
    page.goto(url)
    assert first_default(page) == GRANTED
    wait_ran(page, "scanned")
    assert network.trackers == ["google-analytics"]


def test_gpc_in_opt_out_refuses_advertising_and_is_recorded(page, network, policy_site,
                                                            store_page, consent_records):
    policy_site(default_mode="opt_out")
    page.add_init_script(GPC_ON)
    # The ad tag comes first: once analytics ran, the ad tag was passed over.
    page.goto(store_page(gated("meta") + gated("google-analytics") + SCANNED))
    [record] = consent_records(1)
    assert (record["action"], record["source"], record["gpc"]) == ("gpc", "gpc", True)
    assert record["choices"] == {"necessary": True, "functional": True, "analytics": True,
                                 "advertising": False}
    wait_ran(page, "scanned")
    assert network.trackers == ["google-analytics"]
    assert consent_commands(page, "update")[-1]["ad_storage"] == "denied"
    wait_banner(page)  # still a notice: the visitor has not chosen


@pytest.fixture
def country(app, monkeypatch, page, live_server):
    """Sends the trusted country header with the page's API requests, as a CDN would."""
    monkeypatch.setitem(app.config, "COUNTRY_HEADER", COUNTRY_HEADER)

    def set_country(code: str):
        page.route(f"{live_server}/v1/**", lambda route: route.fallback(
            headers={**route.request.headers, COUNTRY_HEADER.lower(): code}))
    return set_country


def recorded_policies() -> list[tuple]:
    db.session.rollback()  # a fresh snapshot: the live server writes in other threads
    return [tuple(row) for row in db.session.execute(db.select(
        ConsentRecord.country, ConsentRecord.policy_mode, ConsentRecord.policy_rule))]


@pytest.mark.parametrize("code, mode, rule", [("US", "opt_out", 0), ("SA", "opt_in", None),
                                              ("", "opt_in", None)])
def test_region_rule_of_the_visitor_country_decides(page, network, country, policy_site,
                                                    store_page, consent_records, code, mode,
                                                    rule):
    policy_site(default_mode="opt_in", region_rules=[{"countries": ["US"], "mode": "opt_out"}])
    if code:
        country(code)
    page.goto(store_page(gated("google-analytics") + SCANNED))
    wait_ran(page, "scanned")
    assert network.trackers == (["google-analytics"] if mode == "opt_out" else [])
    wait_banner(page)
    page.evaluate("ConsentBanner.rejectAll()")
    assert consent_records(1)[0]["action"] == "reject_all"
    assert recorded_policies() == [(code or None, mode, rule)]


def test_age_gated_site_waits_for_a_choice_even_in_opt_out(page, network, policy_site,
                                                           store_page):
    # Nothing optional without the legal-age confirmation, whatever the region.
    policy_site(default_mode="opt_out", age_confirmation=True)
    page.goto(store_page(gated("google-analytics") + SCANNED))
    wait_ran(page, "scanned")
    wait_banner(page)
    assert network.trackers == []
    assert consent_commands(page, "update") == []
