"""Publishing the draft, the history of versions and what changed between two of them."""
import copy

import pytest

from banner.documents import default_document, validate_document
from banner.extensions import db
from banner.models import AuditEvent, BannerVersion
from banner.services import drafts
from banner.services.audit import Actor
from banner.services.diff import diff_documents
from banner.services.sites import create_site
from banner.services.versions import material_version_number, publish
from banner.vendors import catalogue_vendor

ERROR_KEYS = {"code", "name", "description", "errors"}


def save(client, owner, document):
    response = client.put(f"{owner.base}/banner/draft", headers=owner.headers, json=document)
    assert response.status_code == 200, response.json
    return response.json


def publish_via_api(client, owner, change="minor", **body):
    return client.post(f"{owner.base}/versions", headers=owner.headers,
                       json={"change": change, **body})


def banner(client, owner, lang="en"):
    return client.get(f"/v1/sites/{owner.site.site_key}/banner?lang={lang}").json


# Publishing

def test_publishing_the_draft_makes_the_next_immutable_version(client, owner, document):
    document["texts"]["en"]["title"] = "Cookies, briefly"
    draft = save(client, owner, document)
    response = publish_via_api(client, owner, note="Shorter title")
    assert response.status_code == 201, response.json
    body = response.json
    assert (body["number"], body["status"], body["change_kind"]) == (2, "published", "minor")
    assert body["change_note"] == "Shorter title" and body["published_at"].endswith("Z")
    assert body["content_hash"] == draft["content_hash"] and body["document"] == draft["document"]
    event = db.session.scalars(db.select(AuditEvent).filter_by(action="version.published")
                               .order_by(AuditEvent.id.desc())).first()
    assert event.details == {"number": 2, "change": "minor"} and event.actor.startswith("key ")
    next_draft = client.get(f"{owner.base}/banner/draft", headers=owner.headers).json
    assert (next_draft["number"], next_draft["based_on"], next_draft["changed"]) == (3, 2, False)


def test_visitors_get_the_new_version_at_once_from_this_worker(client, owner, document):
    assert banner(client, owner)["version"] == 1  # now cached
    document["texts"]["en"]["title"] = "Cookies, briefly"
    save(client, owner, document)
    publish_via_api(client, owner)
    assert banner(client, owner)["texts"]["title"] == "Cookies, briefly"


def test_a_material_publication_asks_every_visitor_again(client, owner, document):
    assert banner(client, owner)["material_version"] == 1
    document["vendors"] = [catalogue_vendor("google-analytics")]
    save(client, owner, document)
    assert publish_via_api(client, owner, "material").status_code == 201
    assert (banner(client, owner)["version"], banner(client, owner)["material_version"]) == (2, 2)
    document["texts"]["en"]["title"] = "Only words changed"
    save(client, owner, document)
    assert publish_via_api(client, owner, "minor").status_code == 201
    assert (banner(client, owner)["version"], banner(client, owner)["material_version"]) == (3, 2)


def test_a_text_change_may_still_be_published_as_material(client, owner, document):
    document["texts"]["en"]["description"] = "We now keep data for longer."
    save(client, owner, document)
    assert publish_via_api(client, owner, "material").json["change_kind"] == "material"
    assert banner(client, owner)["material_version"] == 2


def test_the_first_version_of_a_site_is_published_as_material(client, owner):
    site = create_site(owner.merchant.id, "New", [])
    base = f"/v1/admin/sites/{site.id}"
    client.get(f"{base}/banner/draft", headers=owner.headers)
    refused = client.post(f"{base}/versions", headers=owner.headers, json={"change": "minor"})
    assert refused.status_code == 422 and "first version" in refused.json["errors"]["change"][0]
    published = client.post(f"{base}/versions", headers=owner.headers, json={"change": "material"})
    assert published.status_code == 201 and published.json["number"] == 1
    assert client.get(f"/v1/sites/{site.site_key}/banner").json["material_version"] == 1


# Refusals: each answers in the error shape and writes nothing

def _refused(response, status, before, row_counts):
    assert response.status_code == status, response.json
    assert set(response.json) == ERROR_KEYS and response.json["code"] == status
    assert row_counts() == before
    return response.json


def test_nothing_to_publish_without_a_draft_is_409(client, owner, row_counts):
    before = row_counts()
    body = _refused(publish_via_api(client, owner, "material"), 409, before, row_counts)
    assert body["name"] == "Conflict" and "no draft" in body["description"]


def test_a_draft_equal_to_the_live_version_is_409(client, owner, row_counts):
    client.get(f"{owner.base}/banner/draft", headers=owner.headers)
    before = row_counts()
    body = _refused(publish_via_api(client, owner, "material"), 409, before, row_counts)
    assert "live version" in body["description"]


@pytest.mark.parametrize("change", [
    lambda d: d.update(vendors=[catalogue_vendor("meta")]),
    lambda d: d.update(policy_url="https://example.com/new-privacy"),
    lambda d: d["behaviour"].update(region_rules=[{"countries": ["SA"], "mode": "opt_in"}]),
    lambda d: d["behaviour"].update(default_mode="opt_out"),
])
def test_a_material_change_published_as_minor_is_422_naming_change(
        client, owner, document, row_counts, change):
    change(document)
    draft = save(client, owner, document)
    before = row_counts()
    body = _refused(publish_via_api(client, owner, "minor"), 422, before, row_counts)
    assert "asked again" in body["errors"]["change"][0]
    assert client.get(f"{owner.base}/banner/draft", headers=owner.headers).json == draft
    assert banner(client, owner)["version"] == 1


@pytest.mark.parametrize("body, field", [
    ({}, "change"),
    ({"change": "huge"}, "change"),
    ({"change": None}, "change"),
    ({"change": "minor", "note": "x" * 501}, "note"),
    ({"change": "minor", "note": 5}, "note"),
    ({"change": "minor", "kind": "minor"}, "kind"),
])
def test_an_invalid_publish_request_is_422_naming_the_field(
        client, owner, document, row_counts, body, field):
    document["texts"]["en"]["title"] = "Changed"
    save(client, owner, document)
    before = row_counts()
    response = client.post(f"{owner.base}/versions", headers=owner.headers, json=body)
    assert field in _refused(response, 422, before, row_counts)["errors"]


def test_publishing_needs_the_publish_scope(client, make_owner, document, row_counts):
    editor = make_owner(scopes=["sites:read", "sites:write"])
    document["texts"]["en"]["title"] = "Changed"
    save(client, editor, document)
    before = row_counts()
    body = _refused(publish_via_api(client, editor), 403, before, row_counts)
    assert body["errors"] == {"scope": ["publish"]}


def test_another_merchants_site_is_404_whatever_the_body(client, owner, make_owner, row_counts):
    other = make_owner()
    before = row_counts()
    response = client.post(f"{other.base}/versions", headers=owner.headers, json={"x": 1})
    _refused(response, 404, before, row_counts)
    for path in ("/versions", "/versions/1", "/versions/1/diff/1"):
        _refused(client.get(other.base + path, headers=owner.headers), 404, before, row_counts)


# History

def _publish_titles(site, titles):
    for title in titles:
        document = copy.deepcopy(default_document())
        document["texts"]["en"]["title"] = title
        publish(site, document)


def test_the_history_lists_published_versions_newest_first_in_pages(client, owner):
    _publish_titles(owner.site, ["Two", "Three", "Four"])
    client.get(f"{owner.base}/banner/draft", headers=owner.headers)  # a draft is not history
    first = client.get(f"{owner.base}/versions?limit=3", headers=owner.headers).json
    second = client.get(f"{owner.base}/versions?limit=3&cursor={first['next']}",
                        headers=owner.headers).json
    assert [v["number"] for v in first["items"]] == [4, 3, 2]
    assert [v["number"] for v in second["items"]] == [1] and second["next"] is None
    assert "document" not in first["items"][0]


def test_one_version_comes_with_its_document(client, owner):
    _publish_titles(owner.site, ["Two"])
    body = client.get(f"{owner.base}/versions/2", headers=owner.headers).json
    assert body["number"] == 2 and body["document"]["texts"]["en"]["title"] == "Two"


@pytest.mark.parametrize("number", [2, 99, 2**31, 0])
def test_a_draft_or_unknown_version_number_is_404(client, owner, number, row_counts):
    client.get(f"{owner.base}/banner/draft", headers=owner.headers)  # the draft is number 2
    before = row_counts()
    for path in (f"/versions/{number}", f"/versions/1/diff/{number}",
                 f"/versions/{number}/diff/1"):
        _refused(client.get(owner.base + path, headers=owner.headers), 404, before, row_counts)


def test_the_diff_endpoint_says_what_changed_and_whether_it_is_material(client, owner, document):
    document["texts"]["en"]["title"] = "Cookies, briefly"
    document["vendors"] = [catalogue_vendor("meta")]
    publish(owner.site, document)
    body = client.get(f"{owner.base}/versions/1/diff/2", headers=owner.headers).json
    assert (body["from"], body["to"], body["material"]) == (1, 2, True)
    assert body["texts"] == [{"language": "en", "key": "title",
                              "before": default_document()["texts"]["en"]["title"],
                              "after": "Cookies, briefly"}]
    assert [v["key"] for v in body["vendors"]["added"]] == ["meta"]
    backwards = client.get(f"{owner.base}/versions/2/diff/1", headers=owner.headers).json
    assert [v["key"] for v in backwards["vendors"]["removed"]] == ["meta"]


# diff_documents

def _doc(**changes):
    return validate_document({**copy.deepcopy(default_document()), **changes})


def test_diff_of_equal_documents_is_empty():
    assert diff_documents(_doc(), _doc()) == {
        "material": False, "languages": {"added": [], "removed": []}, "default_language": None,
        "texts": [], "categories": [], "vendors": {"added": [], "removed": [], "changed": []},
        "behaviour": {}, "appearance": {}, "policy_url": None, "contact": {}}


def test_diff_names_texts_and_category_texts_per_language():
    new = _doc()
    new["texts"]["ar"]["accept_all"] = "موافق"
    new["texts"]["en"]["categories"]["analytics"]["label"] = "Statistics"
    diff = diff_documents(_doc(), new)
    assert diff["texts"] == [{"language": "ar", "key": "accept_all",
                              "before": _doc()["texts"]["ar"]["accept_all"], "after": "موافق"}]
    assert diff["categories"] == [{"language": "en", "category": "analytics", "field": "label",
                                   "before": "Analytics", "after": "Statistics"}]
    assert diff["material"] is False


def test_diff_of_vendors_adds_removes_and_changes_by_key():
    old = _doc(vendors=[catalogue_vendor("meta"), catalogue_vendor("tiktok")])
    new = _doc(vendors=[{**catalogue_vendor("meta"), "hosts": ["connect.facebook.net"]},
                        catalogue_vendor("snapchat")])
    vendors = diff_documents(old, new)["vendors"]
    assert [v["key"] for v in vendors["added"]] == ["snapchat"]
    assert [v["key"] for v in vendors["removed"]] == ["tiktok"]
    assert vendors["changed"] == [{"key": "meta", "changes": {"hosts": {
        "before": catalogue_vendor("meta")["hosts"], "after": ["connect.facebook.net"]}}}]
    assert diff_documents(old, new)["material"] is True


def test_diff_of_settings_languages_policy_and_contact():
    old = _doc(contact={"email": "a@shop.example"})
    new = _doc(languages=["ar"], texts={"ar": old["texts"]["ar"]},
               policy_url="https://example.com/v2", contact={"phone": "+966110000000"},
               behaviour={"consent_lifetime_days": 180,
                          "region_rules": [{"countries": ["SA"], "mode": "opt_in"}]},
               appearance={"theme": "dark"})
    diff = diff_documents(old, new)
    assert diff["languages"] == {"added": [], "removed": ["en"]}
    assert {t["language"] for t in diff["texts"]} == {"en"}
    assert all(t["after"] is None for t in diff["texts"] + diff["categories"])
    assert diff["policy_url"] == {"before": "https://example.com/privacy",
                                  "after": "https://example.com/v2"}
    assert diff["contact"] == {"email": {"before": "a@shop.example", "after": None},
                               "phone": {"before": None, "after": "+966110000000"}}
    assert diff["behaviour"] == {
        "consent_lifetime_days": {"before": 365, "after": 180},
        "region_rules": {"before": [], "after": [{"countries": ["SA"], "mode": "opt_in"}]}}
    assert diff["appearance"] == {"theme": {"before": "light", "after": "dark"}}
    assert diff["material"] is True


# publish(), used by commands and seeding, goes through the draft

def test_publish_replaces_an_open_draft_and_keeps_numbers_consecutive(owner, document):
    actor = Actor(owner.merchant.id, "test")
    open_draft = drafts.get_draft(owner.site)
    edited = copy.deepcopy(document)
    edited["texts"]["en"]["title"] = "From the draft"
    drafts.save_draft(owner.site, edited, actor)
    document["texts"]["en"]["title"] = "From a command"
    version = publish(owner.site, document)
    assert version.number == open_draft.number == 2
    assert version.document["texts"]["en"]["title"] == "From a command"
    assert drafts.current_draft(owner.site.id) is None
    numbers = db.session.scalars(db.select(BannerVersion.number)
                                 .filter_by(site_id=owner.site.id)).all()
    assert sorted(numbers) == [1, 2]


def test_publish_decides_the_change_kind_when_not_told(site, document):
    document["vendors"] = [catalogue_vendor("meta")]
    assert publish(site, document).change_kind == "material"
    assert material_version_number(site.id) == 2
