"""Store settings, the banner editor and its live preview in Chromium: both languages at
phone and desktop width, axe clean; a title edited, saved and seen in the preview (the real
snippet); a decision taken in the preview sent nowhere public and recording nothing."""
from urllib.parse import urlsplit

import pytest

from banner.extensions import db
from banner.models import Site
from tests.browser.dashboard import demo_merchant  # noqa: F401 (a fixture)
from tests.browser.dashboard import (LANGUAGES, OUTPUT, VIEWPORTS, axe_violations, screenshot,
                                     sign_in, sign_in_at)

pytestmark = pytest.mark.browser


@pytest.fixture
def store(app, demo_merchant):
    """The demo electronics store (Arabic and English texts, four catalogue vendors)."""
    with app.app_context():
        return db.session.scalar(db.select(Site.id).filter_by(site_key="demo-electronics"))


def preview_banner(page):
    """The banner's shadow root inside the preview frame."""
    return page.frame_locator("iframe[name=preview-frame]").locator("#consent-banner")


def wait_for_preview(page, title: str | None = None):
    heading = preview_banner(page).locator(".bar h2")
    heading.wait_for()
    if title is not None:
        page.wait_for_function(
            "t => document.querySelector('iframe[name=preview-frame]').contentDocument"
            ".querySelector('#consent-banner')?.shadowRoot.querySelector('.bar h2')"
            "?.textContent === t", arg=title)
    return heading


@pytest.mark.parametrize("device", VIEWPORTS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_settings_page_reads_in_either_language_and_passes_axe(page, live_server, store, lang,
                                                               device):
    sign_in_at(page, live_server, lang, device)
    page.goto(f"{live_server}/dashboard/sites/{store}/settings")
    assert page.locator("#time_zone").input_value() == "Asia/Riyadh"
    assert page.locator("#allowed_origins").get_attribute("dir") == "ltr"
    screenshot(page, "settings", lang, device)
    assert axe_violations(page) == ""


@pytest.mark.parametrize("device", VIEWPORTS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_editor_with_its_preview_reads_in_either_language_and_passes_axe(page, live_server,
                                                                         store, lang, device):
    sign_in_at(page, live_server, lang, device)
    page.goto(f"{live_server}/dashboard/sites/{store}/banner")
    assert page.locator("#texts-ar-title").get_attribute("dir") == "rtl"
    assert page.locator("#texts-en-title").get_attribute("dir") == "ltr"
    heading = wait_for_preview(page)
    # The preview opens in the dashboard's language.
    assert heading.inner_text() == ("خصوصيتك تهمّنا" if lang == "ar" else "We value your privacy")
    screenshot(page, "editor", lang, device)
    assert axe_violations(page) == ""


def test_a_saved_arabic_title_shows_in_the_preview_in_both_languages_and_layers(
        page, live_server, store):
    sign_in(page, live_server, "ar")
    page.goto(f"{live_server}/dashboard/sites/{store}/banner")
    wait_for_preview(page, "خصوصيتك تهمّنا")
    page.locator("#texts-ar-title").fill("نحترم خصوصيتك دائمًا")
    with page.expect_navigation():
        page.locator("main form button[name=save]").click()
    assert page.locator(".notice--success").is_visible()
    wait_for_preview(page, "نحترم خصوصيتك دائمًا")
    assert preview_banner(page).locator(".w").get_attribute("dir") == "rtl"

    page.locator("[data-preview-set=lang][value=en]").click()
    wait_for_preview(page, "We value your privacy")
    assert preview_banner(page).locator(".w").get_attribute("dir") == "ltr"

    page.locator("[data-preview-set=layer][value=preferences]").click()
    dialog = preview_banner(page).locator("dialog.dlg")
    dialog.locator("h2").wait_for()
    assert dialog.locator("h2").inner_text() == "Cookie settings"
    assert preview_banner(page).locator("[data-category=analytics]").count() == 1

    page.locator("[data-preview-set=device][value=desktop]").click()
    width = page.locator("iframe[name=preview-frame]").evaluate("f => f.contentWindow.innerWidth")
    assert width == 1280
    screenshot(page, "editor-preferences", "en", "desktop")


def test_accepting_in_the_preview_sends_nothing_public_and_records_nothing(
        page, live_server, store, network, row_counts):
    sign_in(page, live_server, "en")
    page.goto(f"{live_server}/dashboard/sites/{store}/banner")
    wait_for_preview(page)
    before, start = row_counts(), len(network.api)
    # The whole phone in view (the banner sits at its bottom, below a 720-pixel window).
    page.locator("iframe[name=preview-frame]").scroll_into_view_if_needed()
    with page.expect_response(lambda r: r.url.endswith("/consents")) as answer:
        preview_banner(page).locator(".bar [data-action=\"accept-all\"]").click()
    assert answer.value.status == 201
    preview_banner(page).locator('[data-action="open"]').wait_for()  # the reopen button
    posted = [path for method, path in network.api[start:] if method == "POST"]
    assert posted and all(path.startswith(f"/dashboard/sites/{store}/preview/") for path in posted)
    assert not [path for _, path in network.api if path.startswith("/v1/")]  # the public API
    assert row_counts() == before
    # Nothing is left behind on this origin: the next preview is a new visitor again.
    stored = page.evaluate("() => [document.cookie, Object.keys(localStorage)]")
    assert "consent_banner" not in stored[0] and stored[1] == []
    page.reload()
    wait_for_preview(page)


def test_the_preview_follows_the_form_as_the_merchant_types(page, live_server, store,
                                                            row_counts):
    sign_in(page, live_server, "en")
    page.goto(f"{live_server}/dashboard/sites/{store}/banner")
    wait_for_preview(page, "We value your privacy")
    before = row_counts()
    page.locator("[data-preview-set=lang][value=en]").click()
    page.locator("#texts-en-title").fill("Cookies, your call")
    wait_for_preview(page, "Cookies, your call")
    assert page.locator("[data-dirty-note]").is_visible()
    assert row_counts() == before  # previewed, not saved


# The preview's first layer: dark, square and in the middle of the phone.
DARK_SQUARE_MIDDLE = """() => {
  const frame = document.querySelector('iframe[name=preview-frame]');
  const root = frame.contentDocument.querySelector('#consent-banner')?.shadowRoot;
  const bar = root && root.querySelector('.bar:not([hidden])');
  if (!bar) return false;
  const s = getComputedStyle(bar), r = bar.getBoundingClientRect();
  return s.backgroundColor === 'rgb(29, 29, 33)' && s.borderRadius === '0px'
    && Math.abs(r.top + r.height / 2 - frame.contentWindow.innerHeight / 2) < 2;
}"""


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_preview_shows_the_look_as_it_is_chosen(page, live_server, store, row_counts,
                                                    lang):
    sign_in(page, live_server, lang)
    page.goto(f"{live_server}/dashboard/sites/{store}/banner")
    wait_for_preview(page)
    before = row_counts()
    page.locator("#theme-dark").check()
    page.locator("#layout-modal").check()
    page.locator("#corner_radius").fill("0")
    page.wait_for_function(DARK_SQUARE_MIDDLE)
    page.locator("#appearance-heading").scroll_into_view_if_needed()
    page.screenshot(path=str(OUTPUT / f"dashboard-editor-appearance-{lang}-desktop.png"))
    assert row_counts() == before  # previewed, not saved


def test_unsaved_changes_are_not_lost_silently(page, live_server, store):
    sign_in(page, live_server, "en")
    page.goto(f"{live_server}/dashboard/sites/{store}/banner")
    page.locator("#texts-en-title").click()
    page.keyboard.type(" now")
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.locator("nav.sidebar a", has_text="Settings").click()
    page.wait_for_function("() => true")  # let the dialog handler run
    assert asked == ["beforeunload"]
    assert urlsplit(page.url).path.endswith("/banner")


def test_a_refused_save_keeps_every_value_and_marks_the_field(page, live_server, store,
                                                              row_counts):
    sign_in(page, live_server, "en")
    page.goto(f"{live_server}/dashboard/sites/{store}/banner")
    before = row_counts()
    page.locator("#texts-en-title").fill("Kept after the refusal")
    page.locator("#policy_url").fill("javascript:alert(1)")
    with page.expect_navigation():
        page.locator("main form button[name=save]").click()
    assert page.locator("#policy_url").get_attribute("aria-invalid") == "true"
    assert page.locator("#policy_url-error").is_visible()
    assert page.locator("#texts-en-title").input_value() == "Kept after the refusal"
    assert page.locator("[data-dirty-note]").is_visible()
    assert row_counts() == before


def test_vendor_rows_are_added_and_removed_and_the_contrast_is_checked_live(
        page, live_server, store):
    sign_in(page, live_server, "en")
    page.goto(f"{live_server}/dashboard/sites/{store}/banner")
    rows = page.locator("[data-vendor-row]")
    assert rows.count() == 0  # empty rows are for browsers without JavaScript
    page.locator("[data-add-row]").click()
    page.locator("[data-add-row]").click()
    assert rows.count() == 2
    rows.nth(0).locator("input[name$=-name]").fill("Chat")
    rows.nth(0).locator("textarea[name$=-hosts]").fill("chat.example")
    rows.nth(0).locator("input[name$=-privacy_url]").fill("https://chat.example/privacy")
    rows.nth(1).locator("[data-remove-row]").click()
    assert rows.count() == 1
    warning = page.locator('[data-problem="edge"]')
    assert warning.is_hidden()
    page.locator("#accent_color").fill("#ffe14d")
    warning.wait_for()
    page.locator("#theme-dark").check()
    warning.wait_for(state="hidden")
    with page.expect_navigation():
        page.locator("main form button[name=save]").click()
    assert page.locator(".notice--success").is_visible()
    assert page.locator("input[name=vendors-0-name]").input_value() == "Chat"


def test_the_preview_frame_runs_under_a_policy_without_inline_styles_and_breaks_none(
        page, live_server, store):
    page.add_init_script("""window.__violations = [];
        document.addEventListener('securitypolicyviolation',
            e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));""")
    policies = []
    page.on("response", lambda r: "/preview/frame" in r.url and policies.append(
        r.headers.get("content-security-policy", "")))
    sign_in(page, live_server, "en")
    page.goto(f"{live_server}/dashboard/sites/{store}/banner")
    wait_for_preview(page)
    page.locator("[data-preview-set=layer][value=preferences]").click()
    preview_banner(page).locator("dialog.dlg h2").wait_for()
    page.locator("[data-preview-set=lang][value=ar]").click()
    page.wait_for_function(
        "() => document.querySelector('iframe[name=preview-frame]').contentDocument"
        ".querySelector('#consent-banner .w, #consent-banner')?.shadowRoot"
        "?.querySelector('.w')?.getAttribute('dir') === 'rtl'")
    assert policies and all("style-src 'self';" in policy for policy in policies)
    frame = page.frame(name="preview-frame")
    assert frame.evaluate("window.__violations") == []
    assert page.evaluate("window.__violations") == []
