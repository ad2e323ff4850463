"""The banner a visitor sees: first layer, preferences dialog, legal-age confirmation,
and its resistance to store themes and to merchant text containing HTML."""
import re

import pytest
from playwright.sync_api import expect

from banner.default_texts import DEFAULT_TEXTS
from banner.vendors import CATALOGUE, catalogue_vendor
from tests.browser.conftest import banner_button
from tests.browser.snippet_helpers import assert_no_consent_post, consent_posted

pytestmark = pytest.mark.browser

EN = DEFAULT_TEXTS["en"]
CATEGORY_KEYS = ["necessary", "functional", "analytics", "advertising"]
# What a button looks like, for comparing Accept all with Reject all.
WEIGHT = """el => {
  const s = getComputedStyle(el), r = el.getBoundingClientRect();
  return {fontWeight: s.fontWeight, fontSize: s.fontSize, fontFamily: s.fontFamily,
          background: s.backgroundColor, color: s.color, borderStyle: s.borderStyle,
          borderWidth: s.borderWidth, borderColor: s.borderColor,
          textDecoration: s.textDecorationLine, x: r.x, y: r.y, width: r.width, height: r.height};
}"""


def open_preferences(page):
    banner_button(page, "customize").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    return dialog


def expand_categories(dialog) -> None:
    """Opens every category of the preferences, as a shopper reading them all would."""
    for summary in dialog.locator("summary").all():
        summary.click()
    expect(dialog.locator("details:not([open])")).to_have_count(0)


def test_banner_renders_in_an_open_shadow_root(page, shop_site, store_page):
    shop_site()
    page.goto(store_page())
    expect(banner_button(page, "accept-all")).to_be_visible()
    where = page.evaluate("""() => {
      const host = document.querySelector('#consent-banner'), root = host && host.shadowRoot;
      return {open: !!root, light: document.querySelectorAll('[data-action]').length,
              actions: root ? [...root.querySelectorAll('[data-action]')]
                .map(b => b.getAttribute('data-action')) : []};
    }""")
    assert where["open"], "#consent-banner has no open shadow root"
    assert where["light"] == 0, "banner controls leaked into the page's own DOM"
    assert {"accept-all", "reject-all", "customize"} <= set(where["actions"])


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_accept_and_reject_sit_side_by_side_with_equal_weight(page, shop_site, store_page, lang):
    shop_site()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(store_page(lang=lang))
    accept, reject = banner_button(page, "accept-all"), banner_button(page, "reject-all")
    expect(accept).to_have_text(DEFAULT_TEXTS[lang]["accept_all"])
    expect(reject).to_have_text(DEFAULT_TEXTS[lang]["reject_all"])
    expect(banner_button(page, "customize")).to_have_text(DEFAULT_TEXTS[lang]["customize"])
    # Both measured in one frame, once the banner's entrance has finished: a sheet still
    # sliding in moves its buttons between two separate measurements.
    a, r = accept.evaluate(f"""async (el, other) => {{
      await Promise.all(el.getRootNode().getAnimations().map(a => a.finished));
      const weight = {WEIGHT};
      return [weight(el), weight(other)];
    }}""", reject.element_handle())
    for prop in ("fontWeight", "fontSize", "fontFamily", "background", "color", "borderStyle",
                 "borderWidth", "borderColor", "textDecoration", "height"):
        assert a[prop] == r[prop], f"{prop}: accept {a[prop]!r} vs reject {r[prop]!r}"
    assert abs(a["y"] - r["y"]) < 1, "accept and reject are not on one row"
    assert abs(a["width"] - r["width"]) <= 0.1 * max(a["width"], r["width"])


def test_preferences_have_one_switch_per_category_and_nothing_pre_ticked(
        page, shop_site, store_page):
    shop_site()
    page.goto(store_page())
    dialog = open_preferences(page)
    switches = dialog.locator("input[data-category]")
    assert sorted(switches.evaluate_all("els => els.map(e => e.dataset.category)")) == \
        sorted(CATEGORY_KEYS)
    necessary = dialog.locator('input[data-category="necessary"]')
    expect(necessary).to_be_checked()
    expect(necessary).to_be_disabled()
    for key in CATEGORY_KEYS[1:]:
        switch = dialog.locator(f'input[data-category="{key}"]')
        expect(switch).not_to_be_checked()
        expect(switch).to_be_enabled()


def test_preferences_list_catalogue_vendors_with_their_privacy_policies(
        page, shop_site, store_page):
    shop_site()
    page.goto(store_page())
    dialog = open_preferences(page)
    expand_categories(dialog)
    for vendor in CATALOGUE.values():
        link = dialog.get_by_role("link", name=re.compile(re.escape(vendor["name"])))
        expect(link).to_have_count(1)
        expect(link).to_have_attribute("href", vendor["privacy_url"])


def test_preferences_link_the_policy_and_the_contact_channels(
        page, shop_site, store_page, document):
    document["policy_url"] = "https://shop.example/pages/privacy"
    document["contact"] = {"email": "privacy@shop.example", "whatsapp": "+966 50 123 4567"}
    shop_site(document)
    page.goto(store_page())
    dialog = open_preferences(page)
    policy = dialog.get_by_role("link", name=EN["policy_link"])
    expect(policy).to_have_attribute("href", "https://shop.example/pages/privacy")
    expect(dialog.get_by_text(EN["contact_title"])).to_be_visible()
    expect(dialog.locator('a[href="mailto:privacy@shop.example"]')).to_be_visible()
    whatsapp = dialog.locator('a[href*="966501234567"]')
    expect(whatsapp).to_be_visible()
    expect(whatsapp).to_have_attribute(
        "href", re.compile(r"^https://(wa\.me|api\.whatsapp\.com)/\D*966501234567"))


def test_no_contact_section_without_contact_channels(page, shop_site, store_page):
    shop_site()
    page.goto(store_page())
    dialog = open_preferences(page)
    expect(dialog.get_by_text(EN["contact_title"])).to_have_count(0)
    expect(dialog.locator('a[href^="mailto:"], a[href*="wa.me"]')).to_have_count(0)


@pytest.fixture
def age_gated(page, shop_site, store_page, document):
    """A store whose banner asks for the legal-age confirmation; returns the checkbox."""
    document["behaviour"]["age_confirmation"] = True
    shop_site(document)
    page.goto(store_page())
    box = page.get_by_role("checkbox", name=EN["age_confirmation"])
    expect(box).to_be_visible()
    expect(box).not_to_be_checked()
    return box


def test_accept_without_age_confirmation_records_nothing(page, age_gated, network):
    banner_button(page, "accept-all").click()
    expect(age_gated).to_have_attribute("aria-invalid", "true")
    assert_no_consent_post(page)
    assert network.posts("/consents") == 0
    assert page.evaluate("ConsentBanner.get()") is None
    expect(banner_button(page, "accept-all")).to_be_visible()


def test_accept_after_confirming_age_records_consent(page, age_gated, network):
    banner_button(page, "accept-all").click()
    expect(age_gated).to_have_attribute("aria-invalid", "true")
    age_gated.check()
    with consent_posted(page) as posted:
        banner_button(page, "accept-all").click()
    assert posted.value()["action"] == "accept_all"
    assert posted.value()["age_confirmed"] is True
    expect(banner_button(page, "open")).to_be_visible()
    expect(banner_button(page, "accept-all")).to_have_count(0)
    assert network.posts("/consents") == 1


def test_reject_all_never_needs_the_age_confirmation(page, age_gated):
    with consent_posted(page) as posted:
        banner_button(page, "reject-all").click()
    assert posted.value()["action"] == "reject_all"
    expect(banner_button(page, "open")).to_be_visible()


THEME = ("<style>* {display:block!important; color:red!important; font-size:40px!important}"
         " button{display:none!important}</style>")


def test_aggressive_theme_css_leaves_the_banner_usable(page, shop_site, store_page):
    shop_site()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(store_page(head=THEME, body="<button>Buy now</button>"))
    expect(page.get_by_role("button", name="Buy now")).to_be_hidden()  # the theme is in force
    for action in ("accept-all", "reject-all", "customize"):
        button = banner_button(page, action)
        expect(button).to_be_visible()
        expect(button).to_be_in_viewport()
        assert button.evaluate("el => getComputedStyle(el).fontSize") != "40px"
    dialog = open_preferences(page)
    dialog.locator('[data-action="close"]').click()
    expect(dialog).to_be_hidden()
    with consent_posted(page) as posted:
        banner_button(page, "accept-all").click()
    assert posted.value()["action"] == "accept_all"
    expect(banner_button(page, "open")).to_be_visible()


PAYLOAD = "<img src=x onerror=window.__xss=1>"


def test_merchant_html_is_shown_as_text_never_run(page, shop_site, store_page, document):
    document["texts"]["en"]["title"] = PAYLOAD
    document["texts"]["en"]["customize"] = "<b>Choose</b>"
    document["vendors"] = [{**catalogue_vendor("meta"), "name": PAYLOAD}]
    shop_site(document)
    image_requests = []
    page.on("request", lambda r: r.url.startswith("http://shop.localhost/x")
            and image_requests.append(r.url))
    page.goto(store_page())
    expect(page.get_by_role("heading", name=PAYLOAD)).to_be_visible()
    expect(banner_button(page, "customize")).to_have_text("<b>Choose</b>")
    dialog = open_preferences(page)
    expand_categories(dialog)
    expect(dialog.get_by_role("link", name=PAYLOAD)).to_be_visible()
    assert page.locator("#consent-banner img, #consent-banner b").count() == 0
    assert image_requests == []
    assert page.evaluate("window.__xss") is None
