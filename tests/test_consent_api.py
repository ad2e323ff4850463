import ipaddress
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from banner.extensions import db
from banner.models import ConsentRecord, VisitorConsent
from banner.services.privacy import anonymise_ip
from tests.helpers import ALL, IPHONE, NONE, consent, post_consent


def only_record():
    return db.session.scalars(db.select(ConsentRecord)).one()


@pytest.mark.parametrize("content_type", ["text/plain", "application/json",
                                          "text/plain;charset=UTF-8"])
def test_consent_is_recorded_from_json_and_plain_text(client, site, content_type):
    body = consent()
    response = post_consent(client, "test-store", body, content_type=content_type)
    assert response.status_code == 201
    assert response.json["visitor_id"] == body["visitor_id"]
    assert response.json["version"] == 1
    assert response.json["choices"] == body["choices"]
    assert response.json["expires_at"] > response.json["recorded_at"]
    assert response.headers["Cache-Control"] == "no-store"
    record = only_record()
    assert str(record.id) == response.json["consent_id"]
    assert (record.action, record.language, record.source) == ("custom", "ar", "banner")
    assert (record.necessary, record.functional, record.analytics, record.advertising) == (
        True, False, True, False)


def test_record_keeps_parsed_device_and_page_without_query(client, site):
    post_consent(client, "test-store", consent(
        page="https://store.example/products/phone?email=a@b.c#reviews",
        client_time="2026-11-20T10:00:00+03:00", age_confirmed=True, gpc=True),
        **{"User-Agent": IPHONE})
    record = only_record()
    assert record.page_url == "https://store.example/products/phone"
    assert (record.device_type, record.browser_family, record.os_family) == (
        "mobile", "Mobile Safari", "iOS")
    assert record.client_time.isoformat() == "2026-11-20T07:00:00"
    assert record.age_confirmed is True and record.gpc is True


@pytest.mark.parametrize("ip_mode, remote, stored", [
    ("truncate", "203.0.113.77", "203.0.113.0"),
    ("truncate", "2001:db8:abcd:12:1:2:3:4", "2001:db8:abcd::"),
    ("none", "203.0.113.77", None),
])
def test_ip_is_never_stored_raw(client, make_site, ip_mode, remote, stored):
    make_site(site_key="ipsite", ip_mode=ip_mode)
    client.post("/v1/sites/ipsite/consents", json=consent(), environ_base={"REMOTE_ADDR": remote})
    assert only_record().ip == stored


@given(st.ip_addresses())
def test_truncation_keeps_the_network_and_zeroes_the_host_bits(address):
    prefix = 24 if address.version == 4 else 48
    kept = anonymise_ip(str(address), "truncate", "salt", "secret")
    assert kept == str(ipaddress.ip_network(f"{address}/{prefix}", strict=False).network_address)


def test_hashed_ip_is_keyed_per_site(client, make_site):
    for key in ("hash-one", "hash-two"):
        make_site(site_key=key, ip_mode="hash")
        client.post(f"/v1/sites/{key}/consents", json=consent(),
                    environ_base={"REMOTE_ADDR": "203.0.113.77"})
    hashes = db.session.scalars(db.select(ConsentRecord.ip)).all()
    assert len(set(hashes)) == 2
    assert all(len(h) == 32 and "203.0.113" not in h for h in hashes)


def test_country_comes_only_from_the_configured_proxy_header(app, client, site):
    post_consent(client, "test-store", consent(), **{"CF-IPCountry": "SA"})
    assert only_record().country is None
    app.config["COUNTRY_HEADER"] = "CF-IPCountry"
    try:
        post_consent(client, "test-store", consent(), **{"CF-IPCountry": "sa"})
    finally:
        app.config["COUNTRY_HEADER"] = None
    countries = db.session.scalars(db.select(ConsentRecord.country)).all()
    assert sorted(countries, key=str) == sorted([None, "SA"], key=str)


def test_current_state_follows_the_latest_choice(client, site):
    visitor = str(uuid.uuid4())
    post_consent(client, "test-store", consent(visitor_id=visitor, action="accept_all",
                                               choices=ALL))
    post_consent(client, "test-store", consent(visitor_id=visitor, action="withdraw",
                                               choices=NONE, source="preferences"))
    state = client.get(f"/v1/sites/test-store/consents/{visitor}")
    assert state.status_code == 200
    assert state.json["choices"] == NONE and state.json["valid"] is True
    assert db.session.scalar(db.select(db.func.count()).select_from(ConsentRecord)) == 2
    assert db.session.scalar(db.select(db.func.count()).select_from(VisitorConsent)) == 1


def test_current_state_of_unknown_visitor_is_404(client, site):
    response = client.get(f"/v1/sites/test-store/consents/{uuid.uuid4()}")
    assert response.status_code == 404 and response.json["code"] == 404


def test_state_is_not_valid_after_a_material_change(client, site, document):
    from banner.services.versions import publish
    from banner.vendors import catalogue_vendor
    visitor = str(uuid.uuid4())
    post_consent(client, "test-store", consent(visitor_id=visitor))
    document["vendors"] = [catalogue_vendor("tiktok")]
    publish(site, document)
    assert client.get(f"/v1/sites/test-store/consents/{visitor}").json["valid"] is False


def test_replayed_idempotency_key_returns_the_first_record(client, site, row_counts):
    body = consent(idempotency_key="queued-choice-0001")
    first = post_consent(client, "test-store", body)
    counts = row_counts()
    again = post_consent(client, "test-store", body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json == first.json
    assert row_counts() == counts


def test_age_confirmation_is_required_when_the_site_asks(client, make_site, document,
                                                         row_counts):
    document["behaviour"]["age_confirmation"] = True
    make_site(site_key="adults", document=document)
    before = row_counts()
    refused = post_consent(client, "adults", consent(action="accept_all", choices=ALL))
    assert refused.status_code == 422 and "age_confirmed" in refused.json["errors"]
    assert row_counts() == before
    # Refusing everything needs no age confirmation; granting with it is fine.
    assert post_consent(client, "adults", consent(action="reject_all", choices=NONE)).status_code == 201
    assert post_consent(client, "adults", consent(action="accept_all", choices=ALL,
                                                  age_confirmed=True)).status_code == 201


def test_consent_from_an_allowed_origin_gets_cors_headers(client, site):
    response = post_consent(client, "test-store", consent(), Origin="https://store.example")
    assert response.status_code == 201
    assert response.headers["Access-Control-Allow-Origin"] == "https://store.example"
