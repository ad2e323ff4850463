"""Visitor proof in Chromium: a visitor accepts on the demo store, the merchant looks the
visitor up, sees the proof, erases with confirmation and gets the receipt; both
languages at phone and desktop width pass axe."""
import pytest

from banner.extensions import db
from banner.models import Site
from tests.browser.dashboard import (LANGUAGES, VIEWPORTS, axe_violations, demo_merchant,  # noqa: F401
                                     screenshot, sign_in, use_language)
from tests.helpers import IPHONE, NONE, consent, post_consent

pytestmark = pytest.mark.browser


def site_id(app, site_key: str = "demo-electronics") -> int:
    with app.app_context():
        return db.session.scalar(db.select(Site.id).filter_by(site_key=site_key))


def accept_on_the_demo_store(page, live_server, lang: str = "ar") -> str:
    """A shopper accepts everything on the demo store; returns their visitor id once the
    backend has recorded the choice."""
    page.goto(f"{live_server}/demo/demo-electronics?lang={lang}")
    accept = page.locator('#consent-banner [data-action="accept-all"]:visible')
    accept.wait_for()
    with page.expect_response(lambda r: r.url.endswith("/consents")
                              and r.request.method == "POST") as posted:
        accept.click()
    assert posted.value.status == 201
    return page.evaluate("window.ConsentBanner.get().visitorId")


def erase(page, confirm: bool) -> None:
    """Submits the erase form, accepting the browser's confirmation question."""
    page.once("dialog", lambda dialog: dialog.accept())
    if confirm:
        page.locator("#confirm").check()
    with page.expect_navigation():
        page.locator(".danger-zone button[type=submit]").click()


def test_look_up_a_visitor_see_the_proof_and_erase_with_a_receipt(page, live_server, app,
                                                                  demo_merchant):
    visitor = accept_on_the_demo_store(page, live_server)
    sign_in(page, live_server, "en")
    use_language(page, "en")  # the account may remember the other language
    page.goto(f"{live_server}/dashboard/sites/{site_id(app)}/visitors")
    page.locator("#visitor").fill(visitor)
    with page.expect_navigation():
        page.locator(".lookup button[type=submit]").click()
    record = page.locator("article.record")
    assert record.count() == 1
    assert record.locator("h3").inner_text() == "Accepted all"
    assert record.locator(".choice__state").all_inner_texts() == ["Granted"] * 4
    banner = record.locator(".shown__banner")
    assert (banner.get_attribute("lang"), banner.get_attribute("dir")) == ("ar", "rtl")
    assert banner.locator(".shown__title").inner_text() == "خصوصيتك تهمّنا"
    assert page.locator(".visitor-id code").inner_text() == visitor

    erase(page, confirm=False)  # the box left unticked: refused at the field
    assert page.locator("#confirm-error").inner_text() == "Tick the box to confirm the erasure."
    assert page.locator("#confirm").get_attribute("aria-invalid") == "true"
    assert page.locator("article.record").count() == 1

    erase(page, confirm=True)
    assert page.locator("h1").inner_text() == "Visitor erased"
    assert page.locator(".receipt__count").inner_text() == "1"
    assert len(page.locator(".receipt code").inner_text()) == 64  # the visitor hash
    page.goto(f"{live_server}/dashboard/sites/{site_id(app)}/visitors?visitor={visitor}")
    assert "No consent is recorded for this visitor on this store." in page.content()


@pytest.mark.parametrize("device", VIEWPORTS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_proof_and_receipt_pages_read_in_either_language_and_pass_axe(page, live_server, app,
                                                                      demo_merchant, lang,
                                                                      device):
    page.set_viewport_size(VIEWPORTS[device])
    visitor = accept_on_the_demo_store(page, live_server, "ar")
    # The visitor's own secret, which the snippet keeps in localStorage: without it the
    # backend refuses to change this visitor's choice.
    secret = page.evaluate("JSON.parse(localStorage.getItem('consent_banner_key'))[1]")
    with app.app_context():  # a later choice in English, from a phone, through the panel
        body = consent(visitor_id=visitor, language="en", source="preferences",
                       choices={**NONE, "analytics": True}, page=f"{live_server}/demo/x",
                       visitor_secret=secret)
        site_key = "demo-electronics"
        assert post_consent(app.test_client(), site_key, body, remote_addr="203.0.113.9",
                            **{"User-Agent": IPHONE}).status_code == 201
    sign_in(page, live_server, lang)
    use_language(page, lang)  # the account may remember the other language
    base = f"{live_server}/dashboard/sites/{site_id(app)}/visitors"
    page.goto(f"{base}?visitor={visitor}")
    assert page.locator("article.record").count() == 2
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    screenshot(page, "proof", lang, device)
    assert axe_violations(page) == ""
    page.goto(f"{base}?visitor=not-a-visitor")
    assert page.locator("#visitor-error").is_visible()
    assert axe_violations(page) == ""
    page.goto(f"{base}?visitor={visitor}")
    erase(page, confirm=True)
    screenshot(page, "erasure-receipt", lang, device)
    assert axe_violations(page) == ""
