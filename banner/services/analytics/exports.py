"""Streamed exports: the raw proof records (CSV or JSON Lines) and the aggregates (CSV or
JSON). Records leave as byte chunks while they are read (record_export.py), so memory
stays flat however long the range."""
import csv
import io
import json
from collections.abc import Callable, Iterator
from datetime import date
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from ...errors import Invalid
from ...extensions import db
from ...models import ConsentRecord
from . import record_export
from .days import utc_window
from .record_export import neutralised
from .stats import site_of, stats

BOM = "\ufeff"  # Excel reads UTF-8 (Arabic included) only when the file starts with it
MAX_EXPORT_DAYS = 20 * 366  # the longest retention a site can have
STATS_COLUMNS = (
    "displays", "visitors_shown", "decisions", "visitors_decided", "interaction_rate",
    "ignore_rate", "accept_all_share", "reject_all_share", "custom_share",
    "opt_in_functional", "opt_in_analytics", "opt_in_advertising", "any_optional_rate",
    "withdrawals", "gpc_seen", "gpc_applied", "decision_ms_median", "decision_ms_p90",
    "first_layer", "preferences")
RECORD_COLUMNS = record_export.COLUMNS
records = ConsentRecord.__table__


def _checked(start: date, end: date) -> None:
    if start > end:
        raise Invalid("The range ends before it starts.", {"from": ["Must not be after to."]})
    if (end - start).days + 1 > MAX_EXPORT_DAYS:
        raise Invalid("The range is longer than any retention.",
                      {"to": [f"At most {MAX_EXPORT_DAYS} days after from."]})


def _window(site_id: int, start: date, end: date):
    """(zone, first instant, end instant) of a range of the site's days, in naive UTC."""
    zone = ZoneInfo(site_of(site_id).time_zone)
    return zone, utc_window(start, zone)[0], utc_window(end, zone)[1]


def count_consents(site_id: int, start: date, end: date) -> int:
    """How many records an export of the range streams (for a progress bar)."""
    _checked(start, end)
    _, first, last = _window(site_id, start, end)
    return db.session.scalar(sa.select(sa.func.count()).select_from(records).where(
        records.c.site_id == site_id, records.c.recorded_at >= first,
        records.c.recorded_at < last))


def export_consents(site_id: int, start: date, end: date, fmt: str,
                    on_rows: Callable[[int], object] | None = None) -> Iterator[bytes]:
    """The raw records of a range (days in the site's time zone), oldest first, as CSV
    (UTF-8 with BOM, formulas neutralised) or JSON Lines. on_rows, if given, hears how
    many records each chunk carried (progress). Refusals are raised here, before any byte."""
    if fmt not in ("csv", "jsonl"):
        raise Invalid("Unknown export format.", {"format": ["One of csv, jsonl."]})
    _checked(start, end)
    window = _window(site_id, start, end)
    return _stream(fmt, site_id, window, on_rows or (lambda count: None))


def _stream(fmt, site_id, window, on_rows) -> Iterator[bytes]:
    if fmt == "csv":
        yield (BOM + ",".join(RECORD_COLUMNS) + "\n").encode()
    if record_export.uses_copy():
        for chunk in record_export.copied(fmt, site_id, *window):
            yield chunk
            on_rows(chunk.count(b"\n"))  # one line a record: no value holds a newline
    else:
        for rows in record_export.partitions(site_id, *window):
            yield record_export.formatted(fmt, rows)
            on_rows(len(rows))


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
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*answer["group_by"], *STATS_COLUMNS])
    groups = answer["groups"] if answer["group_by"] else [{"key": {}, "metrics": answer["totals"]}]
    for group in groups:
        writer.writerow([neutralised(value) for value in
                         [*group["key"].values(), *_flat(group["metrics"])]])
    return iter([buffer.getvalue().encode()])
