"""The SQL of consent writes: records plus each visitor's current state, for a batch of
decisions (a batch of one when written alone).

Each write is checked against what is stored for its visitor before anything is written:
- the visitor's secret: a visitor with a registered secret_hash accepts only writes that
  present the same secret (FORBIDDEN otherwise); a visitor without one registers or
  adopts the first secret presented;
- its idempotency key, the visitor's own: the same key with the same decision is a REPLAY,
  with another decision a CONFLICT; neither writes anything;
- the hash chain: each record's hash covers its content and the visitor's previous
  record's hash (services/chain.py).

Concurrent writers of the same visitor (two processes) must not both chain onto the same
previous record, nor both register a secret. SQLite has one writer at a time: the batch
takes the write lock before reading. On PostgreSQL the batch reads without locks and
writes in one statement whose state upsert applies only where the visitor's last_hash is
still the one read; if any visitor moved meanwhile, the statement fails as a whole and the
batch is decided again from a fresh read (RACE_RETRIES times).

Most writes are a visitor's first, and nothing stored can change their outcome: on
PostgreSQL a batch is first written as if every visitor were new, in one statement and
one round trip (consent_sql.PG_FIRST). A visitor that has a state already is left
untouched by it and goes the way above. Records never outlive their visitor's state
(retention and erasure delete the state with the last record), so a visitor without a
state has no stored keys.
"""
import json
import random
import time
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import select, text, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from .chain import record_hash
from .consent_sql import PG_BATCH, PG_FIRST, RACE, record_table, run_pg, state_table

# Compiled once and run with plain parameter dicts: building .values(**row) per request
# cost more CPU than the database round trips (a cache key for every literal).
record_insert = record_table.insert()
WRITTEN, REPLAY, FORBIDDEN, CONFLICT = "written", "replay", "forbidden", "conflict"
# Each round of a race has a winner, so N writers of one visitor settle within N rounds.
RACE_RETRIES = 50
# What the client sent, as stored: the same idempotency key must carry the same of these.
BODY = ("banner_version_id", "action", "necessary", "functional", "analytics", "advertising",
        "language", "source", "age_confirmed", "gpc", "page_url", "client_time", "decision_ms")


@dataclass(frozen=True)
class ConsentWrite:
    """One consent_record row and the visitor_consent row it makes current; the hash of
    the secret the request presented (None: it presented none). The chain and secret
    columns are filled in when the batch is written."""

    record: dict
    state: dict
    secret_hash: str | None = None

    @property
    def visitor(self) -> tuple:
        return self.record["site_id"], self.record["visitor_id"]

    @property
    def key(self) -> tuple:
        return (*self.visitor, self.record["idempotency_key"])


class _ChainRace(Exception):
    """Another writer changed one of the batch's visitors between our read and write."""


def write_one(conn: Connection, write: ConsentWrite) -> str:
    return write_batch(conn, [write])[0]


def write_batch(conn: Connection, writes: list[ConsentWrite]) -> list[str]:
    """Many writes, outcomes in order, in the caller's transaction (or, on an AUTOCOMMIT
    PostgreSQL connection, as one statement). A visitor's writes chain in batch order."""
    postgres = conn.dialect.name == "postgresql"
    if not postgres:
        _take_write_lock(conn)
        return _write_known(conn, writes, postgres)
    outcomes = _write_first(conn, writes)
    known = [n for n, outcome in enumerate(outcomes) if outcome is None]
    if known:
        for n, outcome in zip(known, _write_known(conn, [writes[n] for n in known], postgres)):
            outcomes[n] = outcome
    return outcomes


def _write_first(conn: Connection, writes: list[ConsentWrite]) -> list[str | None]:
    """PostgreSQL: the batch decided as if no visitor had a state, written for the
    visitors that indeed had none; None for the writes of those that had one."""
    outcomes, records, states = _decide_given(writes, {}, {})
    if not records:  # only replays and conflicts within the batch: nothing is new yet
        return [None] * len(writes)
    known = run_pg(conn, PG_FIRST, {
        "records": json.dumps(records, default=str),
        "states": json.dumps([state for state, _ in states], default=str)})
    if not known:
        return outcomes
    known = {(site_id, str(visitor_id)) for site_id, visitor_id in known}
    return [None if (write.visitor[0], str(write.visitor[1])) in known else outcome
            for write, outcome in zip(writes, outcomes)]


def _write_known(conn: Connection, writes: list[ConsentWrite], postgres: bool) -> list[str]:
    """Decided from what is stored for each visitor, then written (see the module doc)."""
    for attempt in range(RACE_RETRIES):
        if attempt:  # lost a race: let the winners' commits land before reading again
            time.sleep(random.uniform(0, 0.001 * min(attempt, 10)))
        outcomes, records, states = _decide(conn, writes)
        if not records:
            return outcomes
        if not postgres:
            conn.execute(record_insert, records)
            conn.execute(_state_upsert(conn.dialect.name), [s for s, _ in states])
            return outcomes
        try:
            _write_pg(conn, records, states)
            return outcomes
        except _ChainRace:
            continue
    raise RuntimeError("A visitor's consent kept changing under concurrent writes.")


def _take_write_lock(conn: Connection) -> None:
    # A write statement starts SQLite's write transaction even when it changes nothing:
    # from here until commit no other connection can write, so what we read stays true.
    conn.execute(text("UPDATE visitor_consent SET site_id = site_id WHERE 0 = 1"))


def _decide(conn: Connection, writes: list[ConsentWrite]):
    stored_states = _stored_states(conn, {w.visitor for w in writes})
    keyed = {w.key for w in writes if w.key[2] is not None}
    return _decide_given(writes, stored_states, _stored_bodies(conn, keyed) if keyed else {})


def _decide_given(writes: list[ConsentWrite], stored_states: dict, bodies: dict):
    """Outcomes, the records to insert, and per visitor (final state, (last_hash read,
    whether a state was stored)), given the stored states and idempotent bodies."""
    bodies = dict(bodies)
    current = {visitor: dict(row) for visitor, row in stored_states.items()}
    outcomes, records, final = [None] * len(writes), [], {}
    # A visitor's records chain in the order they were made (then in batch order): the
    # threads of one process may queue them in another order.
    for n in sorted(range(len(writes)), key=lambda n: writes[n].record["recorded_at"]):
        write = writes[n]
        state = current.get(write.visitor)
        registered = state["secret_hash"] if state else None
        if registered is not None and write.secret_hash != registered:
            outcomes[n] = FORBIDDEN
            continue
        if write.key[2] is not None and write.key in bodies:
            same = all(bodies[write.key][name] == write.record[name] for name in BODY)
            outcomes[n] = REPLAY if same else CONFLICT
            continue
        prev = state["last_hash"] if state else None
        record = {**write.record, "prev_hash": prev}
        record["record_hash"] = record_hash(record, prev)
        secret = registered or write.secret_hash
        new_state = {**write.state, "secret_hash": secret, "last_hash": record["record_hash"]}
        current[write.visitor] = new_state
        if write.visitor not in final:
            final[write.visitor] = (None, state["last_hash"] if state else None,
                                    state is not None)
        final[write.visitor] = (new_state, *final[write.visitor][1:])
        if write.key[2] is not None:
            bodies[write.key] = record
        records.append(record)
        outcomes[n] = WRITTEN
    states = [(s, (expected, existed)) for s, expected, existed in final.values()]
    return outcomes, records, states


def _stored_states(conn: Connection, visitors: set) -> dict:
    c = state_table.c
    rows = conn.execute(select(c.site_id, c.visitor_id, c.secret_hash, c.last_hash).where(
        tuple_(c.site_id, c.visitor_id).in_(list(visitors))))
    return {(row.site_id, row.visitor_id): row._mapping for row in rows}


def _stored_bodies(conn: Connection, keys: set) -> dict:
    c = record_table.c
    rows = conn.execute(select(c.site_id, c.visitor_id, c.idempotency_key,
                               *(c[name] for name in BODY)).where(
        tuple_(c.site_id, c.visitor_id, c.idempotency_key).in_(list(keys))))
    return {(row.site_id, row.visitor_id, row.idempotency_key): row._mapping for row in rows}


@lru_cache(maxsize=None)
def _state_upsert(dialect: str):
    """INSERT ... ON CONFLICT (site_id, visitor_id) DO UPDATE, for one row or many."""
    upsert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(state_table)
    return upsert.on_conflict_do_update(
        index_elements=["site_id", "visitor_id"],
        set_={c.name: upsert.excluded[c.name] for c in state_table.c if not c.primary_key})


def _write_pg(conn: Connection, records: list[dict], states: list) -> None:
    # str() gives what PostgreSQL reads back exactly: UUIDs, naive UTC timestamps.
    params = {
        "records": json.dumps(records, default=str),
        "states": json.dumps([{**state, "expected": expected, "existed": existed}
                              for state, (expected, existed) in states], default=str),
        "expected": len(states), "records_expected": len(records)}
    try:
        run_pg(conn, PG_BATCH, params)
    except DBAPIError as exc:
        if RACE in str(exc.orig):
            raise _ChainRace() from exc
        raise
