"""Knowing a visitor id is not enough to change that visitor's choice (issue 10, point 1)."""
import hashlib
import uuid

from banner.extensions import db
from banner.models import ConsentRecord, VisitorConsent
from tests.helpers import ALL, NONE, consent, post_consent

SECRET = "s3cret-of-the-visitor-browser-0123456789"
OTHER = "an-attacker-guess-abcdefghijklmnopqrstuvw"


def state_of(visitor: str) -> VisitorConsent:
    db.session.rollback()
    return db.session.scalars(db.select(VisitorConsent).filter_by(
        visitor_id=uuid.UUID(visitor))).one()


def test_the_first_record_registers_only_a_hash_of_the_secret(client, site):
    body = consent(visitor_secret=SECRET)
    assert post_consent(client, "test-store", body).status_code == 201
    state = state_of(body["visitor_id"])
    assert state.secret_hash == hashlib.sha256(SECRET.encode()).hexdigest()
    record = db.session.scalars(db.select(ConsentRecord)).one()
    stored = [str(getattr(row, column.name)) for row in (record, state)
              for column in row.__table__.c]
    assert state.secret_hash in stored and SECRET not in " ".join(stored)


def test_a_rejection_cannot_be_overwritten_without_the_visitors_secret(client, site, row_counts):
    visitor = str(uuid.uuid4())
    rejected = consent(visitor_id=visitor, action="reject_all", choices=NONE,
                       visitor_secret=SECRET)
    assert post_consent(client, "test-store", rejected).status_code == 201
    before = row_counts()
    for secret in (None, OTHER):
        forged = consent(visitor_id=visitor, action="accept_all", choices=ALL,
                         **({"visitor_secret": secret} if secret else {}))
        response = post_consent(client, "test-store", forged)
        assert response.status_code == 403, response.json
        assert response.json["code"] == 403 and "visitor_secret" in response.json["errors"]
        assert row_counts() == before
    assert state_of(visitor).advertising is False
    state = client.get(f"/v1/sites/test-store/consents/{visitor}").json
    assert state["choices"] == NONE


def test_the_visitor_changes_their_mind_with_their_secret(client, site):
    visitor = str(uuid.uuid4())
    for action, choices in (("reject_all", NONE), ("accept_all", ALL)):
        body = consent(visitor_id=visitor, action=action, choices=choices, visitor_secret=SECRET)
        assert post_consent(client, "test-store", body).status_code == 201
    assert state_of(visitor).advertising is True


def test_a_visitor_from_before_secrets_adopts_the_secret_of_their_next_write(client, site):
    visitor = str(uuid.uuid4())
    # An older snippet sent no secret: nothing is registered yet.
    assert post_consent(client, "test-store", consent(visitor_id=visitor)).status_code == 201
    assert state_of(visitor).secret_hash is None
    adopted = consent(visitor_id=visitor, action="reject_all", choices=NONE,
                      visitor_secret=SECRET)
    assert post_consent(client, "test-store", adopted).status_code == 201
    assert state_of(visitor).secret_hash == hashlib.sha256(SECRET.encode()).hexdigest()
    forged = consent(visitor_id=visitor, action="accept_all", choices=ALL)
    assert post_consent(client, "test-store", forged).status_code == 403


def test_the_secret_of_one_site_does_not_open_another_sites_visitor(client, make_site):
    make_site(site_key="shop-one")
    make_site(site_key="shop-two")
    visitor = str(uuid.uuid4())
    assert post_consent(client, "shop-one", consent(
        visitor_id=visitor, visitor_secret=SECRET)).status_code == 201
    # The same id on another site is another visitor, with a secret of its own.
    assert post_consent(client, "shop-two", consent(
        visitor_id=visitor, visitor_secret=OTHER)).status_code == 201
    assert post_consent(client, "shop-two", consent(
        visitor_id=visitor, visitor_secret=SECRET)).status_code == 403


def test_a_malformed_secret_is_a_422_and_writes_nothing(client, site, row_counts):
    before = row_counts()
    for bad in ("short", "x" * 129, "has spaces in it but is long enough", 12345678901234567890123):
        response = post_consent(client, "test-store", consent(visitor_secret=bad))
        assert response.status_code == 422, bad
        assert "visitor_secret" in response.json["errors"], response.json
    assert row_counts() == before


def test_an_idempotency_key_replays_the_same_decision_and_refuses_another(client, site,
                                                                          row_counts):
    body = consent(idempotency_key="queued-choice-0001", visitor_secret=SECRET)
    first = post_consent(client, "test-store", body)
    assert first.status_code == 201
    again = post_consent(client, "test-store", body)
    assert again.status_code == 200 and again.json == first.json
    before = row_counts()
    changed = {**body, "action": "accept_all", "choices": ALL}
    response = post_consent(client, "test-store", changed)
    assert response.status_code == 409, response.json
    assert response.json["code"] == 409 and "idempotency_key" in response.json["errors"]
    assert row_counts() == before


def test_idempotency_keys_are_the_visitors_own(client, site):
    key = "shared-key-0001"
    one = post_consent(client, "test-store", consent(idempotency_key=key))
    # Another visitor using the same key neither replays the first answer nor is refused.
    two = post_consent(client, "test-store", consent(idempotency_key=key, action="reject_all",
                                                     choices=NONE))
    assert (one.status_code, two.status_code) == (201, 201)
    assert one.json["consent_id"] != two.json["consent_id"]
