"""Sites through the merchant API: list, create, read, update, and every refusal."""
import pytest

from banner.extensions import db
from banner.models import AuditEvent, Site


def test_list_shows_only_the_callers_sites(client, owner, make_owner):
    make_owner()  # another merchant's site
    body = client.get("/v1/admin/sites", headers=owner.headers).json
    assert [s["site_key"] for s in body["items"]] == [owner.site.site_key]
    assert body["next"] is None


def test_list_pages_with_a_cursor(client, owner, make_site):
    for n in range(4):
        make_site(merchant=owner.merchant, name=f"Store {n}")
    first = client.get("/v1/admin/sites?limit=3", headers=owner.headers).json
    second = client.get(f"/v1/admin/sites?limit=3&cursor={first['next']}",
                        headers=owner.headers).json
    names = [s["name"] for s in first["items"] + second["items"]]
    assert len(names) == 5 and len(set(s["id"] for s in first["items"] + second["items"])) == 5
    assert second["next"] is None


def test_a_cursor_that_was_never_given_is_422(client, owner):
    response = client.get("/v1/admin/sites?cursor=bm90LWEtY3Vyc29y", headers=owner.headers)
    assert response.status_code == 422 and "cursor" in response.json["errors"]


def test_create_returns_the_new_site_key_and_logs_it(client, owner):
    response = client.post("/v1/admin/sites", headers=owner.headers, json={
        "name": "New store", "allowed_origins": ["HTTPS://Shop.Example:443/", "https://b.example"],
        "platform": "salla", "time_zone": "Asia/Dubai"})
    assert response.status_code == 201, response.json
    body = response.json
    assert body["site_key"] and body["allowed_origins"] == ["https://b.example",
                                                             "https://shop.example"]
    assert (body["platform"], body["time_zone"], body["ip_mode"]) == ("salla", "Asia/Dubai",
                                                                       "truncate")
    event = db.session.scalars(db.select(AuditEvent).filter_by(action="site.created")
                               .order_by(AuditEvent.id.desc())).first()
    assert event.site_id == body["id"] and event.actor.startswith("key ")


def test_update_normalises_origins_and_logs_the_fields(client, owner):
    response = client.patch(owner.base, headers=owner.headers, json={
        "allowed_origins": ["https://NEW.example/"], "retention_days": 400,
        "time_zone": "Europe/London", "ip_mode": "none"})
    assert response.status_code == 200, response.json
    assert response.json["allowed_origins"] == ["https://new.example"]
    assert response.json["retention_days"] == 400
    event = db.session.scalars(db.select(AuditEvent).filter_by(action="site.updated")).one()
    assert event.details["fields"] == ["allowed_origins", "ip_mode", "retention_days",
                                       "time_zone"]


def test_new_origins_are_allowed_at_once_by_the_public_api(client, owner):
    client.get(f"/v1/sites/{owner.site.site_key}/banner")  # warm the site cache
    client.patch(owner.base, headers=owner.headers, json={"allowed_origins": ["https://x.example"]})
    response = client.options(f"/v1/sites/{owner.site.site_key}/consents",
                              headers={"Origin": "https://x.example"})
    assert response.headers.get("Access-Control-Allow-Origin") == "https://x.example"


@pytest.mark.parametrize("changes, field", [
    ({"allowed_origins": ["javascript:alert(1)"]}, "allowed_origins"),
    ({"allowed_origins": ["https://user:pw@shop.example"]}, "allowed_origins"),
    ({"allowed_origins": ["https://shop.example/path"]}, "allowed_origins"),
    ({"allowed_origins": "https://shop.example"}, "allowed_origins"),
    ({"time_zone": "Mars/Olympus"}, "time_zone"),
    ({"time_zone": "../../etc/passwd"}, "time_zone"),
    ({"retention_days": 0}, "retention_days"),
    ({"retention_days": True}, "retention_days"),
    ({"platform": "wix"}, "platform"),
    ({"ip_mode": "raw"}, "ip_mode"),
    ({"default_language": "arabic"}, "default_language"),
    ({"default_language": "ar\n"}, "default_language"),
    ({"name": ""}, "name"),
    ({"site_key": "new-key"}, "site_key"),
    ({"ip_salt": "00"}, "ip_salt"),
])
def test_invalid_settings_are_422_naming_the_field_and_change_nothing(
        client, owner, row_counts, changes, field):
    before = row_counts()
    response = client.patch(owner.base, headers=owner.headers, json=changes)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]
    assert row_counts() == before
    db.session.refresh(owner.site)
    assert owner.site.allowed_origins == ["https://store.example"]
    assert owner.site.time_zone == "Asia/Riyadh" and owner.site.retention_days == 5 * 365


def test_a_taken_site_key_is_409_and_nothing_written(client, owner, row_counts):
    before = row_counts()
    response = client.post("/v1/admin/sites", headers=owner.headers, json={
        "name": "Copy", "allowed_origins": [], "site_key": owner.site.site_key})
    assert response.status_code == 409 and response.json["name"] == "Conflict"
    assert row_counts() == before


def test_creating_needs_the_write_scope(client, make_owner, row_counts):
    reader = make_owner(scopes=["sites:read"])
    before = row_counts()
    response = client.post("/v1/admin/sites", headers=reader.headers,
                           json={"name": "S", "allowed_origins": []})
    assert response.status_code == 403 and response.json["errors"] == {"scope": ["sites:write"]}
    assert row_counts() == before
    assert db.session.scalar(db.select(db.func.count()).select_from(Site)) == 1
