"""Keeping a site's roll-ups current without touching the consent write path.

Consents are written by the request (or its group committer) with recorded_at set to the
time of the request; a record can become visible a little after that time (it commits
later). So every refresh re-checks the days from LAG before the previous refresh to now,
and rebuilds any whose record or display count differs from its roll-up. Days older than
that cannot change except by purge and erasure, which rebuild what they touch.
"""
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from ...dbutil import insert_for
from ...extensions import db
from ...models import AnalyticsState, ConsentRecord, ConsentRollup, Impression, \
    ReconsentRollup, Site, utcnow
from .days import days_between, local_day, utc_window
from .rollups import day_totals, rebuild_day

# Far longer than a consent write can take to commit (the group committer gives up after
# seconds): a record recorded before refreshed_until - LAG is visible by then.
LAG = timedelta(minutes=10)


def locked_state(site: Site) -> AnalyticsState:
    """The site's analytics state, locked until commit: refreshes, purges and erasures of
    one site take turns (two rebuilding the same day would count it twice)."""
    db.session.execute(insert_for(AnalyticsState.__table__).values(
        site_id=site.id, time_zone=site.time_zone, refreshed_until=None)
        .on_conflict_do_nothing(index_elements=["site_id"]))
    return db.session.scalars(sa.select(AnalyticsState).filter_by(site_id=site.id)
                              .with_for_update().execution_options(populate_existing=True)).one()


def rebuild_days(site: Site, days) -> None:
    zone = ZoneInfo(site.time_zone)
    for day in days:
        rebuild_day(site.id, day, *utc_window(day, zone))


def rebuild_site(site: Site) -> None:
    """Every day of the site counted again from its records and displays (erased counts
    kept): after a change of time zone or a bulk load."""
    state = locked_state(site)
    rebuild_all(site, state)
    db.session.commit()


def rebuild_all(site: Site, state: AnalyticsState) -> None:
    """rebuild_site within the caller's transaction, the state already locked."""
    zone = ZoneInfo(site.time_zone)
    for table in (ConsentRollup.__table__, ReconsentRollup.__table__):
        db.session.execute(table.delete().where(table.c.site_id == site.id,
                                                table.c.erased.is_(False)))
    first, last = _data_span(site.id)
    if first is not None:
        rebuild_days(site, days_between(local_day(first, zone), local_day(last, zone)))
    state.time_zone, state.refreshed_until = site.time_zone, utcnow()


def refresh(site: Site) -> None:
    """Bring the site's roll-ups up to now (see the module's docstring). When nothing
    changed, only reads: asking for stats does not write, nor wait for another refresh."""
    state = db.session.get(AnalyticsState, site.id, populate_existing=True)
    now = utcnow()
    if state is not None and state.refreshed_until is not None \
            and state.time_zone == site.time_zone and not _stale_days(site, state, now) \
            and now - state.refreshed_until < LAG / 2:
        db.session.rollback()
        return
    db.session.rollback()
    state = locked_state(site)
    if state.refreshed_until is None or state.time_zone != site.time_zone:
        rebuild_all(site, state)
    else:
        rebuild_days(site, _stale_days(site, state, now))
        state.refreshed_until = now
    db.session.commit()


def _stale_days(site: Site, state: AnalyticsState, now) -> list[date]:
    """The days from LAG before the last refresh to now whose counts moved since."""
    zone = ZoneInfo(site.time_zone)
    stale = []
    for day in days_between(local_day(state.refreshed_until - LAG, zone), local_day(now, zone)):
        raw, rolled = day_totals(site.id, day, *utc_window(day, zone))
        if raw != rolled:
            stale.append(day)
    return stale


def _data_span(site_id: int):
    """(earliest, latest) time of any record or display of the site; (None, None) if none."""
    records, displays = ConsentRecord.__table__, Impression.__table__
    spans = [db.session.execute(sa.select(sa.func.min(column), sa.func.max(column))
                                .where(table.c.site_id == site_id)).one()
             for table, column in ((records, records.c.recorded_at),
                                   (displays, displays.c.shown_at))]
    lows = [low for low, _ in spans if low is not None]
    highs = [high for _, high in spans if high is not None]
    return (min(lows), max(highs)) if lows else (None, None)


def days_of(site: Site, moments) -> list[date]:
    """The distinct local days of some naive-UTC times, in order."""
    zone = ZoneInfo(site.time_zone)
    return sorted({local_day(moment, zone) for moment in moments})
