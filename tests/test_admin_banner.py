"""The draft banner through the merchant API: read, replace, preview, and every refusal."""
import copy
import json

import pytest

from banner.default_texts import DEFAULT_TEXTS
from banner.documents import content_hash
from banner.errors import Conflict
from banner.extensions import db
from banner.models import AuditEvent, BannerVersion
from banner.services import drafts
from banner.services.audit import Actor
from banner.services.sites import create_site
from banner.vendors import catalogue_vendor

ERROR_KEYS = {"code", "name", "description", "errors"}


def draft_row(site_id):
    return db.session.scalar(db.select(BannerVersion).filter_by(site_id=site_id, status="draft"))


def at(errors: dict, path: tuple):
    """The messages at a field path of an error answer (KeyError when not named)."""
    for key in path:
        errors = errors[str(key)]
    return errors


def test_first_access_makes_the_draft_from_the_live_version(client, owner, row_counts):
    before = row_counts()
    body = client.get(f"{owner.base}/banner/draft", headers=owner.headers).json
    live = db.session.scalar(db.select(BannerVersion).filter_by(site_id=owner.site.id, number=1))
    assert (body["number"], body["based_on"], body["changed"]) == (2, 1, False)
    assert body["document"] == live.document and body["content_hash"] == live.content_hash
    assert body["updated_at"].endswith("Z")
    again = client.get(f"{owner.base}/banner/draft", headers=owner.headers).json
    assert again == body
    assert row_counts() == {**before, "banner_version": before["banner_version"] + 1}


def test_a_site_with_nothing_published_starts_from_default_texts_in_its_language(
        client, owner):
    site = create_site(owner.merchant.id, "New", [], default_language="en")
    body = client.get(f"/v1/admin/sites/{site.id}/banner/draft", headers=owner.headers).json
    assert (body["number"], body["based_on"], body["changed"]) == (1, None, True)
    assert body["document"]["languages"] == ["en", "ar"]
    assert body["document"]["texts"]["en"]["title"] == DEFAULT_TEXTS["en"]["title"]


def test_saving_replaces_the_whole_draft_and_logs_it(client, owner, document):
    document["texts"]["en"]["title"] = "Cookies, briefly"
    document["vendors"] = [catalogue_vendor("meta")]
    response = client.put(f"{owner.base}/banner/draft", headers=owner.headers, json=document)
    assert response.status_code == 200, response.json
    body = response.json
    assert (body["number"], body["based_on"], body["changed"]) == (2, 1, True)
    assert body["document"]["vendors"][0]["hosts"] == catalogue_vendor("meta")["hosts"]
    assert body["content_hash"] == content_hash(body["document"])
    assert client.get(f"{owner.base}/banner/draft", headers=owner.headers).json == body
    event = db.session.scalars(db.select(AuditEvent).filter_by(action="draft.saved")).one()
    assert event.details["number"] == 2 and event.actor.startswith("key ")


def test_saving_the_live_content_again_leaves_nothing_to_publish(client, owner, document):
    client.put(f"{owner.base}/banner/draft", headers=owner.headers,
               json={**document, "policy_url": "https://example.com/other"})
    body = client.put(f"{owner.base}/banner/draft", headers=owner.headers, json=document).json
    assert body["changed"] is False


def test_visitors_do_not_see_a_draft(client, owner, document):
    document["texts"]["ar"]["title"] = "مسودة"
    client.put(f"{owner.base}/banner/draft", headers=owner.headers, json=document)
    public = client.get(f"/v1/sites/{owner.site.site_key}/banner?lang=ar").json
    assert public["version"] == 1 and public["texts"]["title"] != "مسودة"


def test_a_document_in_ten_languages_with_a_hundred_vendors_fits(client, owner, document):
    languages = ["ar", "en", "fr", "de", "es", "it", "tr", "ur", "fa", "he"]
    document["languages"] = languages
    document["texts"] = {lang: copy.deepcopy(DEFAULT_TEXTS["ar" if lang in ("ar", "ur", "fa")
                                                           else "en"]) for lang in languages}
    document["vendors"] = [{**catalogue_vendor("google-analytics"), "key": f"vendor-{n}"}
                           for n in range(100)]
    assert len(json.dumps(document).encode()) > 16 * 1024  # past the app-wide body limit
    response = client.put(f"{owner.base}/banner/draft", headers=owner.headers, json=document)
    assert response.status_code == 200, response.json
    assert len(response.json["document"]["vendors"]) == 100


def _meta(**changes):
    return [{**catalogue_vendor("meta"), **changes}]


@pytest.mark.parametrize("mutate, path", [
    (lambda d: d.update(policy_url="javascript:alert(1)"), ("policy_url",)),
    (lambda d: d.update(policy_url="https://example.com/privacy\n"), ("policy_url",)),
    (lambda d: d["texts"]["en"]["categories"].update(cookies={"label": "C", "description": "D"}),
     ("texts", "en", "value", "categories", "cookies", "key")),  # marshmallow's dict paths
    (lambda d: d.update(vendors=_meta(category="marketing")), ("vendors", 0, "category")),
    (lambda d: d.update(vendors=_meta(category="necessary")), ("vendors", 0, "category")),
    (lambda d: d.update(languages=["ar", "en", "fr"]), ("texts",)),
    (lambda d: d["texts"].update(fr=copy.deepcopy(d["texts"]["en"])), ("texts",)),
    (lambda d: d.update(vendors=_meta(hosts=[])), ("vendors", 0, "hosts")),
    (lambda d: d.update(vendors=[{k: v for k, v in catalogue_vendor("meta").items()
                                  if k != "hosts"}]), ("vendors", 0, "hosts")),
    (lambda d: d.update(vendors=_meta(hosts=["connect.facebook.net\n"])),
     ("vendors", 0, "hosts", 0)),
    (lambda d: d.update(vendors=_meta(key="meta\n")), ("vendors", 0, "key")),
    (lambda d: d.update(default_language="ar\n"), ("default_language",)),
    (lambda d: d["appearance"].update(accent_color="#0b6e4f\n"), ("appearance", "accent_color")),
    (lambda d: d["appearance"].update(layout="top"), ("appearance", "layout")),
    (lambda d: d["appearance"].update(position="top"), ("appearance", "position")),
    (lambda d: d["appearance"].update(theme="sepia"), ("appearance", "theme")),
    (lambda d: d["appearance"].update(corner_radius=25), ("appearance", "corner_radius")),
    (lambda d: d["appearance"].update(corner_radius=2.5), ("appearance", "corner_radius")),
    (lambda d: d["appearance"].update(corner_radius=True), ("appearance", "corner_radius")),
    (lambda d: d["appearance"].update(corner_radius="12"), ("appearance", "corner_radius")),
    (lambda d: d["appearance"].update(font="Comic Sans"), ("appearance", "font")),
    (lambda d: d["appearance"].update(reopen="top-left"), ("appearance", "reopen")),
    (lambda d: d["behaviour"].update(region_rules=[{"countries": ["SA\n"], "mode": "opt_in"}]),
     ("behaviour", "region_rules", 0, "countries", 0)),
    (lambda d: d.update(contact={"phone": "+966 11 000 0000\n"}), ("contact", "phone")),
    (lambda d: d.update(surprise=True), ("surprise",)),
])
def test_an_invalid_draft_is_422_naming_the_field_and_nothing_is_stored(
        client, owner, document, row_counts, mutate, path):
    stored = client.get(f"{owner.base}/banner/draft", headers=owner.headers).json
    before = row_counts()
    mutate(document)
    response = client.put(f"{owner.base}/banner/draft", headers=owner.headers, json=document)
    assert response.status_code == 422, response.json
    assert set(response.json) == ERROR_KEYS and response.json["code"] == 422
    assert at(response.json["errors"], path)
    assert row_counts() == before
    assert client.get(f"{owner.base}/banner/draft", headers=owner.headers).json == stored


@pytest.mark.parametrize("body, content_type, status", [
    ('{"policy_url": "' + "x" * 600_000 + '"}', "application/json", 413),
    ("[]", "application/json", 422),
    ("{", "application/json", 400),
    ("{}", "application/xml", 415),
])
def test_an_unreadable_draft_body_is_refused_and_nothing_is_stored(
        client, owner, row_counts, body, content_type, status):
    before = row_counts()
    response = client.put(f"{owner.base}/banner/draft", headers=owner.headers, data=body,
                          content_type=content_type)
    assert response.status_code == status and set(response.json) == ERROR_KEYS
    assert row_counts() == before


def test_saving_needs_the_write_scope(client, make_owner, document, row_counts):
    reader = make_owner(scopes=["sites:read"])
    before = row_counts()
    response = client.put(f"{reader.base}/banner/draft", headers=reader.headers, json=document)
    assert response.status_code == 403 and response.json["errors"] == {"scope": ["sites:write"]}
    assert row_counts() == before


@pytest.mark.parametrize("method, path", [("get", "/banner/draft"), ("put", "/banner/draft"),
                                          ("post", "/banner/preview")])
def test_another_merchants_draft_is_404_and_nothing_is_stored(
        client, owner, make_owner, document, row_counts, method, path):
    other = make_owner()
    before = row_counts()
    body = document if method == "put" else {}
    response = getattr(client, method)(other.base + path, headers=owner.headers, json=body)
    assert response.status_code == 404 and set(response.json) == ERROR_KEYS
    assert row_counts() == before and draft_row(other.site.id) is None


def test_the_preview_is_what_visitors_get_once_published_as_minor(client, owner, document):
    document["texts"]["ar"]["title"] = "نحترم خصوصيتك دائمًا"
    document["appearance"]["theme"] = "dark"
    client.put(f"{owner.base}/banner/draft", headers=owner.headers, json=document)
    preview = client.post(f"{owner.base}/banner/preview", headers=owner.headers,
                          json={"language": "ar"})
    assert preview.status_code == 200, preview.json
    published = client.post(f"{owner.base}/versions", headers=owner.headers,
                            json={"change": "minor"})
    assert published.status_code == 201, published.json
    public = client.get(f"/v1/sites/{owner.site.site_key}/banner?lang=ar")
    assert public.json == preview.json
    assert (preview.json["version"], preview.json["material_version"]) == (2, 1)


def test_the_preview_of_a_material_change_carries_the_new_material_version(
        client, owner, document):
    document["vendors"] = [catalogue_vendor("tiktok")]
    client.put(f"{owner.base}/banner/draft", headers=owner.headers, json=document)
    preview = client.post(f"{owner.base}/banner/preview", headers=owner.headers, json={}).json
    client.post(f"{owner.base}/versions", headers=owner.headers, json={"change": "material"})
    assert preview == client.get(f"/v1/sites/{owner.site.site_key}/banner").json
    assert preview["material_version"] == 2


@pytest.mark.parametrize("language, chosen", [
    ("en-GB", "en"), ("EN", "en"), ("fr", "ar"), (None, "ar"), ("ar", "ar")])
def test_the_preview_language_is_chosen_like_the_public_banners(
        client, owner, language, chosen):
    body = {} if language is None else {"language": language}
    preview = client.post(f"{owner.base}/banner/preview", headers=owner.headers, json=body).json
    assert preview["language"] == chosen
    assert preview["dir"] == ("rtl" if chosen == "ar" else "ltr")


@pytest.mark.parametrize("body, field", [
    ({"language": "<script>"}, "language"),
    ({"language": "en\n"}, "language"),
    ({"lang": "en"}, "lang"),
])
def test_an_invalid_preview_request_is_422_and_writes_nothing(
        client, owner, row_counts, body, field):
    before = row_counts()
    response = client.post(f"{owner.base}/banner/preview", headers=owner.headers, json=body)
    assert response.status_code == 422 and set(response.json) == ERROR_KEYS
    assert field in response.json["errors"]
    assert row_counts() == before


def test_a_draft_published_while_being_saved_is_not_written(owner, document, monkeypatch):
    actor = Actor(owner.merchant.id, "test")
    drafts.get_draft(owner.site)
    stale = drafts.current_draft(owner.site.id)
    document["texts"]["en"]["title"] = "Published"
    drafts.save_draft(owner.site, document, actor)
    drafts.publish_draft(owner.site, "minor", None, actor)
    monkeypatch.setattr(drafts, "current_draft", lambda site_id: stale)  # read before it
    with pytest.raises(Conflict):
        drafts.save_draft(owner.site, {**document, "policy_url": "https://x.example/"}, actor)
    db.session.rollback()
    version = db.session.scalar(db.select(BannerVersion).filter_by(site_id=owner.site.id,
                                                                    number=2))
    assert version.status == "published" and version.document["policy_url"] != \
        "https://x.example/"


def test_two_first_saves_at_once_leave_one_draft(owner, document, monkeypatch):
    actor = Actor(owner.merchant.id, "test")
    drafts.get_draft(owner.site)  # made by the other request
    real, calls = drafts.current_draft, []

    def looked_before_it_was_made(site_id):
        calls.append(site_id)
        return None if len(calls) == 1 else real(site_id)
    monkeypatch.setattr(drafts, "current_draft", looked_before_it_was_made)
    document["texts"]["en"]["title"] = "Mine"
    saved = drafts.save_draft(owner.site, document, actor)
    assert saved.number == 2 and saved.document["texts"]["en"]["title"] == "Mine"
    assert db.session.scalar(db.select(db.func.count()).select_from(BannerVersion)
                             .filter_by(site_id=owner.site.id, status="draft")) == 1
