"""The dashboard's frame, sign-in and stores pages in Chromium, in both languages at
phone and desktop width: they render, read right to left in Arabic, pass axe."""
import pytest

from tests.browser.dashboard import (LANGUAGES, VIEWPORTS, axe_violations, demo_merchant,  # noqa: F401
                                     screenshot, sign_in, sign_in_at, use_language)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("device", VIEWPORTS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_sign_in_page_reads_in_either_language_and_passes_axe(page, live_server, lang, device):
    page.set_viewport_size(VIEWPORTS[device])
    page.goto(f"{live_server}/dashboard/login")
    use_language(page, lang)
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    screenshot(page, "login", lang, device)
    assert axe_violations(page) == ""


@pytest.mark.parametrize("device", VIEWPORTS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_stores_pages_show_the_merchants_stores_and_pass_axe(page, live_server, demo_merchant,
                                                             lang, device):
    sign_in_at(page, live_server, lang, device)
    rows = page.locator("table tbody th").all_inner_texts()
    assert rows == ["Al-VoIP Electronics", "ALLWANSTORES"]
    screenshot(page, "stores", lang, device)
    assert axe_violations(page) == ""
    page.goto(f"{live_server}/dashboard/sites/new")
    screenshot(page, "new-store", lang, device)
    assert axe_violations(page) == ""
    page.goto(f"{live_server}/dashboard/account/password")
    screenshot(page, "password", lang, device)
    assert axe_violations(page) == ""
    page.goto(f"{live_server}/dashboard/sites/999999/settings")
    assert page.locator("h1").count() == 1
    screenshot(page, "not-found", lang, device)
    assert axe_violations(page) == ""


@pytest.mark.parametrize("lang", LANGUAGES)
def test_front_page_leads_to_the_dashboard_demo_stores_and_api(page, live_server, lang):
    page.goto(f"{live_server}/")
    use_language(page, lang)
    hrefs = page.locator("main a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert "/dashboard/login" in hrefs and "/docs/api" in hrefs
    assert "/demo/demo-electronics" in hrefs
    screenshot(page, "home", lang, "desktop")
    assert axe_violations(page) == ""


def test_a_new_store_with_a_bad_address_shows_the_error_at_the_field(page, live_server,
                                                                      demo_merchant):
    sign_in(page, live_server, "en")
    page.goto(f"{live_server}/dashboard/sites/new")
    page.locator("#name").fill("Third store")
    page.locator("#allowed_origins").fill("javascript:alert(1)")
    page.locator("main form button[type=submit]").click()
    error = page.locator("#allowed_origins-error")
    error.wait_for()
    assert "origin" in error.inner_text().lower()
    assert page.locator("#allowed_origins").get_attribute("aria-invalid") == "true"
