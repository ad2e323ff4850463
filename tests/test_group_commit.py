"""Group commit: concurrent consent writes share a commit, each gets its own outcome."""
import threading
import uuid
from collections import deque
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import NullPool

from banner.extensions import db
from banner.models import BannerVersion, ConsentRecord, VisitorConsent, utcnow
from banner.services import batching
from banner.services import chain
from banner.services.batching import REPLAY, WRITTEN, ConsentWrite, GroupCommitter
from tests.helpers import ALL, NONE, consent, post_consent


def post_all(app, bodies, site_key="test-store"):
    """POST every body from its own thread, all released at once; responses in order."""
    responses = [None] * len(bodies)
    start = threading.Barrier(len(bodies))

    def post(i):
        with app.test_client() as client:
            start.wait()
            responses[i] = post_consent(client, site_key, bodies[i])
    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


def count(model) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.fixture
def make_write(site):
    version_id = db.session.scalar(sa.select(BannerVersion.id).filter_by(site_id=site.id))

    def make(visitor=None, key=None, choices=NONE, at=None):
        at = at or utcnow()
        record_id, visitor = uuid.uuid4(), visitor or uuid.uuid4()
        record = {"id": record_id, "site_id": site.id, "visitor_id": visitor,
                  "banner_version_id": version_id, "action": "custom", **choices,
                  "language": "ar", "source": "banner", "age_confirmed": None, "gpc": False,
                  "page_url": None, "country": None, "device_type": "other",
                  "browser_family": "Other", "os_family": "Other", "ip": None,
                  "idempotency_key": key, "client_time": None, "decision_ms": None,
                  "recorded_at": at}
        state = {"site_id": site.id, "visitor_id": visitor, "consent_record_id": record_id,
                 "banner_version_id": version_id, "version": 1, **choices,
                 "updated_at": at, "expires_at": at + timedelta(days=180),
                 "secret_hash": None, "last_hash": None}
        return ConsentWrite(record, state)
    return make


@pytest.fixture
def fresh_connection(database_url):
    """A connection of its own: it sees only what was committed."""
    engine = sa.create_engine(database_url, poolclass=NullPool)
    with engine.connect() as conn:
        yield conn
    engine.dispose()


def test_concurrent_posts_each_get_their_own_record(app, site):
    bodies = [consent(action="accept_all", choices=ALL) if i % 2 else consent()
              for i in range(24)]
    responses = post_all(app, bodies)
    assert [r.status_code for r in responses] == [201] * 24
    records = {str(r.id): r for r in db.session.scalars(sa.select(ConsentRecord))}
    assert len(records) == 24
    for body, response in zip(bodies, responses):
        assert response.json["visitor_id"] == body["visitor_id"]
        assert response.json["choices"] == body["choices"]
        assert str(records[response.json["consent_id"]].visitor_id) == body["visitor_id"]
    assert count(VisitorConsent) == 24


def test_a_key_replayed_concurrently_is_written_once(app, site):
    body = consent(idempotency_key="queued-choice-race")
    responses = post_all(app, [body] * 8)
    assert sorted(r.status_code for r in responses) == [200] * 7 + [201]
    assert len({r.get_data() for r in responses}) == 1
    assert count(ConsentRecord) == 1 and count(VisitorConsent) == 1


def test_same_visitor_twice_in_one_batch_keeps_the_latest(ctx, make_write):
    visitor, now = uuid.uuid4(), utcnow()
    first = make_write(visitor, choices=ALL, at=now)
    latest = make_write(visitor, choices=NONE, at=now + timedelta(milliseconds=1))
    with db.engine.begin() as conn:
        assert batching.write_batch(conn, [latest, first]) == [WRITTEN, WRITTEN]
    state = db.session.get(VisitorConsent, (first.record["site_id"], visitor))
    assert state.consent_record_id == latest.record["id"] and state.analytics is False
    assert count(ConsentRecord) == 2


def test_a_visitors_key_twice_in_one_batch_or_already_stored_is_a_replay(ctx, make_write):
    one, two = uuid.uuid4(), uuid.uuid4()
    stored = make_write(one, key="stored-key-0001")
    with db.engine.begin() as conn:
        batching.write_one(conn, stored)
    batch = [make_write(two, key="batch-key-0001"), make_write(two, key="batch-key-0001"),
             make_write(one, key="stored-key-0001"), make_write(),
             # Keys are per visitor: another visitor's same key is a write of its own.
             make_write(key="stored-key-0001")]
    with db.engine.begin() as conn:
        assert batching.write_batch(conn, batch) == [WRITTEN, REPLAY, REPLAY, WRITTEN, WRITTEN]
    ids = set(db.session.scalars(sa.select(ConsentRecord.id)))
    assert ids == {stored.record["id"], batch[0].record["id"], batch[3].record["id"],
                   batch[4].record["id"]}
    assert count(VisitorConsent) == 4


def stored_row(model, key) -> dict:
    row = db.session.get(model, key)
    return {column.name: getattr(row, column.name) for column in model.__table__.c}


def test_a_batch_stores_each_column_exactly_as_a_single_write(ctx, make_write):
    """The batch travels as JSON: every type must come back as written alone."""
    now = utcnow()
    filled = {"age_confirmed": True, "gpc": True, "country": "SA", "ip": "203.0.113.0",
              "page_url": "https://store.example/\u0645\u0646\u062a\u062c?q=\"x\"&a=1\\",
              "browser_family": "Mobile Safari", "client_time": now - timedelta(seconds=3),
              "recorded_at": now.replace(microsecond=0)}
    alone, batched = make_write(choices=ALL), make_write(choices=ALL)
    for write in (alone, batched):
        write.record.update(filled)
        write.state["updated_at"] = filled["recorded_at"]
    with db.engine.begin() as conn:
        batching.write_one(conn, alone)
    with db.engine.begin() as conn:
        assert batching.write_batch(conn, [batched]) == [WRITTEN]
    db.session.rollback()
    ignored = {"id", "visitor_id", "record_hash"}
    got = stored_row(ConsentRecord, batched.record["id"])
    assert got == {**stored_row(ConsentRecord, alone.record["id"]),
                   **{name: got[name] for name in ignored}}
    assert {name: got[name] for name in filled} == filled
    # What was read back hashes as what was written: the chain can be verified.
    assert got["record_hash"] == chain.record_hash(got, None)
    site_id = batched.state["site_id"]
    state = stored_row(VisitorConsent, (site_id, batched.state["visitor_id"]))
    assert state == {**batched.state, "secret_hash": None, "last_hash": got["record_hash"]}


@pytest.fixture
def gated_committer(ctx, monkeypatch, request):
    """A committer whose first batch waits for the gate: later items pile up behind it.
    Parametrize it indirectly with a timeout to shorten the waits."""
    gate, entered = threading.Event(), threading.Event()
    real = batching.write_batch

    def write_batch(conn, writes):
        entered.set()
        assert gate.wait(10)
        return real(conn, writes)
    monkeypatch.setattr(batching, "write_batch", write_batch)
    committer = GroupCommitter(db.engine, timeout=getattr(request, "param", 30.0))
    committer._waiting = WatchedQueue()  # for wait_queued
    yield committer, gate, entered
    gate.set()
    committer.stop()


class WatchedQueue(deque):
    """The committer's queue, telling waiters when an item enters: the committer has no
    event for it, and polling its length would race with the threads still queueing."""

    def __init__(self):
        super().__init__()
        self.entered = threading.Condition()

    def append(self, item):
        super().append(item)
        with self.entered:
            self.entered.notify_all()

    def wait_for_length(self, length: int, timeout: float = 5.0) -> None:
        # len() without the committer's mutex: append holds that mutex while it notifies,
        # and taking it here under `entered` would deadlock.
        with self.entered:
            assert self.entered.wait_for(lambda: len(self) == length, timeout), (
                f"{len(self)} items queued, never {length}")


def wait_queued(committer: GroupCommitter, length: int) -> None:
    """Blocks until `length` writes wait in the queue of a gated_committer."""
    committer._waiting.wait_for_length(length)


def submit_in_thread(committer, write, outcomes):
    def run():
        try:
            outcomes[id(write)] = committer.submit(write)
        except Exception as exc:
            outcomes[id(write)] = exc
    thread = threading.Thread(target=run)
    thread.start()
    return thread


def hold_a_batch(gated_committer, make_write):
    """Submits a write whose batch is held at the gate; returns (committer, gate, outcomes,
    the writing thread) once the batch has entered the write."""
    committer, gate, entered = gated_committer
    outcomes = {}
    thread = submit_in_thread(committer, make_write(), outcomes)
    assert entered.wait(5)
    return committer, gate, outcomes, thread


def test_queued_writes_share_one_commit_and_answer_after_it(gated_committer, make_write,
                                                             fresh_connection):
    committer, gate, outcomes, first = hold_a_batch(gated_committer, make_write)
    writes = [make_write() for _ in range(10)]
    threads = [submit_in_thread(committer, write, outcomes) for write in writes]
    wait_queued(committer, len(writes))
    assert all(t.is_alive() for t in [first, *threads])  # nobody answered before the commit
    gate.set()
    for thread in [first, *threads]:
        thread.join(5)
    assert committer.batches == 2  # the gated one, then the ten queued behind it
    assert [outcomes[id(w)] for w in writes] == [WRITTEN] * 10
    visible = set(fresh_connection.scalars(sa.select(ConsentRecord.id)))
    assert {w.record["id"] for w in writes} <= visible


def test_stopping_waits_for_the_batch_being_written_then_closes_its_connection(
        gated_committer, make_write):
    committer, gate, outcomes, writer = hold_a_batch(gated_committer, make_write)
    stopper = threading.Thread(target=committer.stop)
    stopper.start()
    stopper.join(0.2)  # a correct stop() is still waiting whatever the delay
    assert stopper.is_alive() and committer._conn is not None
    gate.set()
    stopper.join(5)
    writer.join(5)
    assert not stopper.is_alive()
    assert list(outcomes.values()) == [WRITTEN]
    assert committer._conn is None


def test_a_failing_batch_falls_back_to_one_write_each(gated_committer, make_write):
    committer, gate, outcomes, first = hold_a_batch(gated_committer, make_write)
    good = [make_write(), make_write()]
    bad = make_write()
    bad.record["banner_version_id"] = bad.state["banner_version_id"] = 10**6  # no such version
    threads = [submit_in_thread(committer, write, outcomes) for write in [good[0], bad, good[1]]]
    wait_queued(committer, 3)
    gate.set()
    for thread in [first, *threads]:
        thread.join(5)
    assert [outcomes[id(w)] for w in good] == [WRITTEN, WRITTEN]
    assert isinstance(outcomes[id(bad)], IntegrityError)
    assert count(ConsentRecord) == 3  # the first and the two good ones


def test_rows_past_the_batch_limit_go_with_the_next_leader(ctx, make_write):
    committer = GroupCommitter(db.engine, max_batch=2)
    writes = [make_write() for _ in range(20)]
    outcomes, start = {}, threading.Barrier(len(writes))

    def run(write):
        start.wait()
        outcomes[id(write)] = committer.submit(write)
    threads = [threading.Thread(target=run, args=(write,)) for write in writes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    committer.stop()
    assert [outcomes.get(id(w)) for w in writes] == [WRITTEN] * 20
    assert 10 <= committer.batches <= 20 and committer.queued() == 0
    assert count(ConsentRecord) == 20


def test_a_lost_connection_is_replaced_and_the_write_still_lands(ctx, make_write):
    committer = GroupCommitter(db.engine)
    assert committer.submit(make_write()) == WRITTEN
    committer._conn.connection.dbapi_connection.close()  # as if the server went away
    assert committer.submit(make_write()) == WRITTEN
    assert committer.submit(make_write()) == WRITTEN
    committer.stop()
    assert count(ConsentRecord) == 3


@pytest.mark.parametrize("gated_committer", [0.3], indirect=True)
def test_a_write_that_waited_too_long_leaves_the_queue_and_the_next_one_goes(
        gated_committer, make_write):
    committer, gate, _, first = hold_a_batch(gated_committer, make_write)
    late = make_write()
    with pytest.raises(TimeoutError):
        committer.submit(late)
    assert committer.queued() == 0
    gate.set()
    first.join(5)
    assert committer.submit(make_write()) == WRITTEN  # not stuck behind the one that left
    assert late.record["id"] not in set(db.session.scalars(sa.select(ConsentRecord.id)))
    assert count(ConsentRecord) == 2


def test_the_response_comes_after_the_commit(app, site, fresh_connection):
    visitor = str(uuid.uuid4())
    with app.test_client() as client:
        response = post_consent(client, "test-store", consent(visitor_id=visitor))
    assert response.status_code == 201
    row = fresh_connection.execute(sa.select(ConsentRecord.id, ConsentRecord.visitor_id)).one()
    assert (str(row.id), str(row.visitor_id)) == (response.json["consent_id"], visitor)


def test_group_commit_can_be_switched_off(make_app, site):
    other = make_app(CONSENT_GROUP_COMMIT=False)
    with other.app_context():
        response = post_consent(other.test_client(), "test-store", consent())
        assert response.status_code == 201
        assert batching.committer() is None
        assert "consent_group_commit" not in other.extensions
    assert count(ConsentRecord) == 1
