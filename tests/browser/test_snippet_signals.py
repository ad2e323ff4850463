"""Vendor consent signals (DESIGN.md section 5): set on every page before any tag runs
and updated on every change. Vendor functions are stubbed by init scripts, so they
exist before the snippet, while the install tag stays first in <head>."""
import pytest

from tests.browser.conftest import (banner_button, consent_commands, data_layer, wait_banner,
                                    wait_decided)

pytestmark = pytest.mark.browser

SIGNALS = ("ad_storage", "ad_user_data", "ad_personalization", "analytics_storage",
           "functionality_storage", "personalization_storage", "security_storage")
# DESIGN.md: which Consent Mode v2 signals each category grants.
GRANTS = {
    "analytics": {"analytics_storage"},
    "advertising": {"ad_storage", "ad_user_data", "ad_personalization"},
    "functional": {"functionality_storage", "personalization_storage"},
}
DENIED = {s: "granted" if s == "security_storage" else "denied" for s in SIGNALS}
GRANTED = dict.fromkeys(SIGNALS, "granted")

# A tag in the theme that is not gated: it runs as soon as it is parsed.
GTAG_CONFIG = ("<script>window.dataLayer=window.dataLayer||[];"
               "function gtag(){dataLayer.push(arguments);}"
               "gtag('js', new Date()); gtag('config', 'G-1');</script>")

# Stubs that log their calls to window.__calls as [vendor, method, ...args].
LOG = "(window.__calls = window.__calls || [])"
FBQ = f"window.fbq = function () {{ {LOG}.push(['fbq'].concat([].slice.call(arguments))); }};"
TTQ = ("window.ttq = {};"
       "['holdConsent', 'grantConsent', 'revokeConsent', 'page', 'track'].forEach(function (m) {"
       f"  window.ttq[m] = function () {{ {LOG}.push(['ttq', m]); }};"
       "});")
SHOPIFY = ("window.Shopify = {customerPrivacy: {setTrackingConsent: function (consent, done) {"
           f"  {LOG}.push(['shopify', consent]); if (done) done();"
           "}}};")
SALLA = ("window.Salla = {"
         f"  storage: {{set: function (k, v) {{ {LOG}.push(['salla.storage.set', k, v]); }}}},"
         f"  event: {{emit: function (name, p) {{ {LOG}.push(['salla.event.emit', name]); }}}}"
         "};")


def calls(page, vendor: str) -> list:
    return [c[1:] for c in page.evaluate("window.__calls || []") if c[0] == vendor]


def test_consent_mode_default_is_first_in_data_layer(page, shop_site, store_page):
    shop_site()
    page.goto(store_page(head=GTAG_CONFIG))
    wait_banner(page)
    first = data_layer(page)[0]
    assert first[:2] == ["consent", "default"]
    params = dict(first[2])
    assert params.pop("wait_for_update") > 0
    assert params == DENIED


def test_accept_all_sends_consent_mode_update_with_all_seven_granted(page, shop_site, store_page):
    shop_site()
    page.goto(store_page(head=GTAG_CONFIG))
    banner_button(page, "accept-all").click()
    wait_decided(page)
    assert consent_commands(page, "update")[-1] == GRANTED


@pytest.mark.parametrize("category", sorted(GRANTS))
def test_consent_mode_grants_exactly_the_signals_of_a_category(page, shop_site, store_page,
                                                               category):
    shop_site()
    page.goto(store_page())
    page.evaluate("c => ConsentBanner.set({[c]: true})", category)
    expected = {s: "granted" if s in GRANTS[category] or s == "security_storage" else "denied"
                for s in SIGNALS}
    assert consent_commands(page, "update")[-1] == expected


def test_reject_all_sends_a_denied_consent_mode_update(page, shop_site, store_page):
    shop_site()
    page.goto(store_page())
    banner_button(page, "reject-all").click()
    wait_decided(page)
    assert consent_commands(page, "update")[-1] == DENIED


def uet_consent(page) -> list[tuple[str, dict]]:
    """The ('consent', kind, params) triples pushed to the flat uetq queue."""
    queue = page.evaluate("window.uetq")
    return [(queue[i + 1], queue[i + 2]) for i, item in enumerate(queue[:-2])
            if item == "consent" and queue[i + 1] in ("default", "update")]


def test_uet_gets_consent_default_denied_then_update_granted(page, shop_site, store_page):
    shop_site()
    page.goto(store_page())
    wait_banner(page)
    assert page.evaluate("window.uetq")[:3] == ["consent", "default", {"ad_storage": "denied"}]
    banner_button(page, "accept-all").click()
    wait_decided(page)
    assert uet_consent(page)[-1] == ("update", {"ad_storage": "granted"})


def test_meta_pixel_is_revoked_before_any_tag_and_granted_on_accept(page, shop_site, store_page):
    shop_site()
    page.add_init_script(FBQ)
    page.goto(store_page("<script>fbq('init', '1'); fbq('track', 'PageView');</script>"))
    wait_banner(page)
    assert calls(page, "fbq")[0] == ["consent", "revoke"]
    banner_button(page, "accept-all").click()
    wait_decided(page)
    assert [c for c in calls(page, "fbq") if c[0] == "consent"][-1] == ["consent", "grant"]


def test_meta_pixel_is_revoked_on_reject(page, shop_site, store_page):
    shop_site()
    page.add_init_script(FBQ)
    page.goto(store_page())
    page.evaluate("ConsentBanner.acceptAll()")
    assert calls(page, "fbq")[-1] == ["consent", "grant"]
    page.evaluate("ConsentBanner.rejectAll()")
    assert calls(page, "fbq")[-1] == ["consent", "revoke"]


def test_tiktok_consent_is_held_before_any_tag_then_granted_or_revoked(page, shop_site,
                                                                       store_page):
    shop_site()
    page.add_init_script(TTQ)
    page.goto(store_page("<script>ttq.page();</script>"))
    wait_banner(page)
    assert calls(page, "ttq")[0] == ["holdConsent"]
    page.evaluate("ConsentBanner.acceptAll()")
    assert calls(page, "ttq")[-1] == ["grantConsent"]
    page.evaluate("ConsentBanner.rejectAll()")
    assert calls(page, "ttq")[-1] == ["revokeConsent"]


@pytest.mark.parametrize("decision, expected", [
    ("acceptAll()", {"analytics": True, "marketing": True, "preferences": True,
                     "sale_of_data": True}),
    ("rejectAll()", {"analytics": False, "marketing": False, "preferences": False,
                     "sale_of_data": False}),
    ("set({analytics: true})", {"analytics": True, "marketing": False, "preferences": False,
                                "sale_of_data": False}),
    ("set({functional: true, advertising: true})", {"analytics": False, "marketing": True,
                                                    "preferences": True, "sale_of_data": True}),
])
def test_shopify_customer_privacy_gets_the_choice(page, shop_site, store_page, decision,
                                                  expected):
    shop_site(platform="shopify")
    page.add_init_script(SHOPIFY)
    page.goto(store_page())
    page.evaluate(f"ConsentBanner.{decision}")
    assert calls(page, "shopify")[-1] == [expected]


def test_salla_cookie_bar_gets_the_state(page, shop_site, store_page):
    shop_site(platform="salla")
    page.add_init_script(SALLA)
    page.goto(store_page())
    page.evaluate("ConsentBanner.acceptAll()")
    accepted = calls(page, "salla.storage.set")
    assert accepted, "Salla.storage.set was not called"
    assert calls(page, "salla.event.emit"), "Salla.event.emit was not called"
    key, accepted_value = accepted[-1]

    page.evaluate("ConsentBanner.rejectAll()")
    rejected_key, rejected_value = calls(page, "salla.storage.set")[-1]
    assert rejected_key == key
    assert rejected_value != accepted_value
    assert len(calls(page, "salla.event.emit")) >= 2
