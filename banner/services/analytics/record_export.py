"""The raw records of a range, as CSV rows or JSON objects, in two interchangeable ways:
PostgreSQL's COPY formats them in the database and streams its output (the Python loop
only forwards bytes, so a large export runs at the database's speed); elsewhere (SQLite)
rows are read in partitions from a cursor and formatted here. Both give the same CSV."""
import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from ...extensions import db
from ...models import BannerVersion, ConsentRecord

COLUMNS = (
    "id", "recorded_at", "day", "visitor_id", "version", "action", "necessary", "functional",
    "analytics", "advertising", "language", "source", "age_confirmed", "gpc", "policy_mode",
    "policy_rule", "country", "device_type", "browser_family", "os_family", "page_url", "ip",
    "client_time", "decision_ms", "idempotency_key", "prev_hash", "record_hash")
BOOLEANS = {"necessary", "functional", "analytics", "advertising", "age_confirmed", "gpc"}
NUMBERS = {"version", "policy_rule", "decision_ms"}
TIMES = {"recorded_at", "client_time"}
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The text a client chooses: its User-Agent (browser and OS families), page and key. The
# other text columns are checked on the way in (enums, language and country codes, our
# own IP forms, hex hashes) and cannot start with those characters; checking only these
# keeps COPY fast.
CLIENT_TEXT = {"browser_family", "os_family", "page_url", "idempotency_key"}
PARTITION = 5000
CHUNK = 64 * 1024  # COPY hands over small pieces; the response gets fewer, larger ones
records = ConsentRecord.__table__


def neutralised(value):
    """A text cell that a spreadsheet would run as a formula, quoted to stay text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def uses_copy() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


# --- PostgreSQL: COPY (SELECT ...) TO STDOUT -------------------------------------------

def _sql_cell(name: str, for_csv: bool) -> str:
    """One output cell in SQL (for CSV, as text the CSV shows)."""
    column = "v.number" if name == "version" else f"r.{name}"
    if name == "day":
        return "((r.recorded_at AT TIME ZONE 'UTC') AT TIME ZONE %(tz)s)::date::text"
    if name in ("id", "visitor_id"):
        return f"{column}::text"
    if name in TIMES:  # timestamp text costs far less than to_char
        return f"replace({column}::text, ' ', 'T') || 'Z'"
    if name in NUMBERS or not for_csv:
        return column
    if name in BOOLEANS:
        return f"{column}::text"  # true / false
    if name not in CLIENT_TEXT:
        return column
    codes = ", ".join(str(ord(c)) for c in FORMULA_STARTS)  # ascii(): the first character
    return f"CASE WHEN ascii({column}) IN ({codes}) THEN '''' || {column} ELSE {column} END"


def _select_sql(for_csv: bool) -> str:
    cells = [_sql_cell(name, for_csv) for name in COLUMNS]
    if for_csv:
        selected = ", ".join(cells)
    else:
        pairs = ", ".join(f"'{name}', {cell}" for name, cell in zip(COLUMNS, cells))
        selected = f"json_build_object({pairs})::text"
    return (f"SELECT {selected} FROM consent_record r "
            "JOIN banner_version v ON v.id = r.banner_version_id "
            "WHERE r.site_id = %(site)s AND r.recorded_at >= %(lo)s AND r.recorded_at < %(hi)s "
            "ORDER BY r.recorded_at, r.id")


# CSV for spreadsheets; for JSON Lines, CSV framing with a quote and delimiter that JSON
# text never holds raw (it escapes control characters), so each object leaves verbatim.
COPY_SQL = {
    "csv": f"COPY ({_select_sql(True)}) TO STDOUT WITH (FORMAT csv)",
    "jsonl": f"COPY ({_select_sql(False)}) TO STDOUT WITH (FORMAT csv, QUOTE E'\\x01', "
             "DELIMITER E'\\x02')",
}


def copied(fmt: str, site_id: int, zone: ZoneInfo, start: datetime, end: datetime
           ) -> Iterator[bytes]:
    """The rows as the database formats them, in chunks of about CHUNK bytes."""
    connection = db.session.connection().connection.driver_connection
    params = {"site": site_id, "tz": zone.key, "lo": start, "hi": end}
    pending, size = [], 0
    with connection.cursor().copy(COPY_SQL[fmt], params) as copy:
        for data in copy:
            pending.append(bytes(data))
            size += len(data)
            if size >= CHUNK:
                yield b"".join(pending)
                pending, size = [], 0
    if pending:
        yield b"".join(pending)


# --- Elsewhere: rows formatted here --------------------------------------------------

def _time_text(value: datetime) -> str:
    """ISO 8601 in UTC as PostgreSQL writes a timestamp: microseconds only when there are
    any, without trailing zeros."""
    text = value.isoformat()
    return (text.rstrip("0") if value.microsecond else text) + "Z"


def _python_cell(name: str, value):
    if value is None:
        return None
    if name in TIMES:
        return _time_text(value)
    if name in ("id", "visitor_id"):
        return str(value)
    return value


def _offset_span(moment: datetime, zone: ZoneInfo) -> tuple[datetime, datetime, timedelta]:
    """(from, until, UTC offset): the hour around a moment over which the offset holds."""
    start = moment.replace(minute=0, second=0, microsecond=0)
    offset = start.replace(tzinfo=UTC).astimezone(zone).utcoffset()
    end = start + timedelta(hours=1)
    if end.replace(tzinfo=UTC).astimezone(zone).utcoffset() != offset:
        end = moment + timedelta(microseconds=1)  # a changing hour: one row at a time
    return start, end, offset


def partitions(site_id: int, zone: ZoneInfo, start: datetime, end: datetime
               ) -> Iterator[list[dict]]:
    """Partitions of records, oldest first, as dicts of COLUMNS (JSON-ready values)."""
    statement = (sa.select(*(records.c[name] for name in COLUMNS if name not in ("day",
                                                                                   "version")),
                           BannerVersion.number.label("version"))
                 .join(BannerVersion, BannerVersion.id == records.c.banner_version_id)
                 .where(records.c.site_id == site_id, records.c.recorded_at >= start,
                        records.c.recorded_at < end)
                 .order_by(records.c.recorded_at, records.c.id)
                 .execution_options(yield_per=PARTITION))
    offset = None
    for partition in db.session.execute(statement).partitions():
        rows = []
        for row in partition:
            item = {name: _python_cell(name, value) for name, value in row._mapping.items()}
            moment = row.recorded_at
            if offset is None or not offset[0] <= moment < offset[1]:
                offset = _offset_span(moment, zone)  # offsets change at DST only
            item["day"] = (moment + offset[2]).date().isoformat()
            rows.append(item)
        yield rows


def _csv_value(name: str, value):
    if name in BOOLEANS and value is not None:
        return "true" if value else "false"
    return neutralised(value) if name in CLIENT_TEXT else value


def formatted(fmt: str, rows: list[dict]) -> bytes:
    """A partition as CSV lines (as COPY writes them) or JSON Lines."""
    if fmt == "jsonl":
        return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode()
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(
        [_csv_value(name, row[name]) for name in COLUMNS] for row in rows)
    return buffer.getvalue().encode()
