"""The banner works for everyone: real controls with names, keyboard only, a focus
trap in the preferences dialog, a visible focus ring, and no axe violations."""
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from banner.default_texts import DEFAULT_TEXTS
from tests.browser.conftest import banner_button, wait_decided
from tests.browser.snippet_helpers import consent_posted, focused, landmarked_store_page

pytestmark = pytest.mark.browser

ANY_NAME = re.compile(r"\S")
CONTROLS = ", ".join(f"#consent-banner {tag}:visible" for tag in ("button", "input", "a"))


@pytest.fixture
def banner_page(page, shop_site, store_pages, live_server):
    """Opens a clean store page (its own content in <main>) with the catalogue banner."""
    shop_site()

    def open_(lang: str = "en"):
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto(landmarked_store_page(store_pages, live_server, lang=lang))
        expect(banner_button(page, "accept-all")).to_be_visible()
        return page
    return open_


def tab_to(page, key: str = "Tab", limit: int = 40, **wanted) -> dict:
    """Presses `key` until the focused element has the wanted data-action/category."""
    for _ in range(limit):
        page.keyboard.press(key)
        now = focused(page)
        if now and all(now.get(k) == v for k, v in wanted.items()):
            return now
    raise AssertionError(f"{key} never reached {wanted}")


def open_preferences_by_keyboard(page) -> dict:
    tab_to(page, action="customize")
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog")).to_be_visible()
    return focused(page)


@pytest.mark.parametrize("layer", ["first", "preferences"])
def test_every_control_is_a_real_control_with_a_name(banner_page, layer):
    page = banner_page()
    if layer == "preferences":
        banner_button(page, "customize").click()
        expect(page.get_by_role("dialog")).to_be_visible()
    controls = page.locator(CONTROLS)
    assert controls.count() >= 3
    for control in controls.all():
        expect(control).to_have_accessible_name(ANY_NAME)
    actions = page.locator("#consent-banner [data-action]")
    assert set(actions.evaluate_all("els => els.map(e => e.tagName)")) == {"BUTTON"}
    switches = page.locator("#consent-banner [data-category]")
    assert switches.evaluate_all("els => els.map(e => e.tagName + ':' + e.type)") == \
        ["INPUT:checkbox"] * 4


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_dialog_buttons_are_named_in_the_page_language(banner_page, lang):
    """Named by what they do, not by a glyph: the close button is "Close", not "×"."""
    page = banner_page(lang)
    banner_button(page, "customize").click()
    texts = DEFAULT_TEXTS[lang]
    for action, key in (("close", "close"), ("save", "save"), ("accept-all", "accept_all"),
                        ("reject-all", "reject_all")):
        expect(banner_button(page, action)).to_have_accessible_name(texts[key])


def test_switches_are_named_after_their_categories(banner_page):
    page = banner_page()
    banner_button(page, "customize").click()
    for key, text in DEFAULT_TEXTS["en"]["categories"].items():
        switch = page.locator(f'#consent-banner input[data-category="{key}"]')
        expect(switch).to_have_accessible_name(re.compile(re.escape(text["label"])))


def test_tab_reaches_accept_reject_and_customize(banner_page):
    page = banner_page()
    reached = set()
    for _ in range(20):
        page.keyboard.press("Tab")
        now = focused(page)
        if now and now["action"]:
            reached.add(now["action"])
    assert {"accept-all", "reject-all", "customize"} <= reached


@pytest.mark.parametrize("key", ["Enter", "Space"])
@pytest.mark.parametrize("action, recorded", [("accept-all", "accept_all"),
                                              ("reject-all", "reject_all")])
def test_enter_and_space_decide_from_the_keyboard(banner_page, key, action, recorded):
    page = banner_page()
    tab_to(page, action=action)
    with consent_posted(page) as posted:
        page.keyboard.press(key)
    assert posted.value()["action"] == recorded
    expect(banner_button(page, "open")).to_be_visible()


@pytest.mark.parametrize("key", ["Enter", "Space"])
def test_customize_opens_the_dialog_from_the_keyboard_with_focus_inside(banner_page, key):
    page = banner_page()
    tab_to(page, action="customize")
    page.keyboard.press(key)
    expect(page.get_by_role("dialog")).to_be_visible()
    assert focused(page)["inDialog"]


@pytest.mark.parametrize("key", ["Tab", "Shift+Tab"])
def test_focus_is_trapped_in_the_dialog(banner_page, key):
    page = banner_page()
    open_preferences_by_keyboard(page)
    stops = page.get_by_role("dialog").locator(
        "button, a[href], input:not([disabled]), summary").count()
    seen = []
    for _ in range(2 * stops + 2):
        page.keyboard.press(key)
        now = focused(page)
        assert now and now["inDialog"], f"{key} left the dialog for {now}"
        seen.append(now)
    assert seen[stops:2 * stops] == seen[:stops], f"{key} does not cycle"


def test_escape_closes_the_dialog_and_returns_focus_to_its_opener(banner_page):
    page = banner_page()
    open_preferences_by_keyboard(page)
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(banner_button(page, "customize")).to_be_focused()


def test_escape_returns_focus_to_the_reopen_button(banner_page):
    page = banner_page()
    banner_button(page, "reject-all").click()
    tab_to(page, action="open")
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(banner_button(page, "open")).to_be_focused()


# A store's own "Cookie settings" link in its footer, calling the JS API.
STORE_LINK = ('<footer><a href="#privacy" id="cookie-settings">Cookie settings</a></footer>'
              "<script>document.getElementById('cookie-settings').addEventListener('click', "
              "event => { event.preventDefault(); ConsentBanner.open(); });</script>")


@pytest.mark.parametrize("close", ["Escape", "save"])
@pytest.mark.parametrize("reopen", ["icon-left", "none"])
def test_closing_returns_focus_to_the_stores_own_link_that_opened_the_preferences(
        page, shop_site, store_page, document, reopen, close):
    """With the re-open control set to none, the store's link is the only way back in; a
    decision taken in the dialog closes it too. (Chromium's own focus restoration of a modal
    dialog covers Escape; the snippet must not undo it, and after a decision did.)"""
    document["appearance"]["reopen"] = reopen
    shop_site(document)
    page.goto(store_page(STORE_LINK))
    banner_button(page, "reject-all").click()
    wait_decided(page)
    expect(banner_button(page, "accept-all")).to_be_hidden()
    link = page.locator("#cookie-settings")
    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog")).to_be_visible()
    assert focused(page)["inDialog"]
    if close == "save":
        tab_to(page, action="save")
        with consent_posted(page):
            page.keyboard.press("Enter")
    else:
        page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(link).to_be_focused()
    assert page.evaluate("document.activeElement.id") == "cookie-settings"


def test_open_from_nothing_focused_returns_focus_to_the_reopen_button(banner_page):
    page = banner_page()
    banner_button(page, "reject-all").click()
    wait_decided(page)
    page.evaluate("document.activeElement.blur(); ConsentBanner.open()")
    expect(page.get_by_role("dialog")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(banner_button(page, "open")).to_be_focused()


# A visible ring: an outline on the focused control or on the part of its label that
# draws it (a switch's input is often transparent over its drawing).
RING = """() => {
  let a = document.activeElement;
  while (a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
  const ring = el => { const s = getComputedStyle(el);
    return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 &&
      s.visibility === 'visible' && parseFloat(s.opacity) > 0; };
  const drawn = a.labels && a.labels[0] ? [a.labels[0], ...a.labels[0].querySelectorAll('*')] : [];
  return {focusVisible: a.matches(':focus-visible'), ring: [a, ...drawn].some(ring)};
}"""


@pytest.mark.parametrize("wanted", [{"action": "accept-all"}, {"action": "reject-all"},
                                    {"action": "customize"}])
def test_keyboard_focus_is_visible_on_the_first_layer(banner_page, wanted):
    page = banner_page()
    tab_to(page, **wanted)
    assert page.evaluate(RING) == {"focusVisible": True, "ring": True}


@pytest.mark.parametrize("wanted", [{"category": "analytics"}, {"action": "save"},
                                    {"action": "close"}])
def test_keyboard_focus_is_visible_in_the_dialog(banner_page, wanted):
    page = banner_page()
    open_preferences_by_keyboard(page)
    tab_to(page, **wanted)
    assert page.evaluate(RING) == {"focusVisible": True, "ring": True}


def test_space_toggles_a_switch_and_the_choice_is_saved(banner_page):
    page = banner_page()
    open_preferences_by_keyboard(page)
    tab_to(page, category="analytics")
    page.keyboard.press("Space")
    assert focused(page)["checked"] is True
    tab_to(page, category="functional")
    page.keyboard.press("Space")
    page.keyboard.press("Space")
    assert focused(page)["checked"] is False
    tab_to(page, action="save")
    with consent_posted(page) as posted:
        page.keyboard.press("Enter")
    assert posted.value()["choices"] == {"necessary": True, "functional": False,
                                         "analytics": True, "advertising": False}


def axe_report(page) -> str:
    results = Axe().run(page)
    return "" if results.violations_count == 0 else results.generate_report()


@pytest.mark.parametrize("lang", ["ar", "en"])
@pytest.mark.parametrize("layer", ["first", "preferences"])
def test_axe_finds_no_violations(banner_page, lang, layer):
    page = banner_page(lang)
    if layer == "preferences":
        banner_button(page, "customize").click()
        expect(page.get_by_role("dialog")).to_be_visible()
    assert axe_report(page) == ""


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_axe_finds_no_violations_after_a_decision(banner_page, lang):
    page = banner_page(lang)
    banner_button(page, "reject-all").click()
    expect(banner_button(page, "open")).to_be_visible()
    assert axe_report(page) == ""


def test_axe_scan_reaches_into_the_banner_shadow_root(banner_page):
    """Guards the scans above: a nameless button planted in the shadow root is caught."""
    page = banner_page()
    page.evaluate("""() => document.querySelector('#consent-banner').shadowRoot
      .querySelector('[data-action="accept-all"]').insertAdjacentHTML('afterend',
        '<button type="button" id="planted"></button>')""")
    results = Axe().run(page)
    ids = {violation["id"] for violation in results.response["violations"]}
    assert "button-name" in ids
