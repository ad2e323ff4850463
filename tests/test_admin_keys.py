"""API keys through the merchant API: created once, listed by prefix, revoked at once."""
import hashlib
from datetime import timedelta

import pytest
import sqlalchemy as sa

from banner.extensions import db
from banner.models import SCOPES, ApiKey

ERROR_KEYS = {"code", "name", "description", "errors"}


def refused(response, code: int) -> dict:
    assert response.status_code == code, response.json
    assert set(response.json) == ERROR_KEYS and response.json["code"] == code
    return response.json


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def key_of(headers: dict) -> ApiKey:
    prefix = headers["Authorization"].split("_")[1]
    return db.session.scalars(db.select(ApiKey).filter_by(prefix=prefix)).one()


def test_a_new_key_is_shown_once_and_works_for_its_scopes(client, owner):
    response = client.post("/v1/admin/api-keys", headers=owner.headers,
                           json={"scopes": ["sites:read"], "name": " Reports "})
    assert response.status_code == 201, response.json
    created = response.json
    assert created["key"].startswith(f"cb_{created['prefix']}_")
    assert (created["name"], created["scopes"]) == ("Reports", ["sites:read"])
    assert created["last_used_at"] is None and created["revoked_at"] is None
    listed = client.get("/v1/admin/api-keys", headers=owner.headers).json
    assert listed["next"] is None
    assert [item["prefix"] for item in listed["items"]] == [created["prefix"],
                                                             key_of(owner.headers).prefix]
    assert all("key" not in item for item in listed["items"])
    assert client.get("/v1/admin/sites", headers=bearer(created["key"])).status_code == 200
    refused(client.post("/v1/admin/sites", headers=bearer(created["key"]),
                        json={"name": "S", "allowed_origins": []}), 403)


def test_the_key_itself_is_stored_nowhere_only_its_hash(client, owner):
    key = client.post("/v1/admin/api-keys", headers=owner.headers,
                      json={"scopes": ["stats:read"]}).json["key"]
    db.session.rollback()
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(sa.select(table)):
            assert not any(key in str(value) for value in row), table.name
    assert key_of(bearer(key)).key_hash == hashlib.sha256(key.encode()).hexdigest()


def test_the_list_shows_only_the_callers_keys_page_by_page(client, owner, make_owner, make_key):
    make_owner()  # another merchant and its key
    for _ in range(2):
        make_key(owner.merchant, ["sites:read"])
    first = client.get("/v1/admin/api-keys?limit=2", headers=owner.headers).json
    second = client.get(f"/v1/admin/api-keys?limit=2&cursor={first['next']}",
                        headers=owner.headers).json
    ids = [item["id"] for item in first["items"] + second["items"]]
    assert len(ids) == 3 and ids == sorted(ids, reverse=True) and second["next"] is None


def test_a_key_cannot_grant_scopes_it_lacks(client, make_owner, row_counts):
    owner = make_owner(scopes=["keys:manage", "sites:read"])
    before = row_counts()
    body = refused(client.post("/v1/admin/api-keys", headers=owner.headers,
                               json={"scopes": ["sites:read", "erase"]}), 403)
    assert "scopes" in body["errors"]
    assert row_counts() == before


@pytest.mark.parametrize("body", [
    {"scopes": []},
    {"scopes": ["root"]},
    {"scopes": ["sites:read", "sites:*"]},
    {"scopes": "sites:read"},
    {},
    {"scopes": ["sites:read"], "name": ""},
    {"scopes": ["sites:read"], "name": "x" * 81},
    {"scopes": ["sites:read"], "owner": 1},
])
def test_invalid_key_requests_are_422_and_write_nothing(client, owner, row_counts, body):
    before = row_counts()
    refused(client.post("/v1/admin/api-keys", headers=owner.headers, json=body), 422)
    assert row_counts() == before


def test_a_revoked_key_is_refused_on_its_very_next_request(client, owner, make_key):
    other = make_key(owner.merchant, ["sites:read"])
    assert client.get("/v1/admin/sites", headers=other).status_code == 200
    response = client.delete(f"/v1/admin/api-keys/{key_of(other).id}", headers=owner.headers)
    assert response.status_code == 204 and response.data == b""
    refused(client.get("/v1/admin/sites", headers=other), 401)
    listed = client.get("/v1/admin/api-keys", headers=owner.headers).json["items"]
    assert [item["revoked_at"] is not None for item in listed] == [True, False]


def test_the_key_in_use_may_revoke_itself(client, owner):
    own = key_of(owner.headers)
    assert client.delete(f"/v1/admin/api-keys/{own.id}", headers=owner.headers).status_code == 204
    refused(client.get("/v1/admin/sites", headers=owner.headers), 401)


@pytest.mark.parametrize("key_id", ["other", 999999, 2**40])
def test_revoking_a_key_that_is_not_the_callers_is_404(client, owner, make_owner, row_counts,
                                                        key_id):
    other = make_owner()
    if key_id == "other":
        key_id = key_of(other.headers).id
    before = row_counts()
    refused(client.delete(f"/v1/admin/api-keys/{key_id}", headers=owner.headers), 404)
    assert row_counts() == before
    assert client.get("/v1/admin/sites", headers=other.headers).status_code == 200


def test_last_used_is_written_at_most_once_a_minute(client, owner):
    client.get("/v1/admin/sites", headers=owner.headers)
    first = key_of(owner.headers).last_used_at
    client.get("/v1/admin/sites", headers=owner.headers)
    db.session.rollback()
    assert first is not None and key_of(owner.headers).last_used_at == first
    key_of(owner.headers).last_used_at = first - timedelta(minutes=2)
    db.session.commit()
    client.get("/v1/admin/sites", headers=owner.headers)
    db.session.rollback()
    assert key_of(owner.headers).last_used_at > first


def _revoked(owner, client):
    client.delete(f"/v1/admin/api-keys/{key_of(owner.headers).id}", headers=owner.headers)
    return owner.headers


@pytest.mark.parametrize("headers", [
    lambda owner, client: {},
    lambda owner, client: {"Authorization": "Bearer"},
    lambda owner, client: {"Authorization": "Bearer not-a-key"},
    lambda owner, client: {"Authorization": owner.headers["Authorization"].replace("Bearer",
                                                                                   "Basic")},
    lambda owner, client: {"Authorization": owner.headers["Authorization"][:-4] + "AAAA"},
    lambda owner, client: bearer("cb_00000000_" + "A" * 43),
    _revoked,
], ids=["missing", "empty", "malformed", "other scheme", "wrong", "unknown prefix", "revoked"])
def test_a_missing_or_bad_key_is_401_with_a_bearer_challenge(client, owner, row_counts,
                                                             headers):
    headers = headers(owner, client)
    before = row_counts()
    for method, path in [("get", "/v1/admin/api-keys"), ("post", "/v1/admin/api-keys"),
                         ("delete", f"/v1/admin/api-keys/{key_of(owner.headers).id}")]:
        response = getattr(client, method)(path, headers=headers, json={"scopes": list(SCOPES)})
        refused(response, 401)
        assert response.headers["WWW-Authenticate"] == "Bearer"
    assert row_counts() == before


@pytest.mark.parametrize("method, path", [("get", "/v1/admin/api-keys"),
                                          ("post", "/v1/admin/api-keys"),
                                          ("delete", "/v1/admin/api-keys/1")])
def test_managing_keys_needs_the_keys_scope(client, make_owner, row_counts, method, path):
    owner = make_owner(scopes=[scope for scope in SCOPES if scope != "keys:manage"])
    before = row_counts()
    response = getattr(client, method)(path, headers=owner.headers, json={"scopes": ["erase"]})
    assert refused(response, 403)["errors"] == {"scope": ["keys:manage"]}
    assert row_counts() == before
