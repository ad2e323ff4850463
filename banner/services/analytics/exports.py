"""Streamed exports: the raw proof records (CSV or JSON Lines) and the aggregates (CSV or
JSON). Rows come from a server-side cursor in partitions and leave as byte chunks, so
memory stays flat however long the range."""
import csv
import io
import json
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from ...errors import Invalid
from ...extensions import db
from ...models import BannerVersion, ConsentRecord
from .days import utc_window
from .stats import site_of, stats

BOM = "\ufeff"  # Excel reads UTF-8 (Arabic included) only when the file starts with it
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PARTITION = 5000
MAX_EXPORT_DAYS = 20 * 366  # the longest retention a site can have
RECORD_COLUMNS = (
    "id", "recorded_at", "day", "visitor_id", "version", "action", "necessary", "functional",
    "analytics", "advertising", "language", "source", "age_confirmed", "gpc", "policy_mode",
    "policy_rule", "country", "device_type", "browser_family", "os_family", "page_url", "ip",
    "client_time", "decision_ms", "idempotency_key", "prev_hash", "record_hash")
STATS_COLUMNS = (
    "displays", "visitors_shown", "decisions", "visitors_decided", "interaction_rate",
    "ignore_rate", "accept_all_share", "reject_all_share", "custom_share",
    "opt_in_functional", "opt_in_analytics", "opt_in_advertising", "any_optional_rate",
    "withdrawals", "gpc_seen", "gpc_applied", "decision_ms_median", "decision_ms_p90",
    "first_layer", "preferences")
records = ConsentRecord.__table__


def neutralised(value):
    """A text cell that a spreadsheet would run as a formula, quoted to stay text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _timestamp(value: datetime | None) -> str | None:
    return value.isoformat(timespec="microseconds") + "Z" if value else None


def _checked(start: date, end: date) -> None:
    if start > end:
        raise Invalid("The range ends before it starts.", {"from": ["Must not be after to."]})
    if (end - start).days + 1 > MAX_EXPORT_DAYS:
        raise Invalid("The range is longer than any retention.",
                      {"to": [f"At most {MAX_EXPORT_DAYS} days after from."]})


def _where(site_id: int, start: date, end: date):
    zone = ZoneInfo(site_of(site_id).time_zone)
    return zone, (records.c.site_id == site_id,
                  records.c.recorded_at >= utc_window(start, zone)[0],
                  records.c.recorded_at < utc_window(end, zone)[1])


def count_consents(site_id: int, start: date, end: date) -> int:
    """How many records an export of the range streams (for a progress bar)."""
    _checked(start, end)
    _, where = _where(site_id, start, end)
    return db.session.scalar(sa.select(sa.func.count()).select_from(records).where(*where))


def _record_dicts(site_id: int, start: date, end: date) -> Iterator[list[dict]]:
    """Partitions of records, oldest first, as plain dicts of RECORD_COLUMNS."""
    zone, where = _where(site_id, start, end)
    columns = [records.c[name] for name in RECORD_COLUMNS if name not in ("day", "version")]
    statement = (sa.select(*columns, BannerVersion.number.label("version"))
                 .join(BannerVersion, BannerVersion.id == records.c.banner_version_id)
                 .where(*where).order_by(records.c.recorded_at, records.c.id)
                 .execution_options(yield_per=PARTITION))
    offset = None
    for partition in db.session.execute(statement).partitions():
        rows = []
        for row in partition:
            item = row._asdict()
            moment = item["recorded_at"]
            # Offsets only change at DST: one lookup per partition and change, not per row.
            if offset is None or not offset[0] <= moment < offset[1]:
                offset = _offset_span(moment, zone)
            item["day"] = (moment + offset[2]).date().isoformat()
            item["id"], item["visitor_id"] = str(item["id"]), str(item["visitor_id"])
            item["recorded_at"] = _timestamp(moment)
            item["client_time"] = _timestamp(item["client_time"])
            rows.append(item)
        yield rows


def _offset_span(moment: datetime, zone: ZoneInfo) -> tuple[datetime, datetime, timedelta]:
    """(from, until, UTC offset): the hour around a moment over which the offset holds."""
    start = moment.replace(minute=0, second=0, microsecond=0)
    offset = start.replace(tzinfo=timezone.utc).astimezone(zone).utcoffset()
    end = start + timedelta(hours=1)
    if end.replace(tzinfo=timezone.utc).astimezone(zone).utcoffset() != offset:
        end = moment + timedelta(microseconds=1)  # a changing hour: one row at a time
    return start, end, offset


def export_consents(site_id: int, start: date, end: date, fmt: str,
                    on_rows: Callable[[int], object] | None = None) -> Iterator[bytes]:
    """The raw records of a range (days in the site's time zone), as CSV or JSON Lines;
    on_rows, if given, hears how many records each chunk carried (progress)."""
    if fmt not in ("csv", "jsonl"):
        raise Invalid("Unknown export format.", {"format": ["One of csv, jsonl."]})
    _checked(start, end)
    site_of(site_id)  # NotFound before the first byte, not in the middle of a stream
    partitions = _record_dicts(site_id, start, end)
    if on_rows is not None:
        partitions = _counted(partitions, on_rows)
    return _csv_records(partitions) if fmt == "csv" else _jsonl_records(partitions)


def _counted(partitions, on_rows):
    for rows in partitions:
        yield rows
        on_rows(len(rows))


def _csv_records(partitions) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow(RECORD_COLUMNS)
    for rows in partitions:
        writer.writerows([neutralised(row[name]) for name in RECORD_COLUMNS] for row in rows)
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue().encode()


def _jsonl_records(partitions) -> Iterator[bytes]:
    for rows in partitions:
        yield "".join(json.dumps({name: row[name] for name in RECORD_COLUMNS},
                                 ensure_ascii=False) + "\n" for row in rows).encode()


def _flat(metrics: dict) -> list:
    flat = {**metrics, **{f"opt_in_{k}": v for k, v in metrics["opt_in"].items()},
            "decision_ms_median": metrics["decision_ms"]["median"],
            "decision_ms_p90": metrics["decision_ms"]["p90"]}
    return [flat[name] for name in STATS_COLUMNS]


def export_stats(site_id: int, start: date, end: date, group_by: tuple[str, ...],
                 fmt: str) -> Iterator[bytes]:
    """The aggregates of stats(): JSON as stats() answers, or CSV with one row per group
    (the totals when nothing is grouped). Refusals are raised here, before any byte."""
    if fmt not in ("csv", "json"):
        raise Invalid("Unknown export format.", {"format": ["One of csv, json."]})
    answer = stats(site_id, start, end, group_by)
    if fmt == "json":
        return iter([json.dumps(answer, ensure_ascii=False, indent=1).encode()])
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer)
    writer.writerow([*answer["group_by"], *STATS_COLUMNS])
    groups = answer["groups"] if answer["group_by"] else [{"key": {}, "metrics": answer["totals"]}]
    for group in groups:
        writer.writerow([neutralised(value) for value in
                         [*group["key"].values(), *_flat(group["metrics"])]])
    return iter([buffer.getvalue().encode()])
