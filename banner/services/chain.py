"""Tamper evidence for the consent log: each of a visitor's records carries a hash of its
own content and of the visitor's previous record's hash, so changing, removing or
reordering a stored record breaks the chain that the proof lookup verifies.

The content is a canonical JSON of every column that states what the visitor decided and
under which terms; values are written as the database gives them back (UUIDs and naive
UTC timestamps as text), so a record read back hashes exactly as it was written.
"""
import hashlib
import json
import uuid
from datetime import datetime

CHAINED = ("id", "site_id", "visitor_id", "banner_version_id", "action", "necessary",
           "functional", "analytics", "advertising", "language", "source", "age_confirmed",
           "gpc", "page_url", "country", "policy_mode", "policy_rule", "device_type",
           "browser_family", "os_family", "ip", "idempotency_key", "client_time",
           "decision_ms", "recorded_at")


def _plain(value):
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(timespec="microseconds")
    return value


# The CHAINED columns that hold UUIDs and timestamps; the others are JSON types already.
_CONVERTED = ("id", "visitor_id", "client_time", "recorded_at")


def record_hash(record, prev_hash: str | None) -> str:
    """The hash of a record (a dict or a row object with the CHAINED fields)."""
    get = record.get if isinstance(record, dict) else lambda name: getattr(record, name)
    content = {name: get(name) for name in CHAINED}
    # Only these converted: every consent write hashes its record, and a conversion call
    # per column was a visible share of the write's CPU.
    for name in _CONVERTED:
        content[name] = _plain(content[name])
    text = json.dumps([prev_hash, content], sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def verify(records: list, last_hash: str | None) -> dict:
    """Whether a visitor's stored records form one intact chain ending at last_hash.

    records: the visitor's rows (any order). Records from before chaining (no hash) are
    counted apart. The chain may begin after purged records (its first prev_hash then
    points at nothing kept): that is reported, not a failure.
    """
    chained = [r for r in records if r.record_hash is not None]
    result = {"verified": False, "records": len(chained), "unchained": len(records) - len(chained),
              "starts_after_purge": False, "problem": None}
    if not chained:
        result["problem"] = "no chained records"
        return result
    by_prev: dict = {}
    for record in chained:
        if record_hash(record, record.prev_hash) != record.record_hash:
            result["problem"] = f"record {record.id} does not match its hash"
            return result
        if record.prev_hash in by_prev:
            result["problem"] = "two records follow the same record"
            return result
        by_prev[record.prev_hash] = record
    hashes = {r.record_hash for r in chained}
    starts = [r for r in chained if r.prev_hash is None or r.prev_hash not in hashes]
    if len(starts) != 1:
        result["problem"] = "the chain is broken"
        return result
    result["starts_after_purge"] = starts[0].prev_hash is not None
    current, seen = starts[0], 1
    while current.record_hash in by_prev:
        current = by_prev[current.record_hash]
        seen += 1
    if seen != len(chained):
        result["problem"] = "the chain is broken"
    elif current.record_hash != last_hash:
        result["problem"] = "the latest record is not the visitor's current state"
    else:
        result["verified"] = True
    return result
