"""Keeping a site's roll-ups current without touching the consent write path.

Consents are written by the request (or its group committer) with recorded_at set to the
time of the request; a record can become visible a little after that time (it commits
later). A refresh therefore looks again at everything recorded since LAG before the
previous refresh: when the count of those records or displays moved, the days they fall
on are compared with their roll-ups and rebuilt if they differ. Older rows cannot change
except by purge and erasure, which rebuild what they touch.
"""
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from ...analytics_models import AnalyticsState
from ...dbutil import insert_for
from ...extensions import db
from ...models import ConsentRecord, Impression, Site, utcnow
from .days import days_between, local_day, utc_window
from .rollups import day_totals, delete_counts, insert_counts, insert_reconsent
from .span import Span

# Far longer than a consent write can take to commit (the group committer gives up after
# seconds): a record recorded before refreshed_until - LAG is visible by then.
LAG = timedelta(minutes=10)
records, displays = ConsentRecord.__table__, Impression.__table__


def day_span(site: Site, day: date, visitor=None) -> Span:
    return Span(site.id, *utc_window(day, ZoneInfo(site.time_zone)), site.time_zone, day,
                visitor)


def locked_state(site: Site) -> AnalyticsState:
    """The site's analytics state, locked until commit: refreshes, purges and erasures of
    one site take turns (two rebuilding the same day would count it twice)."""
    db.session.execute(insert_for(AnalyticsState.__table__).values(
        site_id=site.id, time_zone=site.time_zone, refreshed_until=None)
        .on_conflict_do_nothing(index_elements=["site_id"]))
    return db.session.scalars(sa.select(AnalyticsState).filter_by(site_id=site.id)
                              .with_for_update().execution_options(populate_existing=True)).one()


def rebuild_days(site: Site, days) -> None:
    """Count these days again (the caller holds the site's lock)."""
    days = list(days)
    delete_counts(site.id, days)
    for day in days:
        span = day_span(site, day)
        insert_counts(span, erased=False)
        insert_reconsent(span, erased=False)


def rebuild_site(site: Site) -> None:
    """Every day of the site counted again from its records and displays (erased counts
    kept): after a change of time zone or a bulk load."""
    state = locked_state(site)
    rebuild_all(site, state)
    db.session.commit()


def rebuild_all(site: Site, state: AnalyticsState) -> None:
    """rebuild_site within the caller's transaction, the state already locked."""
    now = utcnow()
    delete_counts(site.id)
    first, last = _data_span(site.id)
    if first is not None:
        zone = ZoneInfo(site.time_zone)
        first, last = local_day(first, zone), local_day(last, zone)
        if db.session.get_bind().dialect.name == "postgresql":  # every day in one pass
            # Grouping a whole site by every slice outgrows the default 4 MB and spills to
            # disk; this transaction only.
            db.session.execute(sa.text("SET LOCAL work_mem = '256MB'"))
            span = Span(site.id, utc_window(first, zone)[0], utc_window(last, zone)[1],
                        site.time_zone, None)
            insert_counts(span, erased=False)
            insert_reconsent(span, erased=False)
        else:
            rebuild_days(site, days_between(first, last))
    _mark_refreshed(state, site, now)


def refresh(site: Site) -> None:
    """Bring the site's roll-ups up to now (see the module's docstring). When nothing
    changed, it only reads: asking for stats neither writes nor waits for a lock."""
    state = db.session.get(AnalyticsState, site.id, populate_existing=True)
    if state is not None and state.refreshed_until is not None \
            and state.time_zone == site.time_zone \
            and _tail_counts(site.id, state.refreshed_until - LAG) == (state.tail_records,
                                                                        state.tail_displays):
        return  # the caller's read goes on in this transaction: nothing to wait for
    db.session.rollback()
    state = locked_state(site)
    now = utcnow()
    if state.refreshed_until is None or state.time_zone != site.time_zone:
        rebuild_all(site, state)
    else:
        zone = ZoneInfo(site.time_zone)
        days = days_between(local_day(state.refreshed_until - LAG, zone), local_day(now, zone))
        rebuild_days(site, [day for day in days
                            if not _current(day_totals(day_span(site, day)))])
        _mark_refreshed(state, site, now)
    db.session.commit()


def _current(totals) -> bool:
    raw, rolled = totals
    return raw == rolled


def _mark_refreshed(state: AnalyticsState, site: Site, now) -> None:
    """Remember when, in which zone, and what the next refresh compares with."""
    state.time_zone, state.refreshed_until = site.time_zone, now
    state.tail_records, state.tail_displays = _tail_counts(site.id, now - LAG)


def _tail_counts(site_id: int, since) -> tuple[int, int]:
    """Records and displays of the site recorded since a time (a short index range)."""
    def count(table, column):
        return sa.select(sa.func.count()).where(table.c.site_id == site_id,
                                                column >= since).scalar_subquery()
    row = db.session.execute(sa.select(count(records, records.c.recorded_at),
                                       count(displays, displays.c.shown_at))).one()
    return row[0], row[1]


def _data_span(site_id: int):
    """(earliest, latest) time of any record or display of the site; (None, None) if none."""
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
