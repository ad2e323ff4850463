"""The PostgreSQL statements of consent writes (services/consent_rows.py decides what they
write) and how they run: each batch is one statement, its rows carried as two JSON arrays."""
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from ..models import ConsentRecord, VisitorConsent

record_table = ConsentRecord.__table__
state_table = VisitorConsent.__table__
# Raised by PG_BATCH when a visitor moved since the batch read it.
RACE = "consent chain race"


def _pg_batch_sql() -> str:
    """One PostgreSQL statement for a whole batch, rows carried as JSON arrays (prepared
    once; the driver adapts two strings, not a list per column): insert the records, upsert
    each visitor's state where its last_hash is still the one the batch read (expected),
    and fail as a whole if any visitor had moved."""
    records = [c.name for c in record_table.c]
    states = [c.name for c in state_table.c]
    updated = ", ".join(f"{name} = excluded.{name}" for name in states
                        if name not in ("site_id", "visitor_id"))
    return f"""
WITH r AS (SELECT * FROM json_to_recordset(%(records)s::json) AS t({_columns(records)})),
s AS (SELECT * FROM json_to_recordset(%(states)s::json)
      AS t({_columns(states)}, expected varchar, existed boolean)),
rec AS (
  INSERT INTO {record_table.name} ({", ".join(records)})
  SELECT {", ".join(records)} FROM r
  RETURNING 1
), state AS (
  INSERT INTO {state_table.name} AS v ({", ".join(states)})
  SELECT {", ".join(states)} FROM s
  ON CONFLICT (site_id, visitor_id) DO UPDATE SET {updated}
  WHERE v.last_hash IS NOT DISTINCT FROM (
    SELECT s.expected FROM s WHERE s.site_id = v.site_id AND s.visitor_id = v.visitor_id)
    AND (SELECT s.existed FROM s WHERE s.site_id = v.site_id AND s.visitor_id = v.visitor_id)
  RETURNING 1
)
SELECT CASE WHEN (SELECT count(*) FROM state) = %(expected)s
            AND (SELECT count(*) FROM rec) = %(records_expected)s THEN 1
       ELSE (SELECT '{RACE} ' || count(*) FROM state)::int END"""


def _pg_first_sql() -> str:
    """One PostgreSQL statement writing a batch's first decisions: each visitor's state is
    inserted unless one exists (another writer's included, once committed), the records
    only of the visitors inserted; returns the others (usually none: no rows to read)."""
    records = [c.name for c in record_table.c]
    states = [c.name for c in state_table.c]
    return f"""
WITH r AS (SELECT * FROM json_to_recordset(%(records)s::json) AS t({_columns(records)})),
s AS (SELECT * FROM json_to_recordset(%(states)s::json) AS t({_columns(states)})),
state AS (
  INSERT INTO {state_table.name} ({", ".join(states)})
  SELECT {", ".join(states)} FROM s
  ON CONFLICT (site_id, visitor_id) DO NOTHING
  RETURNING site_id, visitor_id
), rec AS (
  INSERT INTO {record_table.name} ({", ".join(records)})
  SELECT {", ".join("r." + name for name in records)}
  FROM r JOIN state ON state.site_id = r.site_id AND state.visitor_id = r.visitor_id
)
SELECT s.site_id, s.visitor_id FROM s
WHERE NOT EXISTS (SELECT FROM state
                  WHERE state.site_id = s.site_id AND state.visitor_id = s.visitor_id)"""


def _columns(names: list[str]) -> str:
    """A json_to_recordset column list: each name with its PostgreSQL type."""
    columns = {c.name: c for c in [*record_table.c, *state_table.c]}
    return ", ".join(f"{name} {columns[name].type.compile(dialect=postgresql.dialect())}"
                     for name in names)


PG_BATCH = _pg_batch_sql()
PG_FIRST = _pg_first_sql()


def run_pg(conn: Connection, sql: str, params: dict) -> list[tuple]:
    """One statement, its rows; inside a transaction, in a savepoint, so a failure leaves
    the caller's transaction usable (alone on an AUTOCOMMIT connection it is atomic)."""
    autocommit = conn.get_execution_options().get("isolation_level") == "AUTOCOMMIT"
    if autocommit:
        return _execute_raw(conn, sql, params)
    with conn.begin_nested():
        return _execute_raw(conn, sql, params)


def _execute_raw(conn: Connection, sql: str, params: dict) -> list[tuple]:
    # On the driver's cursor: SQLAlchemy's execution context and result set-up cost as
    # much CPU as the rest of a batch. Its errors are raised as SQLAlchemy's, as above.
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []
    except conn.dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(sql, params, exc, conn.dialect.loaded_dbapi.Error) from exc
    finally:
        cursor.close()
