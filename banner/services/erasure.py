"""Erasure of one visitor: identities go, exact counts and a receipt stay."""
import hashlib
import hmac
import uuid
from collections import Counter

from ..dbutil import insert_for
from ..errors import NotFound
from ..extensions import db
from ..models import (ConsentRecord, ErasedDecisions, ErasureReceipt, Impression, Site,
                      VisitorConsent)
from . import audit
from .analytics.freshness import day_span, days_of, locked_state, rebuild_days
from .analytics.rollups import insert_counts, insert_reconsent

records = ConsentRecord.__table__
states = VisitorConsent.__table__
displays = Impression.__table__
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
    """Add the removed records to the erased-decision counts (every record, by UTC day
    and segment): what the erasure took, as the receipt's complement."""
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


def _visitor_days(site: Site, visitor_id: uuid.UUID) -> list:
    """The days (site time zone) on which the visitor decided or was shown the banner."""
    moments = db.session.scalars(
        db.select(records.c.recorded_at).where(records.c.site_id == site.id,
                                               records.c.visitor_id == visitor_id)
        .union_all(db.select(displays.c.shown_at).where(displays.c.site_id == site.id,
                                                         displays.c.visitor_id == visitor_id)))
    return days_of(site, moments)


def _keep_analytics(site: Site, visitor_id: uuid.UUID, days: list) -> None:
    """Move the visitor's share of the consent-rate roll-ups to erased counts, so the
    rates read afterwards are the same as before (the caller deletes, then rebuilds)."""
    for day in days:
        span = day_span(site, day, visitor_id)
        insert_counts(span, erased=True)
        insert_reconsent(span, erased=True)


def erase_visitor(site: Site, visitor_id: uuid.UUID, actor: audit.Actor) -> dict:
    """Delete a visitor's records, displays and current state on a site, in one
    transaction with their counts, a receipt and an audit event; NotFound (writing
    nothing) when the site knows no such visitor."""
    locked_state(site)  # no roll-up refresh of this site meanwhile
    days = _visitor_days(site, visitor_id)
    _keep_analytics(site, visitor_id, days)
    # DELETE ... RETURNING folds exactly the rows this transaction removed, even when
    # a consent is written or another erasure runs at the same time.
    removed = db.session.execute(
        records.delete()
        .where(records.c.site_id == site.id, records.c.visitor_id == visitor_id)
        .returning(records.c.recorded_at, *(records.c[name] for name in SEGMENT))).all()
    state = db.session.execute(states.delete().where(
        states.c.site_id == site.id, states.c.visitor_id == visitor_id))
    shown = db.session.execute(displays.delete().where(
        displays.c.site_id == site.id, displays.c.visitor_id == visitor_id))
    if not removed and not state.rowcount and not shown.rowcount:
        db.session.rollback()
        raise NotFound("No consent recorded for this visitor on this site.")
    _fold_into_counts(site.id, removed)
    rebuild_days(site, days)
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
