"""Retention: consent records and displays older than their site's retention are deleted,
and the consent-rate roll-ups counted again from what remains."""
from datetime import timedelta
from zoneinfo import ZoneInfo

from ..analytics_models import ConsentRollup, ReconsentRollup
from ..extensions import db
from ..models import ConsentRecord, Impression, Site, VisitorConsent, utcnow
from .analytics.days import local_day
from .analytics.freshness import locked_state, rebuild_all


def purge_expired_records(now=None) -> dict[str, int]:
    """Delete records past each site's retention; returns {site_key: rows deleted}.

    The visitor's current state goes too when its latest record is purged: a state
    we can no longer prove is not a consent. A site that lost rows has its roll-ups
    rebuilt (a visitor's earlier versions feed re-consent counts of later days), and its
    erased counts of days wholly past retention go with those days.
    """
    now = now or utcnow()
    deleted = {}
    for site in db.session.scalars(db.select(Site).order_by(Site.id)).all():
        state = locked_state(site)
        cutoff = now - timedelta(days=site.retention_days)
        old = db.select(ConsentRecord.id).where(ConsentRecord.site_id == site.id,
                                                ConsentRecord.recorded_at < cutoff)
        db.session.execute(db.delete(VisitorConsent).where(
            VisitorConsent.site_id == site.id, VisitorConsent.consent_record_id.in_(old)))
        result = db.session.execute(db.delete(ConsentRecord).where(
            ConsentRecord.site_id == site.id, ConsentRecord.recorded_at < cutoff))
        shown = db.session.execute(db.delete(Impression).where(
            Impression.site_id == site.id, Impression.shown_at < cutoff))
        deleted[site.site_key] = result.rowcount
        if result.rowcount or shown.rowcount:
            first_kept = local_day(cutoff, ZoneInfo(site.time_zone))
            for model in (ConsentRollup, ReconsentRollup):
                db.session.execute(db.delete(model).where(model.site_id == site.id,
                                                          model.day < first_kept))
            rebuild_all(site, state)
        db.session.commit()
    return deleted
