import pytest

from banner.default_texts import DEFAULT_TEXTS
from banner.errors import Invalid
from banner.documents import (TEXT_KEYS, content_hash, default_document, is_material_change,
                              validate_document)
from banner.vendors import catalogue_vendor


def test_default_document_is_complete_in_arabic_and_english():
    document = default_document()
    assert document["languages"] == ["ar", "en"]
    for lang in ("ar", "en"):
        texts = document["texts"][lang]
        assert all(texts[key].strip() for key in TEXT_KEYS)
        assert set(texts["categories"]) == {"necessary", "functional", "analytics", "advertising"}
    assert document["behaviour"]["consent_lifetime_days"] == 365
    assert document["appearance"]["layout"] == "bar"


def test_arabic_default_texts_are_arabic_not_copies_of_english():
    for key in TEXT_KEYS:
        assert DEFAULT_TEXTS["ar"][key] != DEFAULT_TEXTS["en"][key]
        assert any("\u0600" <= ch <= "\u06ff" for ch in DEFAULT_TEXTS["ar"][key]), key


@pytest.mark.parametrize("mutate, field", [
    (lambda d: d["texts"]["ar"].pop("accept_all"), "texts"),
    (lambda d: d["texts"]["en"]["categories"].pop("analytics"), "texts"),
    (lambda d: d["texts"].pop("en"), "texts"),
    (lambda d: d.update(default_language="fr"), "default_language"),
    (lambda d: d.update(languages=["ar", "ar"]), "languages"),
    (lambda d: d.update(policy_url="not a url"), "policy_url"),
    (lambda d: d.update(vendors=[{**catalogue_vendor("meta"), "category": "necessary"}]), "vendors"),
    (lambda d: d.update(vendors=[{**catalogue_vendor("meta"), "hosts": ["http://x"]}]), "vendors"),
    (lambda d: d.update(vendors=[catalogue_vendor("meta"), catalogue_vendor("meta")]), "vendors"),
    (lambda d: d["behaviour"].update(consent_lifetime_days=0), "behaviour"),
    (lambda d: d["behaviour"].update(region_rules=[{"countries": ["sa"], "mode": "opt_in"}]),
     "behaviour"),
    (lambda d: d["appearance"].update(accent_color="red"), "appearance"),
    (lambda d: d.update(surprise=True), "surprise"),
])
def test_invalid_documents_are_refused_with_the_field_named(document, mutate, field):
    mutate(document)
    with pytest.raises(Invalid) as info:
        validate_document(document)
    assert field in info.value.errors


def test_content_hash_ignores_key_order_but_not_content(document):
    reordered = dict(reversed(list(document.items())))
    original = content_hash(document)
    assert content_hash(reordered) == original
    document["texts"]["en"]["title"] = "Cookies"
    assert content_hash(document) != original


def test_text_changes_are_minor_and_new_vendors_are_material(document):
    old = validate_document(document)
    retitled = validate_document({**document, "texts": {**document["texts"], "en": {
        **document["texts"]["en"], "title": "Cookies here"}}})
    assert not is_material_change(old, retitled)
    with_vendor = validate_document({**document, "vendors": [catalogue_vendor("tiktok")]})
    assert is_material_change(old, with_vendor)
    assert is_material_change(old, {**old, "policy_url": "https://example.com/new-policy"})
