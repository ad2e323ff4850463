"""API keys and the audit log in Chromium: create a key (shown once, with a copy button),
revoke it, read it all in the audit log; both languages at phone and desktop width pass
axe."""
import pytest

from tests.browser.dashboard import (LANGUAGES, VIEWPORTS, axe_violations, demo_merchant,  # noqa: F401
                                     screenshot, sign_in, sign_in_at, use_language)

pytestmark = pytest.mark.browser


def create_key(page, live_server, name: str, scopes=("sites:read", "proof:read")) -> str:
    page.goto(f"{live_server}/dashboard/keys")
    page.locator("#name").fill(name)
    for scope in scopes:
        page.locator(f'input[name="scopes"][value="{scope}"]').check()
    with page.expect_navigation():
        page.locator('form[action$="/dashboard/keys"] button[type=submit]').click()
    return page.locator("#new-key").input_value()


def test_create_a_key_copy_it_and_revoke_it(page, context, live_server, demo_merchant):
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    sign_in(page, live_server, "en")
    use_language(page, "en")  # the account may remember the other language
    key = create_key(page, live_server, "Accounting export")
    assert key.startswith("cb_")
    copy = page.locator('button[data-copy="#new-key"]')
    copy.click()
    page.wait_for_function("() => document.querySelector('[data-copy]').textContent === 'Copied'")
    assert page.evaluate("navigator.clipboard.readText()") == key
    row = page.locator("tbody tr", has_text="Accounting export")
    assert row.locator(".badge").all_inner_texts() == ["sites:read", "proof:read", "Active"]

    page.reload()  # a GET of the page: the key is never shown again
    assert page.locator("#new-key").count() == 0 and key not in page.content()

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        row.locator("button", has_text="Revoke").click()
    assert "is revoked" in page.locator(".notice--success").inner_text()
    assert "Revoked" in row.locator("td").last.inner_text()
    assert row.locator("button").count() == 0

    page.goto(f"{live_server}/dashboard/audit")
    prefix = key.split("_")[1]
    assert page.locator(".event__what").all_inner_texts()[:2] == [
        f"API key {prefix} revoked", f"API key {prefix} created"]


def test_a_dismissed_confirmation_revokes_nothing(page, live_server, demo_merchant):
    sign_in(page, live_server, "en")
    use_language(page, "en")  # the account may remember the other language
    create_key(page, live_server, "Kept key")
    page.goto(f"{live_server}/dashboard/keys")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.locator("tbody tr button", has_text="Revoke").click()
    page.goto(f"{live_server}/dashboard/keys")
    assert page.locator("tbody tr .badge--ok").inner_text() == "Active"


@pytest.mark.parametrize("device", VIEWPORTS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_keys_and_audit_pages_read_in_either_language_and_pass_axe(page, live_server,
                                                                   demo_merchant, lang, device):
    sign_in_at(page, live_server, lang, device)
    use_language(page, lang)  # the account may remember the other language
    create_key(page, live_server, "مزامنة الطلبات" if lang == "ar" else "Order sync",
               ("sites:read", "proof:read", "erase"))
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.locator("tbody tr button").first.click()  # revoke it: a revoked row to look at
    key = create_key(page, live_server, "Accounting export" if lang == "en" else "تصدير المحاسبة")
    assert page.locator("#new-key").is_visible() and key.startswith("cb_")
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    screenshot(page, "keys", lang, device)
    assert axe_violations(page) == ""
    page.locator('form[action$="/dashboard/keys"] button[type=submit]').click()
    page.locator("#scopes-error").wait_for()  # nothing chosen: refused at the field
    assert axe_violations(page) == ""
    page.goto(f"{live_server}/dashboard/audit")
    assert page.locator(".event").count() >= 5
    screenshot(page, "audit", lang, device)
    assert axe_violations(page) == ""
