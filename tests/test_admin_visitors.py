"""Proof of one visitor's consent and erasure through the merchant API."""
import hashlib
import hmac
import uuid
from collections import Counter

import pytest
import sqlalchemy as sa

from banner.extensions import db
from banner.models import (AuditEvent, BannerVersion, ConsentRecord, ErasedDecisions,
                           ErasureReceipt, VisitorConsent)
from banner.services.versions import publish

from tests.helpers import ALL, IPHONE, NONE, consent, post_consent

ERROR_KEYS = {"code", "name", "description", "errors"}


def refused(response, code: int) -> dict:
    assert response.status_code == code, response.json
    assert set(response.json) == ERROR_KEYS and response.json["code"] == code
    return response.json


def decide(client, site, visitor, **overrides):
    """Record a decision through the public API, as the snippet would."""
    response = post_consent(client, site.site_key, consent(visitor_id=str(visitor), **overrides),
                            remote_addr="203.0.113.77", **{"User-Agent": IPHONE})
    assert response.status_code == 201, response.json


def proof_path(owner, visitor) -> str:
    return f"{owner.base}/visitors/{visitor}"


def key_prefix(owner) -> str:
    return owner.headers["Authorization"].split("_")[1]


def test_proof_shows_every_record_with_the_exact_version_in_its_language(client, owner):
    visitor = uuid.uuid4()
    decide(client, owner.site, visitor, action="accept_all", choices=ALL, language="ar",
           page="https://store.example/cart?email=a@b.example", age_confirmed=True,
           client_time="2024-05-01T10:00:00+03:00")
    decide(client, owner.site, visitor, action="reject_all", choices=NONE, language="en",
           source="preferences")
    response = client.get(proof_path(owner, visitor), headers=owner.headers)
    assert response.status_code == 200, response.json
    body = response.json
    version = db.session.scalars(db.select(BannerVersion).filter_by(site_id=owner.site.id)).one()
    assert (body["visitor_id"], body["site_key"]) == (str(visitor), owner.site.site_key)
    first, second = body["records"]
    assert [first["action"], second["action"]] == ["accept_all", "reject_all"]
    assert first["choices"] == ALL and second["choices"] == NONE
    assert (first["language"], first["source"], second["source"]) == ("ar", "banner",
                                                                      "preferences")
    assert first["page_url"] == "https://store.example/cart"
    assert first["client_time"] == "2024-05-01T07:00:00Z" and second["client_time"] is None
    assert (first["age_confirmed"], first["gpc"]) == (True, False)
    assert (first["device_type"], first["os_family"]) == ("mobile", "iOS")
    assert first["ip"] == "203.0.113.0"  # as stored: truncated
    # No country header configured: the version's default mode applied.
    assert first["policy"] == {"mode": "opt_in", "country": None, "rule": None,
                               "countries": None}
    assert second["prev_hash"] == first["record_hash"] and first["prev_hash"] is None
    shown = first["version"]
    assert shown["number"] == 1 and shown["content_hash"] == version.content_hash
    assert shown["change_kind"] == "material" and shown["vendors"] == []
    assert shown["texts"] == version.document["texts"]["ar"]
    assert shown["texts"]["categories"]["analytics"]["label"] == \
        version.document["texts"]["ar"]["categories"]["analytics"]["label"]
    assert second["version"]["texts"]["title"] == version.document["texts"]["en"]["title"]
    assert body["chain"] == {"status": "verified", "verified": True, "records": 2,
                             "unchained": 0, "starts_after_purge": False, "problem": None}
    state = client.get(f"/v1/sites/{owner.site.site_key}/consents/{visitor}").json
    assert body["current"] == {key: state[key] for key in ("choices", "version", "updated_at",
                                                           "expires_at", "valid")}
    assert body["current"]["choices"] == NONE and body["current"]["valid"] is True


def test_proof_keeps_records_of_an_older_version(client, owner, document):
    visitor = uuid.uuid4()
    decide(client, owner.site, visitor)
    document["texts"]["en"]["title"] = "Cookies, again"
    publish(owner.site, document)
    decide(client, owner.site, visitor, version=2, language="en")
    records = client.get(proof_path(owner, visitor), headers=owner.headers).json["records"]
    assert [r["version"]["number"] for r in records] == [1, 2]
    assert records[0]["version"]["content_hash"] != records[1]["version"]["content_hash"]
    assert records[1]["version"]["texts"]["title"] == "Cookies, again"


def test_proof_of_a_visitor_of_another_site_is_404(client, owner, make_site, make_owner,
                                                   row_counts):
    visitor = uuid.uuid4()
    decide(client, make_site(merchant=owner.merchant), visitor)  # the owner's other site
    decide(client, make_owner().site, visitor)  # another merchant's site
    before = row_counts()
    refused(client.get(proof_path(owner, visitor), headers=owner.headers), 404)
    assert row_counts() == before


def test_proof_on_another_merchants_site_is_404(client, owner, make_owner):
    other = make_owner()
    visitor = uuid.uuid4()
    decide(client, other.site, visitor)
    refused(client.get(proof_path(other, visitor), headers=owner.headers), 404)


@pytest.mark.parametrize("method", ["get", "delete"])
def test_unknown_visitor_is_404_and_a_malformed_id_422(client, owner, row_counts, method):
    before = row_counts()
    call = getattr(client, method)
    refused(call(proof_path(owner, uuid.uuid4()), headers=owner.headers), 404)
    body = refused(call(proof_path(owner, "not-a-uuid"), headers=owner.headers), 422)
    assert "visitor_id" in body["errors"]
    assert row_counts() == before


@pytest.mark.parametrize("method, scope", [("get", "proof:read"), ("delete", "erase")])
def test_proof_and_erasure_need_their_scope(client, make_owner, row_counts, method, scope):
    owner = make_owner(scopes=["sites:read", "proof:read" if scope == "erase" else "erase"])
    visitor = uuid.uuid4()
    decide(client, owner.site, visitor)
    before = row_counts()
    body = refused(getattr(client, method)(proof_path(owner, visitor), headers=owner.headers), 403)
    assert body["errors"] == {"scope": [scope]}
    assert row_counts() == before


def per_action(site_id: int) -> Counter:
    """Decisions per action: the records that remain plus the erased counts."""
    totals = Counter(dict(db.session.execute(
        db.select(ConsentRecord.action, sa.func.count()).where(ConsentRecord.site_id == site_id)
        .group_by(ConsentRecord.action)).all()))
    totals.update(dict(db.session.execute(
        db.select(ErasedDecisions.action, sa.func.sum(ErasedDecisions.count))
        .where(ErasedDecisions.site_id == site_id).group_by(ErasedDecisions.action)).all()))
    return totals


def rows_naming(visitor: uuid.UUID) -> list[str]:
    """Tables with a row holding the visitor id in any form."""
    forms = (str(visitor), visitor.hex)
    found = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(sa.select(table)):
            if any(form in str(value) for value in row for form in forms):
                found.append(table.name)
    return found


def test_erasure_removes_the_visitor_everywhere_and_keeps_the_counts(client, owner):
    visitor, other = uuid.uuid4(), uuid.uuid4()
    decide(client, owner.site, visitor, action="accept_all", choices=ALL)
    decide(client, owner.site, visitor, action="custom")
    decide(client, owner.site, visitor, action="reject_all", choices=NONE, language="en")
    decide(client, owner.site, other, action="accept_all", choices=ALL)
    others_before = client.get(proof_path(owner, other), headers=owner.headers).json
    totals = per_action(owner.site.id)
    assert sorted(rows_naming(visitor)) == ["consent_record"] * 3 + ["visitor_consent"]

    response = client.delete(proof_path(owner, visitor), headers=owner.headers)
    assert response.status_code == 200, response.json
    receipt = response.json
    expected_hash = hmac.new(owner.site.ip_salt.encode(), visitor.bytes,
                             hashlib.sha256).hexdigest()
    assert receipt["records_removed"] == 3 and receipt["visitor_hash"] == expected_hash
    assert receipt["site_key"] == owner.site.site_key and receipt["erased_at"].endswith("Z")
    refused(client.get(f"/v1/sites/{owner.site.site_key}/consents/{visitor}"), 404)
    refused(client.get(proof_path(owner, visitor), headers=owner.headers), 404)
    assert rows_naming(visitor) == []
    assert client.get(proof_path(owner, other), headers=owner.headers).json == others_before
    assert per_action(owner.site.id) == totals
    stored = db.session.get(ErasureReceipt, receipt["id"])
    assert (stored.site_id, stored.records_removed, stored.visitor_hash) == (
        owner.site.id, 3, expected_hash)
    assert stored.actor == f"key {key_prefix(owner)}"
    event = db.session.scalars(db.select(AuditEvent).filter_by(action="visitor.erased")).one()
    assert event.site_id == owner.site.id and event.actor == stored.actor
    assert event.details["records_removed"] == 3
    assert event.details["visitor_hash"] == expected_hash


def test_erased_decisions_of_the_same_segment_add_up(client, owner):
    visitors = [uuid.uuid4() for _ in range(3)]
    for visitor in visitors:
        decide(client, owner.site, visitor, action="reject_all", choices=NONE)
    for visitor in visitors:
        assert client.delete(proof_path(owner, visitor), headers=owner.headers).status_code == 200
    row = db.session.scalars(db.select(ErasedDecisions)).one()
    assert (row.count, row.action, row.device_type, row.language) == (3, "reject_all",
                                                                      "mobile", "ar")
    assert not (row.functional or row.analytics or row.advertising)


def test_the_visitor_hash_is_stable_per_site_and_differs_across_sites(client, owner,
                                                                      make_site):
    second_site = make_site(merchant=owner.merchant)
    visitor = uuid.uuid4()
    hashes = []
    for site in (owner.site, owner.site, second_site):
        decide(client, site, visitor)
        response = client.delete(f"/v1/admin/sites/{site.id}/visitors/{visitor}",
                                 headers=owner.headers)
        hashes.append(response.json["visitor_hash"])
    assert hashes[0] == hashes[1] != hashes[2]


def test_erasing_twice_is_404_and_writes_nothing(client, owner, row_counts):
    visitor = uuid.uuid4()
    decide(client, owner.site, visitor)
    assert client.delete(proof_path(owner, visitor), headers=owner.headers).status_code == 200
    before = row_counts()
    refused(client.delete(proof_path(owner, visitor), headers=owner.headers), 404)
    assert row_counts() == before


def test_erasure_on_another_merchants_site_is_404_and_keeps_their_records(
        client, owner, make_owner, row_counts):
    other = make_owner()
    visitor = uuid.uuid4()
    decide(client, other.site, visitor)
    decide(client, owner.site, visitor)
    before = row_counts()
    refused(client.delete(proof_path(other, visitor), headers=owner.headers), 404)
    assert row_counts() == before
    assert db.session.get(VisitorConsent, (other.site.id, visitor)) is not None


def test_records_without_a_device_are_counted_as_unknown(client, owner):
    visitor = uuid.uuid4()
    decide(client, owner.site, visitor)
    db.session.execute(sa.update(ConsentRecord).values(device_type=None))
    db.session.commit()
    assert client.delete(proof_path(owner, visitor), headers=owner.headers).status_code == 200
    assert db.session.scalars(db.select(ErasedDecisions.device_type)).one() == "unknown"
