"""API keys in the dashboard: a new key is shown once and only its hash is kept, a revoked
key stops at once, another merchant's key is not found, forms need their CSRF token."""
import re

import pytest

from banner.extensions import db
from banner.models import ApiKey, AuditEvent
from banner.services.api_keys import create_api_key, hash_key

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
NEW_KEY = re.compile(r'id="new-key"[^>]*value="(cb_[^"]+)"')
PASSWORD = "keys-pass-2026"


def csrf(client, path="/dashboard/login") -> str:
    return TOKEN.search(client.get(path).get_data(as_text=True)).group(1)


@pytest.fixture
def merchant(client, make_merchant):
    """A merchant (dashboard in English), signed in."""
    merchant = make_merchant(password=PASSWORD)
    merchant.language = "en"
    db.session.commit()
    response = client.post("/dashboard/login", data={
        "email": merchant.email, "password": PASSWORD, "csrf_token": csrf(client)})
    assert response.status_code == 302
    return merchant


def create(client, name="Accounting export", scopes=("sites:read", "proof:read")):
    return client.post("/dashboard/keys", data={
        "name": name, "scopes": list(scopes), "csrf_token": csrf(client, "/dashboard/keys")})


def test_a_new_key_is_shown_once_and_only_its_hash_is_kept(client, merchant):
    response = create(client)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    key = NEW_KEY.search(html).group(1)
    assert 'data-copy="#new-key"' in html
    row = db.session.scalars(db.select(ApiKey)).one()
    assert row.key_hash == hash_key(key) and key.startswith(f"cb_{row.prefix}_")
    assert key not in repr([getattr(row, c.name) for c in ApiKey.__table__.columns])
    assert (row.name, row.scopes, row.merchant_id) == ("Accounting export",
                                                       ["sites:read", "proof:read"], merchant.id)
    again = client.get("/dashboard/keys").get_data(as_text=True)
    assert key not in again and f"cb_{row.prefix}_" in again and "Accounting export" in again
    assert client.get("/v1/admin/sites", headers={"Authorization": f"Bearer {key}"}) \
        .status_code == 200
    event = db.session.scalars(db.select(AuditEvent).filter_by(action="key.created")).one()
    assert event.actor == merchant.email and event.details["prefix"] == row.prefix


def test_the_same_form_sent_twice_creates_one_key_and_shows_none(client, merchant):
    page = client.get("/dashboard/keys").get_data(as_text=True)
    once = re.search(r'name="once"[^>]*value="([^"]+)"', page).group(1)
    data = {"name": "Once", "scopes": ["publish"], "once": once,
            "csrf_token": TOKEN.search(page).group(1)}
    assert NEW_KEY.search(client.post("/dashboard/keys", data=data).get_data(as_text=True))
    again = client.post("/dashboard/keys", data=data)  # a reload of the answer re-posts it
    assert again.status_code == 302 and again.location == "/dashboard/keys"
    listing = client.get("/dashboard/keys").get_data(as_text=True)
    assert "already sent" in listing and 'id="new-key"' not in listing
    assert db.session.scalar(db.select(db.func.count()).select_from(ApiKey)) == 1


def test_a_key_without_scopes_or_name_is_refused_at_the_fields(client, merchant, row_counts):
    before = row_counts()
    response = create(client, name="Kept name", scopes=())
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="scopes-error"' in html and "Choose at least one thing the key may do." in html
    assert 'value="Kept name"' in html and 'id="new-key"' not in html
    nameless = create(client, name="  ", scopes=("publish",))
    assert nameless.status_code == 422 and 'id="name-error"' in nameless.get_data(as_text=True)
    unknown = create(client, scopes=("sites:read", "root"))
    assert unknown.status_code == 422
    assert row_counts() == before


def test_a_form_posted_without_its_csrf_token_is_refused(client, merchant, row_counts):
    key = create(client)
    before = row_counts()
    response = client.post("/dashboard/keys", data={"name": "Sneaky", "scopes": ["erase"]})
    assert response.status_code == 400 and 'id="new-key"' not in response.get_data(as_text=True)
    row = db.session.scalars(db.select(ApiKey)).one()
    assert client.post(f"/dashboard/keys/{row.id}/revoke").status_code == 400
    assert row_counts() == before
    assert key.status_code == 200


def test_a_revoked_key_is_refused_by_the_api_at_once(client, merchant):
    key = NEW_KEY.search(create(client).get_data(as_text=True)).group(1)
    headers = {"Authorization": f"Bearer {key}"}
    assert client.get("/v1/admin/sites", headers=headers).status_code == 200
    row = db.session.scalars(db.select(ApiKey)).one()
    response = client.post(f"/dashboard/keys/{row.id}/revoke",
                           data={"csrf_token": csrf(client, "/dashboard/keys")})
    assert response.status_code == 302 and response.location == "/dashboard/keys"
    assert client.get("/v1/admin/sites", headers=headers).status_code == 401
    listing = client.get("/dashboard/keys").get_data(as_text=True)
    assert f"The key {row.prefix} is revoked" in listing and "Revoked" in listing
    event = db.session.scalars(db.select(AuditEvent).filter_by(action="key.revoked")).one()
    assert event.actor == merchant.email


def test_another_merchants_key_is_not_found_and_not_listed(client, merchant, make_merchant,
                                                           row_counts):
    other = make_merchant()
    theirs, key = create_api_key(other.id, ["sites:read"], name="Their key")
    token = csrf(client, "/dashboard/keys")
    assert "Their key" not in client.get("/dashboard/keys").get_data(as_text=True)
    before = row_counts()
    for key_id in (theirs.id, 999_999, 2**40):
        assert client.post(f"/dashboard/keys/{key_id}/revoke",
                           data={"csrf_token": token}).status_code == 404
    assert row_counts() == before
    assert client.get("/v1/admin/sites", headers={"Authorization": f"Bearer {key}"}) \
        .status_code == 200


def test_the_keys_page_needs_a_signed_in_merchant(client):
    assert client.get("/dashboard/keys").status_code == 302
    assert client.post("/dashboard/keys/1/revoke").status_code == 302
