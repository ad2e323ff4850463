"""The banner as a shopper sees it on the demo stores, measured: the first layer at most
30% of a phone, accept and reject alike, customize secondary; preferences whose header
and actions stay while the middle scrolls, collapsible categories, switches that say
their state without colour; axe in both languages and themes; a screenshot of each state
(tests/output/banner/)."""
import pytest
from playwright.sync_api import expect

from banner.default_texts import DEFAULT_TEXTS
from banner.services.demo import seed_demo
from tests.browser.banner_look import (DEMO_THEMES, FIRST_LAYER, LOOK, TWO_FRAMES, VIEWPORTS,
                                       banner_axe_violations, contrast, open_demo,
                                       open_preferences, screenshot, shadow)
from tests.browser.conftest import banner_button

pytestmark = pytest.mark.browser

LANGS = ("ar", "en")
# Where the preferences' fixed parts are, once the middle is scrolled to its end.
PREFERENCES = """() => {
  const root = document.querySelector('#consent-banner').shadowRoot;
  const dialog = root.querySelector('.dlg'), middle = root.querySelector('.db');
  middle.scrollTop = middle.scrollHeight;
  const box = el => { const r = el.getBoundingClientRect();
    return {top: r.top, bottom: r.bottom, x: r.x + r.width / 2, y: r.y + r.height / 2}; };
  const seen = el => { const b = box(el); return root.elementFromPoint(b.x, b.y) === el
    || el.contains(root.elementFromPoint(b.x, b.y)); };
  const fixed = [root.querySelector('#cb-p'), ...dialog.querySelectorAll('.dh button, .df button')];
  return {scrolled: middle.scrollTop, dialog: box(dialog),
          fixed: fixed.map(el => ({...box(el), seen: seen(el), what: el.dataset.action || el.id}))};
}"""


@pytest.fixture
def demo_sites(app):
    with app.app_context():
        seed_demo()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("site_key", DEMO_THEMES)
def test_the_first_layer_takes_at_most_30_percent_of_a_phone(page, live_server, demo_sites,
                                                             site_key, lang):
    open_demo(page, live_server, site_key, lang, "phone")
    first = page.evaluate(FIRST_LAYER)
    assert first["share"] <= 0.30, first
    assert first["inside"], "a control of the first layer is cut off or off the screen"
    assert first["scrolls"], "the demo's long text should scroll inside the banner"
    assert first["rows"] == 2, "accept and reject on one row, customize on the next: no third"
    screenshot(page, f"first-layer-{site_key}-{lang}-phone")


def test_long_merchant_texts_scroll_inside_the_banner(page, shop_site, store_page, document):
    for lang in LANGS:
        document["texts"][lang]["title"] = "Cookies " * 30
        document["texts"][lang]["description"] = ("A very long policy sentence. " * 70)[:2000]
    shop_site(document)
    page.set_viewport_size(VIEWPORTS["phone"])
    page.emulate_media(reduced_motion="reduce")
    page.goto(store_page(lang="ar"))
    banner_button(page, "accept-all").wait_for()
    first = page.evaluate(FIRST_LAYER)
    assert first["share"] <= 0.30 and first["inside"] and first["scrolls"], first
    screenshot(page, "first-layer-long-texts-ar-phone")


@pytest.mark.parametrize("device", VIEWPORTS)
@pytest.mark.parametrize("lang", LANGS)
def test_accept_and_reject_are_equal_and_customize_is_quieter(page, live_server, demo_sites,
                                                              lang, device):
    open_demo(page, live_server, "demo-electronics", lang, device)
    accept, reject = (banner_button(page, a).evaluate(LOOK) for a in ("accept-all", "reject-all"))
    customize = banner_button(page, "customize").evaluate(LOOK)
    for prop in ("fontWeight", "fontSize", "fontFamily", "background", "color", "borderStyle",
                 "borderWidth", "borderColor", "textDecoration", "radius", "y", "height"):
        assert accept[prop] == reject[prop], f"{prop}: {accept[prop]!r} vs {reject[prop]!r}"
    assert abs(accept["width"] - reject["width"]) <= 1
    # A text button: no fill and no border, underlined, lower and below the pair.
    assert customize["background"] == "rgba(0, 0, 0, 0)" and customize["borderStyle"] == "none"
    assert customize["textDecoration"] == "underline"
    assert customize["height"] < accept["height"] and customize["y"] > accept["y"]
    policy = shadow(page, ".bar a.pol")
    assert policy.evaluate("el => el.getClientRects().length") == 1, "the policy link wraps"


def test_buttons_answer_keyboard_focus_hover_and_press(page, live_server, demo_sites):
    open_demo(page, live_server, "demo-electronics", "en", "desktop")
    accept = banner_button(page, "accept-all")
    page.keyboard.press("Tab")  # the banner comes first: its text (it scrolls), then accept
    page.keyboard.press("Tab")
    ring = accept.evaluate("el => [el.matches(':focus-visible'), getComputedStyle(el).outlineStyle,"
                           " parseFloat(getComputedStyle(el).outlineWidth)]")
    assert ring[0] and ring[1] != "none" and ring[2] >= 2, ring
    rest = accept.evaluate(LOOK)["backgroundImage"]
    accept.hover()
    hovered = accept.evaluate(LOOK)["backgroundImage"]
    page.mouse.down()
    pressed = accept.evaluate(LOOK)["backgroundImage"]
    page.mouse.move(0, 0)  # released elsewhere: no click
    page.mouse.up()
    assert len({rest, hovered, pressed}) == 3, (rest, hovered, pressed)


@pytest.mark.parametrize("device", VIEWPORTS)
@pytest.mark.parametrize("lang", LANGS)
def test_preferences_keep_header_and_actions_while_the_middle_scrolls(page, live_server,
                                                                     demo_sites, lang, device):
    open_demo(page, live_server, "demo-subscriptions", lang, device)
    dialog = open_preferences(page)
    for summary in dialog.locator("summary").all():
        summary.click()
    page.evaluate(TWO_FRAMES)
    where = page.evaluate(PREFERENCES)
    page.evaluate(TWO_FRAMES)
    if device == "phone":
        assert where["scrolled"] > 0, "the opened categories should overflow a phone"
    height = VIEWPORTS[device]["height"]
    for part in where["fixed"]:
        assert 0 <= part["top"] and part["bottom"] <= height, part
        assert where["dialog"]["top"] <= part["top"] and part["bottom"] <= where["dialog"]["bottom"]
        assert part["seen"], f"{part['what']} is covered"
    screenshot(page, f"preferences-scrolled-dark-{lang}-{device}")


def test_categories_collapse_and_show_their_description_and_vendors(page, live_server,
                                                                   demo_sites):
    open_demo(page, live_server, "demo-electronics", "en", "phone")
    dialog = open_preferences(page)
    expect(dialog.locator("details:not([open])")).to_have_count(4)
    analytics = dialog.locator("details").nth(2)
    expect(analytics.get_by_role("link", name="Google Analytics")).to_be_hidden()
    shadow(page, 'input[data-category="analytics"]').click()  # the switch, not the heading
    expect(analytics).not_to_have_attribute("open", "")
    analytics.locator("summary").click()
    expect(analytics.get_by_text(DEFAULT_TEXTS["en"]["categories"]["analytics"]["description"]))\
        .to_be_visible()
    expect(analytics.get_by_role("link", name="Google Analytics")).to_be_visible()
    expect(analytics.get_by_role("link", name="Meta Pixel")).to_have_count(0)
    expect(dialog.locator("details").nth(3).get_by_role("link", name="Meta Pixel",
                                                           include_hidden=True)).to_have_count(1)


# Where the preferences' parts sit across the dialog (left edges, and the middle of the
# necessary switch's track against where its knob is).
ACROSS = """() => {
  const root = document.querySelector('#consent-banner').shadowRoot;
  const box = s => root.querySelector(s).getBoundingClientRect();
  const track = box('.sw .tr'), knob = box('.sw .kn');
  return {title: box('#cb-p').left, close: box('[data-action="close"]').left,
          label: box('summary span').left, switch: track.left,
          knobAtEnd: knob.left + knob.width / 2 - (track.left + track.width / 2)};
}"""


@pytest.mark.parametrize("lang", LANGS)
def test_preferences_are_mirrored_in_arabic(page, live_server, demo_sites, lang):
    open_demo(page, live_server, "demo-electronics", lang, "phone")
    open_preferences(page)
    across = page.evaluate(ACROSS)
    rtl = lang == "ar"
    assert (across["close"] < across["title"]) is rtl
    assert (across["switch"] < across["label"]) is rtl
    assert (across["knobAtEnd"] < 0) is rtl  # on: the knob at the end of the reading line


# Per switch: checked, disabled, which marks show, the track's colours.
SWITCHES = """() => [...document.querySelector('#consent-banner').shadowRoot
    .querySelectorAll('.sw')].map(label => {
  const input = label.querySelector('input'), track = label.querySelector('.tr');
  const shown = el => getComputedStyle(el).display !== 'none';
  const s = getComputedStyle(track);
  return {key: input.dataset.category, on: input.checked, disabled: input.disabled,
          tick: shown(label.querySelector('.y')), cross: shown(label.querySelector('.n')),
          border: s.borderTopColor, fill: s.backgroundColor, opacity: s.opacity,
          behind: getComputedStyle(label.closest('.cat')).backgroundColor};
})"""


@pytest.mark.parametrize("site_key", DEMO_THEMES)
def test_switches_show_their_state_with_a_mark_not_colour_alone(page, live_server, demo_sites,
                                                               site_key):
    open_demo(page, live_server, site_key, "en", "phone")
    open_preferences(page)
    switches = {s["key"]: s for s in page.evaluate(SWITCHES)}
    necessary, analytics = switches["necessary"], switches["analytics"]
    assert necessary["on"] and necessary["disabled"] and necessary["tick"]
    assert not necessary["cross"] and necessary["opacity"] == "1"  # clearly on, not dimmed
    assert not analytics["on"] and analytics["cross"] and not analytics["tick"]
    # Off is an outline that stands out from the card in either theme (WCAG 1.4.11).
    assert contrast(analytics["border"], analytics["behind"]) >= 3
    shadow(page, 'input[data-category="analytics"]').click()
    analytics = {s["key"]: s for s in page.evaluate(SWITCHES)}["analytics"]
    assert analytics["on"] and analytics["tick"] and not analytics["cross"]
    assert analytics["fill"] == necessary["fill"]


@pytest.mark.parametrize("device", VIEWPORTS)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("site_key", DEMO_THEMES)
def test_every_state_passes_axe_and_is_kept_as_a_screenshot(page, live_server, demo_sites,
                                                            site_key, lang, device):
    theme = DEMO_THEMES[site_key]
    open_demo(page, live_server, site_key, lang, device)
    screenshot(page, f"first-layer-{theme}-{lang}-{device}")
    assert banner_axe_violations(page) == ""
    open_preferences(page)
    screenshot(page, f"preferences-{theme}-{lang}-{device}")
    assert banner_axe_violations(page) == ""
    shadow(page, '.dlg [data-action="reject-all"]').click()
    expect(banner_button(page, "open")).to_be_visible()
    screenshot(page, f"reopen-{theme}-{lang}-{device}")
    assert banner_axe_violations(page) == ""
