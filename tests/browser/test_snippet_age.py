"""The legal-age confirmation (issue 10, point 2): the JS API refuses a grant the backend
would refuse and changes nothing; a caller passes the confirmation it obtained; in the
banner the box stays ticked once confirmed, and a grant without it is explained in a
visible, translated message (role=alert), not only a red outline."""
import json
import re

import pytest
from playwright.sync_api import expect

from banner.default_texts import DEFAULT_TEXTS
from banner.vendors import CATALOGUE, catalogue_vendor
from tests.browser.conftest import (banner_button, consent_commands, gated, wait_banner,
                                    wait_decided, wait_ran)
from tests.browser.snippet_helpers import consent_posted, inherited, is_consent_post, screenshot
from tests.helpers import ALL, NONE

pytestmark = pytest.mark.browser

REFUSED = "e => ({refused: e instanceof Error, message: e.message})"
ARABIC = re.compile(r"[\u0600-\u06FF]")
DEVICES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture
def age_site(shop_site, document):
    document["behaviour"]["age_confirmation"] = True
    document["vendors"] = [catalogue_vendor(key) for key in CATALOGUE]
    return shop_site(document)


@pytest.mark.parametrize("call", ["acceptAll()", "set({analytics: true})",
                                  "acceptAll({ageConfirmed: 'yes'})"])
def test_api_grant_without_the_age_confirmation_is_refused_and_changes_nothing(
        page, network, age_site, store_page, call):
    posts = []
    page.on("request", lambda r: is_consent_post(r) and posts.append(json.loads(r.post_data)))
    page.goto(store_page(gated("google-analytics") + gated("meta")))
    wait_banner(page)
    outcome = page.evaluate(f"ConsentBanner.{call}.then(() => ({{refused: false}}), {REFUSED})")
    assert outcome["refused"] is True
    assert "ageConfirmed" in outcome["message"]
    assert page.evaluate("ConsentBanner.get()") is None
    assert consent_commands(page, "update") == []  # no signal changed
    # A refusal is always allowed; its POST is the first and only one: nothing went before
    # (requests are reported in order).
    with consent_posted(page):
        page.evaluate("ConsentBanner.rejectAll()")
    assert [p["action"] for p in posts] == ["reject_all"]
    assert network.trackers == []


@pytest.mark.parametrize("call, choices", [
    ("acceptAll({ageConfirmed: true})", ALL),
    ("set({analytics: true}, {ageConfirmed: true})", {**NONE, "analytics": True}),
])
def test_api_grant_with_the_age_confirmation_is_applied_and_recorded(
        page, age_site, store_page, consent_records, call, choices):
    page.goto(store_page(gated("google-analytics")))
    with consent_posted(page) as posted:
        page.evaluate(f"ConsentBanner.{call}")
    assert posted.value()["age_confirmed"] is True
    wait_ran(page, "google-analytics")
    [record] = consent_records(1)
    assert record["choices"] == choices and record["age_confirmed"] is True
    # Once given, the confirmation covers later changes of mind.
    with consent_posted(page) as later:
        page.evaluate("ConsentBanner.set({advertising: true})")
    assert later.value()["age_confirmed"] is True


def alert(page, where: str):
    return page.locator(f"#consent-banner {where} [role=alert]")


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("device", DEVICES)
def test_grant_without_the_age_confirmation_is_explained_in_words(page, age_site, store_page,
                                                                  lang, device):
    page.set_viewport_size(DEVICES[device])
    page.goto(store_page(lang=lang))
    wait_banner(page)
    expect(alert(page, ".bar")).to_be_hidden()
    banner_button(page, "accept-all").click()
    message = alert(page, ".bar")
    expect(message).to_be_visible()
    expect(message).to_be_in_viewport()
    text = message.inner_text()
    assert text.strip()
    expected = DEFAULT_TEXTS[lang].get("age_required")
    if expected:  # the server's text once the documents carry it, a fallback until then
        assert text == expected
    assert bool(ARABIC.search(text)) == (lang == "ar")
    assert inherited(message, "lang") == lang
    box = page.locator("#consent-banner .bar [data-age]")
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(box).to_be_focused()
    screenshot(page, "age-required", lang, device)

    box.check()
    expect(message).to_be_hidden()
    expect(box).not_to_have_attribute("aria-invalid", "true")


def test_save_in_preferences_without_the_age_confirmation_is_explained_there(page, age_site,
                                                                            store_page):
    page.goto(store_page())
    banner_button(page, "customize").click()
    page.locator('#consent-banner input[data-category="analytics"]').check()
    banner_button(page, "save").click()
    expect(alert(page, ".dlg")).to_be_visible()
    assert page.evaluate("ConsentBanner.get()") is None
    page.locator("#consent-banner .dlg [data-age]").check()
    with consent_posted(page) as posted:
        banner_button(page, "save").click()
    assert posted.value()["choices"]["analytics"] is True
    assert posted.value()["age_confirmed"] is True


def test_age_box_stays_ticked_once_confirmed(page, age_site, store_page):
    url = store_page()
    page.goto(url)
    page.locator("#consent-banner .bar [data-age]").check()
    banner_button(page, "accept-all").click()
    wait_decided(page)
    for _ in ("this page", "the next page"):
        banner_button(page, "open").click()
        box = page.locator("#consent-banner .dlg [data-age]")
        expect(box).to_be_checked()
        expect(box).to_be_disabled()  # on record: it cannot be taken back by unticking
        # Changing the choice needs no second confirmation.
        with consent_posted(page) as posted:
            page.locator('#consent-banner input[data-category="advertising"]').uncheck()
            banner_button(page, "save").click()
        assert posted.value()["age_confirmed"] is True
        page.goto(url)
        wait_decided(page)
