"""The merchant's appearance options, as the shopper gets them: layout, theme (following
the device when asked), font, corner radius and the re-open control, where it was put and
nowhere else; and the banner fully styled under a storefront CSP without inline styles."""
import pytest
from playwright.sync_api import expect

from banner.default_texts import DEFAULT_TEXTS
from tests.browser.banner_look import (FIRST_LAYER, VIEWPORTS, hex_colour, open_preferences,
                                       screenshot, shadow)
from tests.browser.conftest import STORE_ORIGIN, banner_button

pytestmark = pytest.mark.browser

# Every element of the banner a shopper can see after deciding (size, not hidden).
VISIBLE_PARTS = """() => [...document.querySelector('#consent-banner').shadowRoot
    .querySelectorAll('*')].filter(el => { const r = el.getBoundingClientRect(),
      s = getComputedStyle(el); return r.width > 0 && r.height > 0 && s.visibility !== 'hidden'; })
    .map(el => el.closest('.re') ? 're' : el.className.baseVal ?? el.className)"""
OURS_AT = """([x, y]) =>
  document.elementFromPoint(x, y) === document.querySelector('#consent-banner')"""


@pytest.fixture
def banner_with(page, shop_site, store_page, document):
    """Opens a store page whose banner has the given appearance (published on the first
    call), at a device's size."""
    published = []

    def open_(device="desktop", lang="en", head="", scheme="light", **appearance):
        if not published:
            document["appearance"].update(appearance)
            published.append(shop_site(document))
        page.set_viewport_size(VIEWPORTS[device])
        page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
        page.goto(store_page(lang=lang, head=head))
        banner_button(page, "accept-all").wait_for()
        return page.evaluate(FIRST_LAYER)
    return open_


@pytest.mark.parametrize("layout", ["bar", "box-left", "box-right", "modal"])
def test_each_layout_sits_where_the_merchant_chose(page, banner_with, layout):
    width, height = VIEWPORTS["desktop"].values()
    box = banner_with("desktop", layout=layout)
    middle = (box["left"] + box["right"]) / 2
    if layout == "bar":
        assert box["right"] - box["left"] >= 0.9 * width and abs(middle - width / 2) < 2
        assert box["bottom"] >= height - 24
    elif layout == "modal":
        assert abs(middle - width / 2) < 2
        assert abs((box["top"] + box["bottom"]) / 2 - height / 2) < 2
    else:
        assert box["right"] - box["left"] <= 420 and box["bottom"] >= height - 24
        assert box["left"] <= 24 if layout == "box-left" else box["right"] >= width - 24
    screenshot(page, f"layout-{layout}-en-desktop")
    # On a phone, all but the modal are a sheet along the bottom, within 30% of the screen.
    box = banner_with("phone", lang="ar", layout=layout)
    assert box["share"] <= 0.30 and box["inside"]
    if layout != "modal":
        assert (box["left"], box["right"], box["bottom"]) == (8, 382, 836)
    screenshot(page, f"layout-{layout}-ar-phone")


@pytest.mark.parametrize("scheme, background", [("light", "#ffffff"), ("dark", "#1d1d21")])
def test_the_auto_theme_follows_the_device(page, banner_with, scheme, background):
    banner_with("phone", scheme=scheme, theme="auto")
    assert hex_colour(shadow(page, ".bar").evaluate(
        "el => getComputedStyle(el).backgroundColor")) == background
    dialog = open_preferences(page)
    assert hex_colour(dialog.evaluate("el => getComputedStyle(el).backgroundColor")) == background
    screenshot(page, f"theme-auto-{scheme}-en-phone")


@pytest.mark.parametrize("font, lang, expected", [
    ("store", "en", "Georgia"), ("store", "ar", "Georgia"),
    ("system", "en", "system-ui"), ("system", "ar", "Noto Sans Arabic")])
def test_the_font_is_the_stores_or_ours_with_an_arabic_stack(page, banner_with, font, lang,
                                                             expected):
    banner_with(lang=lang, head="<style>body{font-family:Georgia,serif}</style>", font=font)
    families = [shadow(page, selector).evaluate("el => getComputedStyle(el).fontFamily")
                for selector in ("h2#cb-t", '.bar [data-action="accept-all"]')]
    assert all(expected in family for family in families), families
    assert all(("Georgia" in family) == (font == "store") for family in families)


@pytest.mark.parametrize("radius", [0, 24])
def test_the_corner_radius_is_the_merchants(page, banner_with, radius):
    banner_with(corner_radius=radius)
    assert shadow(page, ".bar").evaluate("el => getComputedStyle(el).borderRadius") == f"{radius}px"
    open_preferences(page)
    assert shadow(page, ".dlg").evaluate("el => getComputedStyle(el).borderRadius") == \
        f"{radius}px"


@pytest.mark.parametrize("device", VIEWPORTS)
@pytest.mark.parametrize("reopen", ["button-left", "button-right", "icon-left", "icon-right"])
def test_the_reopen_control_is_where_chosen_and_nothing_else_stays(page, banner_with, reopen,
                                                                  device):
    banner_with(device, reopen=reopen)
    banner_button(page, "reject-all").click()
    control = banner_button(page, "open")
    expect(control).to_be_visible()
    expect(control).to_have_accessible_name(DEFAULT_TEXTS["en"]["reopen"])
    box, width = control.bounding_box(), VIEWPORTS[device]["width"]
    if reopen.endswith("left"):
        assert box["x"] <= 24
    else:
        assert box["x"] + box["width"] >= width - 24
    if reopen.startswith("icon"):
        assert box["width"] <= 48 and control.inner_text().strip() == ""
    else:
        expect(control).to_have_text(DEFAULT_TEXTS["en"]["reopen"])
    assert set(page.evaluate(VISIBLE_PARTS)) == {"re"}, "more of the banner stayed on screen"
    screenshot(page, f"reopen-{reopen}-en-{device}")
    control.click()
    expect(page.get_by_role("dialog")).to_be_visible()


def test_no_reopen_control_when_the_store_links_the_preferences_itself(page, banner_with):
    banner_with("phone", reopen="none")
    banner_button(page, "reject-all").click()
    page.wait_for_function("() => ConsentBanner.get() !== null")
    expect(banner_button(page, "open")).to_have_count(0)
    assert page.evaluate(VISIBLE_PARTS) == []
    width, height = VIEWPORTS["phone"].values()
    for corner in ([20, height - 20], [width - 20, height - 20]):
        assert not page.evaluate(OURS_AT, corner)
    page.evaluate("ConsentBanner.open()")  # what the store's footer link calls
    expect(page.get_by_role("dialog")).to_be_visible()
    screenshot(page, "reopen-none-from-the-store-en-phone")


def test_the_banner_is_styled_under_a_csp_without_inline_styles(page, banner_with,
                                                                store_pages, live_server):
    page.add_init_script("window.__violations = [];"
                         "document.addEventListener('securitypolicyviolation', e => "
                         "__violations.push(e.violatedDirective + ' ' + e.blockedURI), true);")
    banner_with()  # the same site, now on a page that allows no inline style
    store_pages["/strict"] = (store_pages["/"], {"Content-Security-Policy": (
        f"default-src 'self'; script-src {live_server}; connect-src {live_server}; "
        "style-src 'self'")})
    page.goto(f"{STORE_ORIGIN}/strict")
    accept = banner_button(page, "accept-all")
    accept.wait_for()
    assert shadow(page, ".bar").evaluate("el => getComputedStyle(el).position") == "fixed"
    assert hex_colour(accept.evaluate("el => getComputedStyle(el).backgroundColor")) == "#0b6e4f"
    open_preferences(page)
    assert page.evaluate("window.__violations") == []
