"""The audit log through the merchant API: who changed what and when, read-only."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from banner.models import SCOPES
from tests.helpers import consent, post_consent

ERROR_KEYS = {"code", "name", "description", "errors"}


def refused(response, code: int) -> dict:
    assert response.status_code == code, response.json
    assert set(response.json) == ERROR_KEYS and response.json["code"] == code
    return response.json


def key_label(owner) -> str:
    return "key " + owner.headers["Authorization"].split("_")[1]


def events(client, owner, query="") -> dict:
    response = client.get(f"/v1/admin/audit{query}", headers=owner.headers)
    assert response.status_code == 200, response.json
    return response.json


def test_every_change_made_through_the_api_is_logged_with_who_and_when(client, owner):
    start = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
    created = client.post("/v1/admin/api-keys", headers=owner.headers,
                          json={"scopes": ["sites:read"]}).json
    client.delete(f"/v1/admin/api-keys/{created['id']}", headers=owner.headers)
    site = client.post("/v1/admin/sites", headers=owner.headers,
                       json={"name": "Second", "allowed_origins": []}).json
    client.patch(f"/v1/admin/sites/{site['id']}", headers=owner.headers, json={"name": "Two"})
    visitor = str(uuid.uuid4())
    post_consent(client, owner.site.site_key, consent(visitor_id=visitor))
    receipt = client.delete(f"{owner.base}/visitors/{visitor}", headers=owner.headers).json

    items = events(client, owner)["items"]
    assert [(e["action"], e["site_id"]) for e in items[:5]] == [
        ("visitor.erased", owner.site.id), ("site.updated", site["id"]),
        ("site.created", site["id"]), ("key.revoked", None), ("key.created", None)]
    for event in items[:5]:
        assert event["actor"] == key_label(owner)
        when = datetime.fromisoformat(event["created_at"].removesuffix("Z"))
        assert start <= when <= start + timedelta(minutes=1)
    erased, updated, _, revoked, made = items[:5]
    assert made["details"] == {"prefix": created["prefix"], "scopes": ["sites:read"]}
    assert revoked["details"] == {"prefix": created["prefix"]}
    assert updated["details"] == {"fields": ["name"]}
    assert erased["details"]["visitor_hash"] == receipt["visitor_hash"]
    assert erased["details"]["records_removed"] == 1
    assert visitor not in str(items) and uuid.UUID(visitor).hex not in str(items)
    ids = [e["id"] for e in items]
    assert ids == sorted(ids, reverse=True)


def test_a_merchant_sees_only_its_own_events(client, owner, make_owner):
    other = make_owner()
    client.patch(other.base, headers=other.headers, json={"name": "Theirs"})
    client.patch(owner.base, headers=owner.headers, json={"name": "Ours"})
    ours = events(client, owner)["items"]
    theirs = events(client, other)["items"]
    assert {e["site_id"] for e in ours} == {owner.site.id, None}
    assert {e["site_id"] for e in theirs} == {other.site.id, None}
    assert not {e["id"] for e in ours} & {e["id"] for e in theirs}
    assert ("site.updated", key_label(owner)) in [(e["action"], e["actor"]) for e in ours]


def test_the_log_pages_with_a_cursor(client, owner):
    for n in range(4):
        client.patch(owner.base, headers=owner.headers, json={"name": f"Store {n}"})
    page, pages = events(client, owner, "?limit=2"), []
    pages.append(page["items"])
    while page["next"]:
        page = events(client, owner, f"?limit=2&cursor={page['next']}")
        pages.append(page["items"])
    everything = events(client, owner)["items"]
    assert len(everything) >= 6 and len(pages) == (len(everything) + 1) // 2
    assert [event for items in pages for event in items] == everything


@pytest.mark.parametrize("query, field", [("?limit=0", "limit"), ("?limit=201", "limit"),
                                          ("?cursor=bm9wZQ", "cursor"), ("?limit=x", "limit")])
def test_bad_page_parameters_are_422(client, owner, row_counts, query, field):
    before = row_counts()
    assert field in refused(client.get(f"/v1/admin/audit{query}", headers=owner.headers),
                            422)["errors"]
    assert row_counts() == before


@pytest.mark.parametrize("method", ["put", "patch", "delete", "post"])
def test_events_cannot_be_changed_or_added(client, owner, row_counts, method):
    event_id = events(client, owner)["items"][0]["id"]
    before = row_counts()
    for path in ("/v1/admin/audit", f"/v1/admin/audit/{event_id}"):
        response = getattr(client, method)(path, headers=owner.headers,
                                           json={"action": "site.created"})
        refused(response, 404 if path.endswith(str(event_id)) else 405)
    assert row_counts() == before


def test_reading_the_log_needs_the_sites_read_scope(client, make_owner, row_counts):
    owner = make_owner(scopes=[scope for scope in SCOPES if scope != "sites:read"])
    before = row_counts()
    assert refused(client.get("/v1/admin/audit", headers=owner.headers),
                   403)["errors"] == {"scope": ["sites:read"]}
    assert row_counts() == before
