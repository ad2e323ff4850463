"""Publishing from the dashboard in Chromium: a material change published on the page asks
the demo store's returning visitor again; the publish, versions and diff pages in both
languages at phone and desktop width pass axe."""
import copy

import pytest

from banner.extensions import db
from banner.models import Site
from banner.services import drafts
from banner.services.audit import Actor
from banner.services.demo import DEMO_EMAIL
from tests.browser.conftest import banner_button, wait_banner, wait_decided
from tests.browser.dashboard import (LANGUAGES, VIEWPORTS, axe_violations, demo_merchant,  # noqa: F401
                                     screenshot, sign_in, use_language)

pytestmark = pytest.mark.browser
NEW_TITLE = "خصوصيتك تهمّنا: سياسة محدّثة"


def change_draft(app, change, publish_as: str | None = None, note: str | None = None) -> int:
    """Save a change of the demo electronics store's draft (and publish it); its site id."""
    with app.app_context():
        site = db.session.scalar(db.select(Site).filter_by(site_key="demo-electronics"))
        actor = Actor(site.merchant_id, DEMO_EMAIL)
        document = copy.deepcopy(drafts.get_draft(site).document)
        change(document)
        drafts.save_draft(site, document, actor)
        if publish_as:
            drafts.publish_draft(site, publish_as, note, actor)
        return site.id


def test_a_material_title_change_published_here_asks_returning_visitors_again(
        page, live_server, app, demo_merchant):
    page.goto(f"{live_server}/demo/demo-electronics")
    wait_banner(page)
    # Recorded before the page is left: a choice still in flight is sent again later.
    with page.expect_response(lambda r: r.url.endswith("/consents")) as recorded:
        banner_button(page, "accept-all").click()
    assert recorded.value.status == 201
    wait_decided(page)
    site_id = change_draft(app, lambda doc: doc["texts"]["ar"].update(title=NEW_TITLE))

    sign_in(page, live_server, "en")
    page.goto(f"{live_server}/dashboard/sites/{site_id}/publish")
    use_language(page, "en")  # the demo merchant's own language is Arabic
    assert page.locator(".change__side--after p[lang=ar]").inner_text() == NEW_TITLE
    assert page.locator('input[value="minor"]').is_checked()  # wording only: minor proposed
    page.locator('input[value="material"]').check()
    page.locator("#note").fill("New title: visitors are asked again")
    with page.expect_navigation():
        page.get_by_role("button", name="Publish version 2").click()
    assert page.url.endswith(f"/dashboard/sites/{site_id}/versions")
    assert "Version 2 is live." in page.locator(".notice--success").inner_text()
    assert page.locator("tbody tr").first.locator("td").first.inner_text() == "Material"

    page.goto(f"{live_server}/demo/demo-electronics")
    wait_banner(page)  # asked again: the consent was given to version 1
    assert page.locator("#consent-banner #cb-t").inner_text() == NEW_TITLE
    assert page.evaluate("ConsentBanner.get()") is None


@pytest.mark.parametrize("device", VIEWPORTS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_publish_versions_and_diff_pages_read_well_and_pass_axe(page, live_server, app,
                                                                 demo_merchant, lang, device):
    page.set_viewport_size(VIEWPORTS[device])
    change_draft(app, lambda doc: (doc["appearance"].update(accent_color="#0b6e4f"),
                                   doc["texts"]["en"].update(title="Your privacy, your call")),
                 publish_as="minor", note="Brand colour and a warmer English title")
    site_id = change_draft(app, lambda doc: (doc["texts"]["ar"].update(title=NEW_TITLE),
                                             doc["vendors"].pop(),
                                             doc["behaviour"].update(age_confirmation=True)))
    sign_in(page, live_server, lang)
    use_language(page, lang)  # the demo merchant's own language is Arabic

    page.goto(f"{live_server}/dashboard/sites/{site_id}/publish")
    assert page.locator('input[value="minor"]').is_disabled()
    assert page.locator('input[value="material"]').is_checked()
    screenshot(page, "publish", lang, device)
    assert axe_violations(page) == ""

    page.goto(f"{live_server}/dashboard/sites/{site_id}/versions")
    assert page.locator("tbody th").all_inner_texts()[0].startswith("2")
    screenshot(page, "versions", lang, device)
    assert axe_violations(page) == ""

    with page.expect_navigation():
        page.locator("form.compare button").click()
    assert page.url.endswith(f"/dashboard/sites/{site_id}/versions/1/diff/2")
    assert page.locator(".change__side--after svg rect").first.get_attribute("fill") == "#0b6e4f"
    screenshot(page, "diff", lang, device)
    assert axe_violations(page) == ""
