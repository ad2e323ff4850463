"""Erasure of one visitor: identities go, exact counts and a receipt stay."""
import hashlib
import hmac
import uuid
from collections import Counter

from ..dbutil import insert_for
from ..errors import NotFound
from ..extensions import db
from ..models import ConsentRecord, ErasedDecisions, ErasureReceipt, Site, VisitorConsent
from . import audit

records = ConsentRecord.__table__
states = VisitorConsent.__table__
erased = ErasedDecisions.__table__
# The segment of a decision that analytics count: nothing in it names a visitor.
SEGMENT = ("banner_version_id", "action", "source", "language", "device_type",
           "functional", "analytics", "advertising")
UNIQUE_SEGMENT = ("site_id", "banner_version_id", "day", *SEGMENT[1:])


def visitor_hash(site: Site, visitor_id: uuid.UUID) -> str:
    """Names an erased visitor in receipts: the same on one site (a merchant given the
    visitor id can find its receipt), different on every other (not joinable)."""
    return hmac.new(site.ip_salt.encode(), visitor_id.bytes, hashlib.sha256).hexdigest()


def _fold_into_counts(site_id: int, removed) -> None:
    """Add the removed records to the erased-decision counts, one row per day and segment,
    so consent rates computed afterwards are the same as before."""
    counts = Counter()
    for row in removed:
        segment = {"day": row.recorded_at.date(), **{name: getattr(row, name) for name in SEGMENT}}
        segment["device_type"] = segment["device_type"] or "unknown"  # not null in counts
        counts[tuple(segment.items())] += 1
    rows = [{"site_id": site_id, **dict(segment), "count": count}
            for segment, count in counts.items()]
    if not rows:
        return
    upsert = insert_for(erased).values(rows)
    db.session.execute(upsert.on_conflict_do_update(
        index_elements=list(UNIQUE_SEGMENT),
        set_={"count": erased.c.count + upsert.excluded["count"]}))


def erase_visitor(site: Site, visitor_id: uuid.UUID, actor: audit.Actor) -> dict:
    """Delete a visitor's records and current state on a site, in one transaction with
    their counts, a receipt and an audit event; NotFound (writing nothing) when the
    site knows no such visitor."""
    # DELETE ... RETURNING folds exactly the rows this transaction removed, even when
    # a consent is written or another erasure runs at the same time.
    removed = db.session.execute(
        records.delete()
        .where(records.c.site_id == site.id, records.c.visitor_id == visitor_id)
        .returning(records.c.recorded_at, *(records.c[name] for name in SEGMENT))).all()
    state = db.session.execute(states.delete().where(
        states.c.site_id == site.id, states.c.visitor_id == visitor_id))
    if not removed and not state.rowcount:
        db.session.rollback()
        raise NotFound("No consent recorded for this visitor on this site.")
    _fold_into_counts(site.id, removed)
    digest = visitor_hash(site, visitor_id)
    receipt = ErasureReceipt(site_id=site.id, visitor_hash=digest,
                             records_removed=len(removed), actor=actor.label)
    db.session.add(receipt)
    db.session.flush()
    # The hash, never the visitor id: the log must not undo the erasure.
    audit.record(actor, "visitor.erased", site.id, receipt_id=receipt.id,
                 records_removed=len(removed), visitor_hash=digest)
    answer = {"id": receipt.id, "site_key": site.site_key, "erased_at": receipt.erased_at,
              "records_removed": receipt.records_removed, "visitor_hash": digest}
    db.session.commit()
    return answer
