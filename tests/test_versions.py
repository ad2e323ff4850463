import pytest

from banner.errors import Invalid
from banner.models import BannerVersion
from banner.services.versions import material_version_number, publish
from banner.vendors import catalogue_vendor


def test_publishing_numbers_versions_and_hashes_content(site, document):
    document["texts"]["en"]["title"] = "Cookies, briefly"
    version = publish(site, document)
    assert version.number == 2
    assert version.status == "published"
    assert len(version.content_hash) == 64
    assert version.document["texts"]["en"]["title"] == "Cookies, briefly"


def test_publishing_the_live_content_again_creates_nothing(site, document, row_counts):
    before = row_counts()
    assert publish(site, document).number == 1
    assert row_counts() == before


def test_text_edit_is_minor_and_keeps_the_material_version(site, document):
    document["texts"]["ar"]["title"] = "ملفات تعريف الارتباط"
    version = publish(site, document)
    assert version.change_kind == "minor"
    assert material_version_number(site.id) == 1


def test_new_vendor_is_material_and_asks_everyone_again(site, document):
    document["vendors"] = [catalogue_vendor("google-analytics")]
    version = publish(site, document)
    assert version.change_kind == "material"
    assert material_version_number(site.id) == 2


def test_merchant_can_force_a_material_change(site, document):
    document["texts"]["en"]["description"] = "We now keep data for longer."
    assert publish(site, document, change_kind="material").change_kind == "material"


def test_published_versions_keep_their_document(site, document, ctx):
    from banner.extensions import db
    first = db.session.scalar(db.select(BannerVersion).filter_by(site_id=site.id, number=1))
    original = first.content_hash
    document["vendors"] = [catalogue_vendor("meta")]
    publish(site, document)
    db.session.refresh(first)
    assert first.content_hash == original and first.document["vendors"] == []


def test_invalid_change_kind_is_refused(site, document, row_counts):
    before = row_counts()
    with pytest.raises(Invalid) as info:
        publish(site, document, change_kind="huge")
    assert "change_kind" in info.value.errors
    assert row_counts() == before
