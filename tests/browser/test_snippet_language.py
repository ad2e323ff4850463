"""Which language the banner speaks and which way it reads: Arabic right to left with
a mirrored layout, English left to right, and the order in which the page, the
browser and the site choose the language."""
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from banner.default_texts import DEFAULT_TEXTS
from tests.browser.conftest import banner_button
from tests.browser.snippet_helpers import STORE_ORIGIN, inherited

pytestmark = pytest.mark.browser

DIRECTION = {"ar": "rtl", "en": "ltr"}


@pytest.fixture
def page_in_locale(chromium, live_server, store_pages):
    """Opens a URL in a fresh browser profile whose language is `locale`."""
    contexts = []
    api = urlsplit(live_server).netloc

    def route(route):
        parts = urlsplit(route.request.url)
        if f"{parts.scheme}://{parts.netloc}" == STORE_ORIGIN and parts.path in store_pages:
            html = store_pages[parts.path]
            html = html[0] if isinstance(html, tuple) else html  # (html, headers) pages
            return route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
        if parts.netloc == api:
            return route.fallback()
        return route.abort()

    def open_(url: str, locale: str):
        context = chromium.new_context(locale=locale, permissions=["local-network-access"])
        contexts.append(context)
        context.route(re.compile(r".*"), route)
        page = context.new_page()
        page.set_default_timeout(5000)
        page.goto(url)
        return page
    yield open_
    for context in contexts:
        context.close()


def assert_speaks(page, lang: str):
    """The banner is shown in `lang`, in that language's direction."""
    accept = banner_button(page, "accept-all")
    expect(accept).to_have_text(DEFAULT_TEXTS[lang]["accept_all"])
    assert inherited(accept, "lang") == lang
    assert inherited(accept, "dir") == DIRECTION[lang]
    assert accept.evaluate("el => getComputedStyle(el).direction") == DIRECTION[lang]


@pytest.mark.parametrize("lang, tag_attrs", [("ar", ""), ("ar", ' data-lang="ar"'),
                                             ("en", ""), ("en", ' data-lang="en"')])
def test_banner_speaks_the_page_language_in_its_direction(
        page, shop_site, store_page, lang, tag_attrs):
    shop_site()
    page.goto(store_page(lang=lang if not tag_attrs else "", tag_attrs=tag_attrs))
    assert_speaks(page, lang)
    texts = DEFAULT_TEXTS[lang]
    banner = page.locator("#consent-banner")
    expect(banner.get_by_role("heading", name=texts["title"])).to_be_visible()
    expect(banner.get_by_text(texts["description"][:40])).to_be_visible()
    expect(banner_button(page, "reject-all")).to_have_text(texts["reject_all"])
    expect(banner_button(page, "customize")).to_have_text(texts["customize"])


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_first_layer_buttons_follow_the_reading_order(page, shop_site, store_page, lang):
    shop_site()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(store_page(lang=lang))
    accept = banner_button(page, "accept-all").bounding_box()
    reject = banner_button(page, "reject-all").bounding_box()
    accept_first = accept["x"] < reject["x"] if lang == "en" else accept["x"] > reject["x"]
    assert accept_first, f"accept at x={accept['x']}, reject at x={reject['x']} ({lang})"


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_reopen_control_is_named_in_the_page_language_where_the_merchant_put_it(
        page, shop_site, store_page, document, lang):
    """Left and right are the screen's in every language (the merchant's choice, see
    test_banner_appearance.py); its name is in the page's language."""
    document["appearance"]["reopen"] = "button-right"
    shop_site(document)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(store_page(lang=lang))
    banner_button(page, "reject-all").click()
    reopen = banner_button(page, "open")
    expect(reopen).to_have_text(DEFAULT_TEXTS[lang]["reopen"])
    box = reopen.bounding_box()
    centre = box["x"] + box["width"] / 2
    assert centre > 640, f"reopen centred at x={centre}"


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_dialog_close_button_sits_at_the_inline_end(page, shop_site, store_page, lang):
    shop_site()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(store_page(lang=lang))
    banner_button(page, "customize").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    frame, close = dialog.bounding_box(), banner_button(page, "close").bounding_box()
    middle = frame["x"] + frame["width"] / 2
    assert (close["x"] + close["width"] < middle) if lang == "ar" else (close["x"] > middle)


# Mean x (0..1) of the white pixels that change between two shots of a switch: where
# the knob was in each; the track recolours too but is never white.
# Where the knob of the analytics switch sits across its track: 0 at the left, 1 at the right.
KNOB_ACROSS = """() => {
  const label = document.querySelector('#consent-banner').shadowRoot
    .querySelector('input[data-category="analytics"]').closest('label');
  const track = label.querySelector('.tr').getBoundingClientRect();
  const knob = label.querySelector('.kn').getBoundingClientRect();
  return (knob.left + knob.width / 2 - track.left) / track.width;
}"""


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_switch_knob_moves_toward_the_inline_end_when_on(page, shop_site, store_page, lang):
    shop_site()
    page.emulate_media(reduced_motion="reduce")  # the knob is where it ends, not on its way
    page.goto(store_page(lang=lang))
    banner_button(page, "customize").click()
    switch = page.locator('#consent-banner input[data-category="analytics"]')
    knob_off = page.evaluate(KNOB_ACROSS)
    switch.click()
    expect(switch).to_be_checked()
    knob_on = page.evaluate(KNOB_ACROSS)
    moved = knob_on > knob_off if lang == "en" else knob_on < knob_off
    assert moved, f"knob from {knob_off:.2f} to {knob_on:.2f} of the width ({lang})"


LANGUAGE_CHOICES = [
    # (data-lang, <html lang>, browser locale, site default, expected)
    ("ar", "en", "en-US", "en", "ar"),
    ("en", "ar", "ar-SA", "ar", "en"),
    (None, "ar", "en-US", "en", "ar"),
    (None, "en", "ar-SA", "ar", "en"),
    (None, "", "ar-SA", "en", "ar"),
    (None, "", "en-US", "ar", "en"),
    (None, "", "fr-FR", "ar", "ar"),
    (None, "", "fr-FR", "en", "en"),
    ("fr", "fr", "fr-FR", "ar", "ar"),
    ("fr", "fr", "fr-FR", "en", "en"),
]


@pytest.mark.parametrize("data_lang, html_lang, locale, site_default, expected",
                         LANGUAGE_CHOICES)
def test_language_is_chosen_by_tag_then_page_then_browser_then_site(
        page_in_locale, shop_site, store_page,
        data_lang, html_lang, locale, site_default, expected):
    shop_site(default_language=site_default)
    tag_attrs = f' data-lang="{data_lang}"' if data_lang else ""
    page = page_in_locale(store_page(lang=html_lang, tag_attrs=tag_attrs), locale)
    assert page.evaluate("navigator.language") == locale
    assert_speaks(page, expected)
