"""Proof you can trust, the browser's side (issue 10, points 1 and 2; DESIGN.md sections
4-5): every write carries the visitor's secret, kept first-party and nowhere else, so
knowing a visitor id is not enough to change that visitor's choice; a visitor who lost
the secret can still decide; and a write the backend refuses is undone in the browser,
so nothing stays granted that is not recorded (or queued)."""
import json
import re
import uuid
from datetime import datetime, timedelta, timezone
from urllib.parse import quote, unquote

import pytest

from tests.browser.conftest import (STORE_ORIGIN, banner_button, consent_commands, data_layer,
                                    gated, tracker_cookies, wait_banner, wait_decided,
                                    wait_ran)
from tests.browser.snippet_helpers import consent_posted, is_consent_post
from tests.helpers import ALL, NONE, consent, post_consent

pytestmark = pytest.mark.browser

SECRET = re.compile(r"^[A-Za-z0-9_-]{22,128}$")
DENIED_UPDATE = {"ad_storage": "denied", "ad_user_data": "denied", "ad_personalization": "denied",
                 "analytics_storage": "denied", "functionality_storage": "denied",
                 "personalization_storage": "denied", "security_storage": "granted"}
ERROR_KEYS = {"code", "name", "description", "errors"}


def consent_answer(status: int):
    return lambda r: r.url.endswith("/consents") and r.request.method == "POST" \
        and r.status == status


def state_cookie(context) -> str:
    return unquote(next(c["value"] for c in context.cookies() if c["name"] == "consent_banner"))


def test_every_write_carries_the_visitor_secret_which_stays_in_local_storage(
        page, context, shop_site, store_page):
    shop_site()
    page.goto(store_page())
    with consent_posted(page) as first:
        banner_button(page, "accept-all").click()
    secret = first.value()["visitor_secret"]
    assert SECRET.match(secret) and len(secret) >= 22  # 128 bits or more, base64url
    with consent_posted(page) as second:
        page.evaluate("ConsentBanner.rejectAll()")
    assert second.value()["visitor_secret"] == secret
    page.reload()
    wait_decided(page)
    with consent_posted(page) as third:
        page.evaluate("ConsentBanner.set({analytics: true})")
    assert third.value()["visitor_secret"] == secret

    # Nowhere the store's server, its tags or its scripts read: not in a cookie, not in
    # dataLayer, not in get() or the change event.
    assert not any(secret in unquote(c["value"]) for c in context.cookies())
    assert secret not in json.dumps(data_layer(page))
    assert secret not in json.dumps(page.evaluate("ConsentBanner.get()"))
    assert secret in page.evaluate("JSON.stringify({...localStorage})")


def test_another_browser_knowing_the_visitor_id_cannot_change_the_choice(
        page, context, new_context, shop_site, store_page, consent_records, live_server):
    shop_site()
    url = store_page()
    page.goto(url)
    with page.expect_response(consent_answer(201)):
        banner_button(page, "reject-all").click()
    victim = page.evaluate("ConsentBanner.get().visitorId")

    # The attacker has the visitor id (it is in the cookie and every dataLayer event) and
    # even the whole cookie, but not the secret.
    attacker = new_context().new_page()
    attacker.set_default_timeout(5000)
    attacker.context.add_cookies([c for c in context.cookies() if c["name"] == "consent_banner"])
    attacker.goto(url)
    refused = attacker.evaluate("""async ([api, visitor]) => {
        const r = await fetch(api, {method: 'POST', body: JSON.stringify({
            visitor_id: visitor, version: 1, action: 'accept_all', language: 'en',
            source: 'api', choices: {necessary: true, functional: true, analytics: true,
                                     advertising: true}})});
        return [r.status, await r.json()];
    }""", [f"{live_server}/v1/sites/test-store/consents", victim])
    assert refused[0] == 403 and set(refused[1]) == ERROR_KEYS
    # Its snippet, holding the stolen cookie, is refused too and decides as a new visitor.
    with attacker.expect_response(consent_answer(201)):
        attacker.evaluate("ConsentBanner.acceptAll()")
    assert attacker.evaluate("ConsentBanner.get().visitorId") != victim

    records = consent_records(2)
    assert [(r["visitor_id"] == victim, r["choices"]) for r in records] == [(True, NONE),
                                                                          (False, ALL)]
    state = page.evaluate("async url => (await fetch(url)).json()",
                          f"{live_server}/v1/sites/test-store/consents/{victim}")
    assert state["choices"] == NONE


def test_after_local_storage_is_cleared_a_new_decision_is_recorded_as_a_new_visitor(
        page, context, shop_site, store_page, consent_records):
    shop_site()
    page.goto(store_page())
    with page.expect_response(consent_answer(201)):
        banner_button(page, "accept-all").click()
    before = page.evaluate("ConsentBanner.get().visitorId")

    page.evaluate("localStorage.clear()")  # the secret is gone, the cookie stays
    page.reload()
    banner_button(page, "open").wait_for()
    with page.expect_response(consent_answer(403)), \
            page.expect_response(consent_answer(201)):
        banner_button(page, "open").click()
        banner_button(page, "reject-all").click()
    after = page.evaluate("ConsentBanner.get()")
    assert after["visitorId"] != before and after["categories"] == NONE
    assert after["visitorId"] in state_cookie(context)
    records = consent_records(2)
    assert [(r["visitor_id"], r["action"]) for r in records] == [(before, "accept_all"),
                                                                (after["visitorId"], "withdraw")]


def test_visitor_from_before_secrets_adopts_one_with_the_next_write(
        page, context, client, shop_site, store_page, consent_records):
    shop_site()
    visitor = str(uuid.uuid4())
    # Recorded by a snippet that sent no secret, with its state in the visitor's cookie.
    old = post_consent(client, "test-store", consent(visitor_id=visitor, language="en",
                                                     action="accept_all", choices=ALL),
                       Origin=STORE_ORIGIN)
    assert old.status_code == 201
    now = datetime.now(timezone.utc)
    state = {"site": "test-store", "visitorId": visitor, "version": 1, "categories": ALL,
             "updatedAt": now.isoformat(), "expiresAt": (now + timedelta(days=30)).isoformat()}
    context.add_cookies([{"name": "consent_banner", "value": quote(json.dumps(state)),
                          "url": STORE_ORIGIN}])
    page.goto(store_page())
    wait_decided(page)
    with page.expect_response(consent_answer(201)) as answer:
        page.evaluate("ConsentBanner.rejectAll()")
    assert SECRET.match(json.loads(answer.value.request.post_data)["visitor_secret"])
    assert page.evaluate("ConsentBanner.get().visitorId") == visitor  # the same visitor
    # From now on the secret is required for this visitor.
    again = post_consent(client, "test-store", consent(visitor_id=visitor, language="en"),
                         Origin=STORE_ORIGIN)
    assert again.status_code == 403
    assert [r["action"] for r in consent_records(2)] == ["accept_all", "withdraw"]


class Refusals:
    """The backend answers every consent POST of the page with a 422 from now on; with
    hold=True the answers wait until release(), so a test can let the tags run first."""

    BODY = json.dumps({"code": 422, "name": "Unprocessable Entity",
                       "description": "Refused.", "errors": {}})

    def __init__(self, page, live_server, hold=False):
        self.bodies, self.held, self.hold = [], [], hold
        page.route(f"{live_server}/v1/sites/test-store/consents", self._answer)

    def _answer(self, route):
        if route.request.method != "POST":
            return route.fallback()
        self.bodies.append(json.loads(route.request.post_data))
        if self.hold:
            return self.held.append(route)
        return self._refuse(route)

    def _refuse(self, route):
        route.fulfill(status=422, content_type="application/json", body=self.BODY)

    def release(self):
        # The POST left before the tags the test waited for: its route was handled first.
        assert self.held, "no consent POST was held"
        for route in self.held:
            self._refuse(route)
        self.held.clear()


CHANGES = "window.__changes = []; addEventListener('consentbanner:change', e => __changes.push(e.detail));"


def test_refused_first_decision_grants_nothing_and_asks_again(page, context, live_server,
                                                             shop_site, store_page,
                                                             consent_records):
    shop_site()
    page.add_init_script(CHANGES)
    page.goto(store_page(gated("meta")))
    refusals = Refusals(page, live_server, hold=True)
    banner_button(page, "accept-all").click()
    wait_ran(page, "meta")  # granted at once (queued)...
    refusals.release()
    page.wait_for_function("() => __changes.length === 2")  # ...then undone
    assert page.evaluate("__changes[1]") is None
    assert page.evaluate("ConsentBanner.get()") is None
    assert [r["action"] for r in refusals.bodies] == ["accept_all"]
    wait_banner(page)  # asked again
    assert consent_commands(page, "update")[-1] == DENIED_UPDATE
    assert tracker_cookies(context) == set()
    assert "consent_banner" not in {c["name"] for c in context.cookies()}
    assert consent_records(timeout=0) == []
    assert page.evaluate("localStorage.getItem('consent_banner_queue')") == "[]"


def test_refused_change_rolls_back_to_the_last_recorded_choice(page, context, live_server,
                                                              shop_site, store_page,
                                                              consent_records):
    shop_site()
    page.add_init_script(CHANGES)
    page.goto(store_page(gated("google-analytics") + gated("meta")))
    with page.expect_response(consent_answer(201)):
        page.evaluate("ConsentBanner.set({analytics: true})")
    recorded = page.evaluate("ConsentBanner.get()")
    wait_ran(page, "google-analytics")

    refusals = Refusals(page, live_server, hold=True)
    page.evaluate("ConsentBanner.acceptAll()")
    wait_ran(page, "meta")
    refusals.release()
    page.wait_for_function("() => __changes.length === 3")
    assert page.evaluate("__changes[2]") == recorded == page.evaluate("ConsentBanner.get()")
    update = consent_commands(page, "update")[-1]
    assert update["analytics_storage"] == "granted" and update["ad_storage"] == "denied"
    assert tracker_cookies(context) == {"_ga"}  # the ad tag's cookie went with the grant
    assert recorded["updatedAt"] in state_cookie(context)
    banner_button(page, "open").wait_for()  # a recorded choice: not asked again
    assert [r["action"] for r in consent_records(1)] == ["custom"]


def test_refused_queued_decision_is_undone_on_the_next_page(page, backend, live_server,
                                                           shop_site, store_page):
    shop_site()
    url = store_page(gated("meta"))
    backend.down("/consents", method="POST")
    page.goto(url)
    banner_button(page, "accept-all").click()
    wait_ran(page, "meta")  # applied at once, queued
    backend.up()
    Refusals(page, live_server)
    with page.expect_response(consent_answer(422)):
        page.reload()
    page.wait_for_function("() => ConsentBanner.get() === null")
    wait_banner(page)
    assert consent_commands(page, "update")[-1] == DENIED_UPDATE
    assert page.evaluate("localStorage.getItem('consent_banner_queue')") == "[]"


def test_a_decision_not_recorded_while_it_waits_is_kept_until_the_answer(page, backend,
                                                                        shop_site, store_page):
    # Backend unreachable (not refusing): the choice stays in force and in the queue.
    shop_site()
    backend.down("/consents", method="POST")
    page.goto(store_page(gated("meta")))
    with page.expect_request(is_consent_post):
        banner_button(page, "accept-all").click()
    wait_ran(page, "meta")
    assert page.evaluate("ConsentBanner.get().categories") == ALL
    assert [i["action"] for i in page.evaluate(
        "JSON.parse(localStorage.getItem('consent_banner_queue'))")] == ["accept_all"]
