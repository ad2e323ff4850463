"""Retention: consent records older than their site's retention are deleted."""
from datetime import timedelta

from ..extensions import db
from ..models import ConsentRecord, Site, VisitorConsent, utcnow


def purge_expired_records(now=None) -> dict[str, int]:
    """Delete records past each site's retention; returns {site_key: rows deleted}.

    The visitor's current state goes too when its latest record is purged: a state
    we can no longer prove is not a consent.
    """
    now = now or utcnow()
    deleted = {}
    for site in db.session.scalars(db.select(Site).order_by(Site.id)):
        cutoff = now - timedelta(days=site.retention_days)
        old = db.select(ConsentRecord.id).where(ConsentRecord.site_id == site.id,
                                                ConsentRecord.recorded_at < cutoff)
        db.session.execute(db.delete(VisitorConsent).where(
            VisitorConsent.site_id == site.id, VisitorConsent.consent_record_id.in_(old)))
        result = db.session.execute(db.delete(ConsentRecord).where(
            ConsentRecord.site_id == site.id, ConsentRecord.recorded_at < cutoff))
        deleted[site.site_key] = result.rowcount
    db.session.commit()
    return deleted
