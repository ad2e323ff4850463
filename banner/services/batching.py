"""Group commit of consent writes: concurrent requests share a transaction and its commit.

Request threads hand their rows to the process's committer and block; one writer
thread takes everything queued, writes it in one transaction and commits once, then
wakes each waiting thread with its own outcome. A request therefore answers only after
its row is durable, while the database pays one commit (one WAL flush) and the process
one round trip per batch instead of per request. Nobody waits for a batch to fill: the
writer takes what arrived while the previous commit ran, so a lone request goes at once.

If a batch fails (a unique violation, a lost connection...), it is rolled back and every
item is written again in its own transaction, so each request gets the outcome it would
have had alone. CONSENT_GROUP_COMMIT=0 turns all this off (writes in the request).
"""
import os
import queue
import threading
from dataclasses import dataclass
from functools import lru_cache

from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from ..extensions import db
from ..models import ConsentRecord, VisitorConsent

record_table = ConsentRecord.__table__
state_table = VisitorConsent.__table__
# Compiled once and run with plain parameter dicts: building .values(**row) per request
# cost more CPU than the database round trips (a cache key for every literal).
record_insert = record_table.insert()
WRITTEN, REPLAY = "written", "replay"
_lock = threading.Lock()


@dataclass(frozen=True)
class ConsentWrite:
    """One consent_record row and the visitor_consent row it makes current."""

    record: dict
    state: dict

    @property
    def key(self) -> tuple:
        return self.record["site_id"], self.record["idempotency_key"]


@lru_cache(maxsize=None)
def _state_upsert(dialect: str):
    """INSERT ... ON CONFLICT (site_id, visitor_id) DO UPDATE, for one row or many."""
    upsert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(state_table)
    return upsert.on_conflict_do_update(
        index_elements=["site_id", "visitor_id"],
        set_={c.name: upsert.excluded[c.name] for c in state_table.c if not c.primary_key})


def write_one(conn: Connection, write: ConsentWrite) -> str:
    """Insert the record and upsert the state; a known idempotency key raises IntegrityError."""
    conn.execute(record_insert, write.record)
    conn.execute(_state_upsert(conn.dialect.name), write.state)
    return WRITTEN


def _pg_batch_sql() -> str:
    """One PostgreSQL statement for a whole batch, its size carried by arrays (so it is
    prepared once): insert the records, skipping stored idempotency keys, upsert each
    visitor's latest state from the inserted ones, return the inserted ids."""
    records = [c.name for c in record_table.c]
    states = [c.name for c in state_table.c]
    types = {c.name: c.type.compile(dialect=postgresql.dialect()) for c in
             [*record_table.c, *state_table.c]}
    # Casting to VARCHAR(n) would silently truncate: cast to the unbounded type instead.
    types = {name: "uuid" if kind == "UUID" else kind.split("(")[0]
             for name, kind in types.items()}
    given = records + [name for name in ("version", "expires_at") if name not in records]
    arrays = ", ".join(f"%({name})s::{types[name]}[]" for name in given)
    picked = {"consent_record_id": "i.id", "updated_at": "i.recorded_at"}
    updated = ", ".join(f"{name} = excluded.{name}" for name in states
                        if name not in ("site_id", "visitor_id"))
    return f"""
WITH i AS (SELECT * FROM unnest({arrays}) WITH ORDINALITY AS t({", ".join(given)}, n)),
rec AS (
  INSERT INTO {record_table.name} ({", ".join(records)})
  SELECT {", ".join(records)} FROM i ORDER BY n
  ON CONFLICT (site_id, idempotency_key) DO NOTHING
  RETURNING id
), state AS (
  INSERT INTO {state_table.name} ({", ".join(states)})
  SELECT DISTINCT ON (i.site_id, i.visitor_id)
    {", ".join(picked.get(name, "i." + name) for name in states)}
  FROM i JOIN rec ON rec.id = i.id
  ORDER BY i.site_id, i.visitor_id, i.recorded_at DESC, i.n DESC
  ON CONFLICT (site_id, visitor_id) DO UPDATE SET {updated}
)
SELECT id FROM rec"""


PG_BATCH = _pg_batch_sql()


def write_batch(conn: Connection, writes: list[ConsentWrite]) -> list[str]:
    """Many writes in the caller's transaction, outcomes in order: a key already stored
    (or earlier in the batch) makes a REPLAY that writes nothing; each visitor's state
    is upserted once, to the latest of the batch."""
    outcomes, fresh, seen = [], [], set()
    for write in writes:
        duplicate = write.key[1] is not None and write.key in seen
        seen.add(write.key)
        outcomes.append(REPLAY if duplicate else WRITTEN)
        if not duplicate:
            fresh.append(write)
    written = (_write_batch_pg if conn.dialect.name == "postgresql" else _write_batch_core)(
        conn, fresh)
    return [outcome if id(write) in written else REPLAY
            for write, outcome in zip(writes, outcomes)]


def _write_batch_pg(conn: Connection, writes: list[ConsentWrite]) -> set:
    """The writes actually inserted, in one round trip."""
    params = {name: [w.record[name] for w in writes] for name in writes[0].record}
    params["version"] = [w.state["version"] for w in writes]
    params["expires_at"] = [w.state["expires_at"] for w in writes]
    inserted = {row[0] for row in conn.exec_driver_sql(PG_BATCH, params)}
    return {id(w) for w in writes if w.record["id"] in inserted}


def _write_batch_core(conn: Connection, writes: list[ConsentWrite]) -> set:
    """The same with portable statements (SQLite): look the keys up, then executemany."""
    keys = {w.key for w in writes if w.key[1] is not None}
    stored = set()
    if keys:
        rows = conn.execute(select(record_table.c.site_id, record_table.c.idempotency_key).where(
            record_table.c.site_id.in_({site for site, _ in keys}),
            record_table.c.idempotency_key.in_({key for _, key in keys})))
        stored = {tuple(row) for row in rows} & keys
    writes = [w for w in writes if w.key not in stored]
    latest = {}
    for write in writes:
        visitor = (write.state["site_id"], write.state["visitor_id"])
        if visitor not in latest or write.state["updated_at"] >= latest[visitor]["updated_at"]:
            latest[visitor] = write.state
    if writes:
        conn.execute(record_insert, [w.record for w in writes])
        conn.execute(_state_upsert(conn.dialect.name), list(latest.values()))
    return {id(w) for w in writes}


class _Pending:
    __slots__ = ("item", "done", "outcome", "error")

    def __init__(self, item):
        self.item = item
        self.done = threading.Event()
        self.outcome = None
        self.error: BaseException | None = None


class GroupCommitter:
    """One writer thread (and one connection) per process committing what threads submit."""

    def __init__(self, engine: Engine, max_batch: int = 200, timeout: float = 30.0):
        self.engine = engine
        self.max_batch = max_batch
        self.timeout = timeout
        self.batches = 0  # committed batches, for tests and curiosity
        self._conn: Connection | None = None
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._pid = os.getpid()
        self._writer = threading.Thread(target=self._run, name="group-commit", daemon=True)
        self._writer.start()

    def submit(self, item: ConsentWrite) -> str:
        """Write item with the next batch: WRITTEN or REPLAY once committed, or raises."""
        pending = _Pending(item)
        self._queue.put(pending)
        if not pending.done.wait(self.timeout):
            raise TimeoutError("The database did not commit in time.")
        if pending.error is not None:
            raise pending.error
        return pending.outcome

    def queued(self) -> int:
        """Items waiting for the writer (not counting the batch being written)."""
        return self._queue.qsize()

    def stop(self) -> None:
        """Finish what is queued, then end the writer thread and close its connection."""
        self._queue.put(None)
        self._writer.join()

    def usable(self) -> bool:
        """False in a forked child, where the writer thread does not exist."""
        return self._pid == os.getpid() and self._writer.is_alive()

    def _run(self) -> None:
        stopping = False
        while not stopping:
            batch = [self._queue.get()]
            while len(batch) < self.max_batch:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            if None in batch:  # stop() was called
                stopping = True
                batch = [pending for pending in batch if pending is not None]
                if not batch:
                    break
            try:
                self._commit(batch)
            except BaseException as exc:  # never leave a thread waiting, never die
                for pending in batch:
                    if not pending.done.is_set():
                        pending.error = exc
                        pending.done.set()
        self._drop_connection()

    def _connection(self) -> Connection:
        if self._conn is None or self._conn.closed or self._conn.invalidated:
            self._conn = self.engine.connect()
        return self._conn

    def _drop_connection(self) -> None:
        """After a failure the connection may be broken: the next write takes a fresh one."""
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:
                pass
            self._conn = None

    def _commit(self, batch: list[_Pending]) -> None:
        try:
            conn = self._connection()
            with conn.begin():
                outcomes = write_batch(conn, [pending.item for pending in batch])
        except Exception:
            self._drop_connection()
            for pending in batch:
                self._commit_one(pending)
            return
        self.batches += 1
        for pending, outcome in zip(batch, outcomes):
            pending.outcome = outcome
            pending.done.set()

    def _commit_one(self, pending: _Pending) -> None:
        try:
            conn = self._connection()
            with conn.begin():
                pending.outcome = write_one(conn, pending.item)
        except Exception as exc:  # IntegrityError for a replayed key: the request decides
            pending.error = exc
        pending.done.set()


def committer() -> GroupCommitter | None:
    """The current app's committer in this process; None when group commit is off."""
    app = current_app._get_current_object()
    if not app.config.get("CONSENT_GROUP_COMMIT"):
        return None
    found = app.extensions.get("consent_group_commit")
    if found is not None and found.usable():
        return found
    with _lock:
        found = app.extensions.get("consent_group_commit")
        if found is None or not found.usable():
            engine = db.engine
            if engine.dialect.name == "sqlite" and engine.url.database in (None, "", ":memory:"):
                return None  # one shared in-memory connection: nothing to group
            found = GroupCommitter(engine, max_batch=app.config["CONSENT_BATCH_MAX"])
            app.extensions["consent_group_commit"] = found
    return found
