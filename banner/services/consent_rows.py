"""The SQL of consent writes: one record plus the visitor's current state, alone or
as a batch (one PostgreSQL statement; portable statements elsewhere)."""
import json
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from ..models import ConsentRecord, VisitorConsent

record_table = ConsentRecord.__table__
state_table = VisitorConsent.__table__
# Compiled once and run with plain parameter dicts: building .values(**row) per request
# cost more CPU than the database round trips (a cache key for every literal).
record_insert = record_table.insert()
WRITTEN, REPLAY = "written", "replay"


@dataclass(frozen=True)
class ConsentWrite:
    """One consent_record row and the visitor_consent row it makes current."""

    record: dict
    state: dict

    @property
    def key(self) -> tuple:
        return (self.record["site_id"], self.record["visitor_id"],
                self.record["idempotency_key"])


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
    """One PostgreSQL statement for a whole batch, carried as one JSON array (so it is
    prepared once and the driver adapts one string, not a list per column): insert the
    records, skipping stored idempotency keys, upsert each visitor's latest state from
    the inserted ones, return the inserted ids."""
    records = [c.name for c in record_table.c]
    states = [c.name for c in state_table.c]
    types = {c.name: c.type.compile(dialect=postgresql.dialect()) for c in
             [*record_table.c, *state_table.c]}
    from_state = ("version", "expires_at", "secret_hash", "last_hash")
    given = records + [name for name in from_state if name not in records]
    # n: the position in the batch, so the last of a visitor's choices wins a tie.
    columns = ", ".join(f"{name} {types[name]}" for name in given) + ", n integer"
    picked = {"consent_record_id": "i.id", "updated_at": "i.recorded_at"}
    updated = ", ".join(f"{name} = excluded.{name}" for name in states
                        if name not in ("site_id", "visitor_id"))
    return f"""
WITH i AS (SELECT * FROM json_to_recordset(%(rows)s::json) AS t({columns})),
rec AS (
  INSERT INTO {record_table.name} ({", ".join(records)})
  SELECT {", ".join(records)} FROM i ORDER BY n
  ON CONFLICT (site_id, visitor_id, idempotency_key) DO NOTHING
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
        duplicate = write.key[2] is not None and write.key in seen
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
    # str() gives what PostgreSQL reads back exactly: UUIDs, naive UTC timestamps.
    rows = json.dumps([{**w.record, "version": w.state["version"],
                        "expires_at": w.state["expires_at"],
                        "secret_hash": w.state.get("secret_hash"),
                        "last_hash": w.state.get("last_hash"), "n": n}
                       for n, w in enumerate(writes)], default=str)
    inserted = {row[0] for row in conn.exec_driver_sql(PG_BATCH, {"rows": rows})}
    return {id(w) for w in writes if w.record["id"] in inserted}


def _write_batch_core(conn: Connection, writes: list[ConsentWrite]) -> set:
    """The same with portable statements (SQLite): look the keys up, then executemany."""
    keys = {w.key for w in writes if w.key[2] is not None}
    stored = set()
    if keys:
        columns = (record_table.c.site_id, record_table.c.visitor_id,
                   record_table.c.idempotency_key)
        rows = conn.execute(select(*columns).where(
            *(column.in_({key[n] for key in keys}) for n, column in enumerate(columns))))
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
