"""Each visitor's records form a hash chain that the proof lookup verifies (issue 10)."""
import hashlib
import threading
import uuid
from datetime import datetime

import pytest
import sqlalchemy as sa

from banner.extensions import db
from banner.models import ConsentRecord
from banner.services import chain
from tests.helpers import ALL, NONE, consent, post_consent

SECRET = "the-visitors-own-secret-0123456789abcdef"


def decide_many(client, visitor: str, count: int, site_key: str = "test-store") -> None:
    for n in range(count):
        action, choices = ("accept_all", ALL) if n % 2 else ("reject_all", NONE)
        body = consent(visitor_id=visitor, action=action, choices=choices, visitor_secret=SECRET)
        assert post_consent(client, site_key, body).status_code == 201


def proof(client, owner, visitor: str) -> dict:
    response = client.get(f"{owner.base}/visitors/{visitor}", headers=owner.headers)
    assert response.status_code == 200, response.json
    return response.json


def test_each_record_chains_to_the_visitors_previous_one(client, site):
    visitor = str(uuid.uuid4())
    decide_many(client, visitor, 3)
    records = db.session.scalars(db.select(ConsentRecord).order_by(ConsentRecord.recorded_at)).all()
    assert records[0].prev_hash is None
    assert [r.prev_hash for r in records[1:]] == [r.record_hash for r in records[:-1]]
    for record in records:
        assert record.record_hash == chain.record_hash(record, record.prev_hash)


def test_the_proof_verifies_an_intact_chain(client, make_owner):
    owner = make_owner()
    visitor = str(uuid.uuid4())
    decide_many(client, visitor, 3, owner.site.site_key)
    assert proof(client, owner, visitor)["chain"] == {
        "status": "verified", "verified": True, "records": 3, "unchained": 0,
        "starts_after_purge": False, "problem": None}


@pytest.mark.parametrize("tamper", ["change", "remove", "reorder"])
def test_a_tampered_record_breaks_the_verification(client, make_owner, tamper):
    owner = make_owner()
    visitor = str(uuid.uuid4())
    decide_many(client, visitor, 3, owner.site.site_key)
    records = db.session.scalars(db.select(ConsentRecord).order_by(ConsentRecord.recorded_at)).all()
    table = ConsentRecord.__table__
    with db.engine.begin() as conn:
        if tamper == "change":  # a rejection rewritten as a grant, straight in the database
            conn.execute(table.update().where(table.c.id == records[0].id).values(
                action="accept_all", functional=True, analytics=True, advertising=True))
        elif tamper == "remove":
            conn.execute(table.delete().where(table.c.id == records[1].id))
        else:  # the first two swap their times: the links still tell the true order
            conn.execute(table.update().where(table.c.id == records[0].id).values(
                prev_hash=records[1].record_hash))
    db.session.expire_all()
    found = proof(client, owner, visitor)["chain"]
    assert found["status"] == "broken" and found["verified"] is False
    assert found["problem"]


def test_records_from_before_chaining_are_reported_not_verified(client, make_owner):
    owner = make_owner()
    visitor = str(uuid.uuid4())
    decide_many(client, visitor, 1, owner.site.site_key)
    table = ConsentRecord.__table__
    with db.engine.begin() as conn:  # as migration 0004 left the older records
        conn.execute(table.update().values(prev_hash=None, record_hash=None))
    db.session.expire_all()
    found = proof(client, owner, visitor)["chain"]
    assert (found["status"], found["verified"], found["unchained"]) == ("not_recorded", None, 1)


def test_concurrent_writes_of_one_visitor_make_one_unbroken_chain(make_app, make_owner):
    """Writers that do not share a group committer (as two processes would not) race for
    the same visitor: each write must chain onto the one before, never fork."""
    owner = make_owner()
    racing = make_app(CONSENT_GROUP_COMMIT=False)
    visitor = str(uuid.uuid4())
    first = consent(visitor_id=visitor, visitor_secret=SECRET)
    key = owner.site.site_key
    assert post_consent(racing.test_client(), key, first).status_code == 201
    statuses, start = [], threading.Barrier(8)

    def write(n):
        body = consent(visitor_id=visitor, visitor_secret=SECRET,
                       action="accept_all" if n % 2 else "reject_all",
                       choices=ALL if n % 2 else NONE)
        with racing.app_context():
            client = racing.test_client()
            start.wait()
            statuses.append(post_consent(client, key, body).status_code)
    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [201] * 8
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ConsentRecord)) == 9
    assert proof(racing.test_client(), owner, visitor)["chain"]["verified"] is True


def test_a_records_hash_is_the_sha256_of_its_canonical_json_and_the_previous_hash():
    record = {
        "id": uuid.UUID("00000000-0000-4000-8000-000000000001"), "site_id": 7,
        "visitor_id": uuid.UUID("00000000-0000-4000-8000-000000000002"),
        "banner_version_id": 3, "action": "custom", "necessary": True, "functional": True,
        "analytics": False, "advertising": False, "language": "ar", "source": "preferences",
        "age_confirmed": None, "gpc": False, "page_url": "https://store.example/صفحة",
        "country": "SA", "policy_mode": "opt_in", "policy_rule": None,
        "device_type": "mobile", "browser_family": "Mobile Safari", "os_family": "iOS",
        "ip": "203.0.113.0", "idempotency_key": "key-0001",
        "client_time": datetime(2026, 11, 20, 7, 0), "decision_ms": 1800,
        "recorded_at": datetime(2026, 11, 20, 7, 0, 1, 500000), "not_chained": "ignored"}
    # Keys sorted, no spaces, UTF-8 as is, timestamps with microseconds: written by hand.
    canonical = (
        '["prev",{"action":"custom","advertising":false,"age_confirmed":null,'
        '"analytics":false,"banner_version_id":3,"browser_family":"Mobile Safari",'
        '"client_time":"2026-11-20T07:00:00.000000","country":"SA","decision_ms":1800,'
        '"device_type":"mobile","functional":true,"gpc":false,'
        '"id":"00000000-0000-4000-8000-000000000001","idempotency_key":"key-0001",'
        '"ip":"203.0.113.0","language":"ar","necessary":true,"os_family":"iOS",'
        '"page_url":"https://store.example/صفحة","policy_mode":"opt_in","policy_rule":null,'
        '"recorded_at":"2026-11-20T07:00:01.500000","site_id":7,"source":"preferences",'
        '"visitor_id":"00000000-0000-4000-8000-000000000002"}]')
    assert chain.record_hash(record, "prev") == hashlib.sha256(canonical.encode()).hexdigest()
