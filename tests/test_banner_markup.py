"""The banner's look, rendered on the server into the banner response (services/markup.py)."""
import pytest

from banner.services.markup import ink_on


def markup(client, lang="en"):
    return client.get(f"/v1/sites/test-store/banner?lang={lang}").json["markup"]


def test_markup_carries_every_dom_hook_of_the_contract(client, site):
    html = markup(client)
    for action in ("accept-all", "reject-all", "customize", "save", "close", "open"):
        assert f'data-action="{action}"' in html
    for category in ("necessary", "functional", "analytics", "advertising"):
        assert f'data-category="{category}"' in html
    assert 'data-category="necessary" checked disabled' in html
    assert html.count(" checked") == 1  # nothing optional is pre-ticked


def test_markup_is_in_the_requested_language_and_direction(client, site):
    html = markup(client, "ar")
    assert 'dir="rtl" lang="ar"' in html and "قبول الكل" in html
    assert 'dir="ltr" lang="en"' in markup(client, "en")


def test_merchant_texts_are_escaped(client, make_site, document):
    document["texts"]["en"]["title"] = '<img src=x onerror="alert(1)">'
    make_site(site_key="test-store", document=document)
    html = markup(client)
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in html


def test_age_confirmation_appears_only_when_the_site_asks_for_it(client, make_site, document):
    document["behaviour"]["age_confirmation"] = True
    make_site(site_key="test-store", document=document)
    make_site(site_key="no-age")
    box = '<input type="checkbox" data-age>'
    assert markup(client).count(box) == 2  # first layer and preferences
    assert box not in client.get("/v1/sites/no-age/banner?lang=en").json["markup"]


def test_contact_channels_become_links(client, make_site, document):
    document["contact"] = {"email": "privacy@store.sa", "phone": "+966 11 234 5678",
                           "whatsapp": "+966 56 312 0415"}
    make_site(site_key="test-store", document=document)
    html = markup(client)
    assert 'href="mailto:privacy@store.sa"' in html
    assert 'href="tel:+966112345678"' in html
    assert 'href="https://wa.me/966563120415"' in html


def test_vendors_link_to_their_privacy_policies(client, make_site, document):
    from banner.vendors import catalogue_vendor
    document["vendors"] = [catalogue_vendor("meta")]
    make_site(site_key="test-store", document=document)
    assert 'href="https://www.facebook.com/privacy/policy/"' in markup(client)


@pytest.mark.parametrize("accent, ink", [("#ffffff", "#000"), ("#000000", "#fff"),
                                          ("#0b6e4f", "#fff"), ("#f5c518", "#000")])
def test_button_text_contrasts_with_the_accent_colour(accent, ink):
    assert ink_on(accent) == ink
