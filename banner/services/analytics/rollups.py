"""The SQL that rolls one day of a site up: consent_record and impression rows in, counts
per slice out (README, "Consent analytics", says what each count is).

A visitor-day is one visitor on one day in the site's time zone; its last decision (by
recorded_at, then record id) is the one counted, so a visitor who changes their mind twice
in a day counts once. The same statements, narrowed to one visitor, give what an erasure
must keep (see erasure.py).
"""
import uuid
from datetime import date, datetime

import sqlalchemy as sa

from ...extensions import db
from ...models import (DECISION_MS_BUCKETS, DECISION_MS_EDGES, ROLLUP_COUNTS, BannerVersion,
                       ConsentRecord, ConsentRollup, Impression, ReconsentRollup)

records = ConsentRecord.__table__
displays = Impression.__table__
versions = BannerVersion.__table__
rollup = ConsentRollup.__table__
reconsent = ReconsentRollup.__table__
# The slice of a count; displays have no source (a display precedes any decision).
KEY = ("banner_version_id", "language", "device_type", "browser_family", "os_family",
       "country", "source", "policy_mode")
COUNTS = ROLLUP_COUNTS + DECISION_MS_BUCKETS
# Every day is kept at these grains (the slice columns each keeps), coarsest first: a
# question reads the first grain that has its dimensions, so a daily total sums one row a
# day instead of every slice. The last, every column, answers any combination. Changing
# this list needs `flask banner refresh-analytics --rebuild`.
GRAINS = ((), ("banner_version_id",), ("language",), ("device_type",), ("browser_family",),
          ("os_family",), ("country",), ("source",), ("policy_mode",),
          ("device_type", "browser_family"), ("banner_version_id", "language"),
          ("country", "policy_mode"), ("device_type", "browser_family", "os_family"), KEY)
FINEST = len(GRAINS) - 1


def grain_for(columns) -> int:
    """The coarsest grain keeping every one of these slice columns."""
    wanted = set(columns)
    return next(n for n, grain in enumerate(GRAINS) if wanted <= set(grain))


def _flag(condition) -> sa.ColumnElement:
    return sa.case((condition, 1), else_=0)


def _bucket(ms) -> sa.ColumnElement:
    """The decision-time bucket of a value (None when the snippet sent no time)."""
    return sa.case((ms.is_(None), None),
                   *((ms < edge, n) for n, edge in enumerate(DECISION_MS_EDGES)),
                   else_=len(DECISION_MS_EDGES))


def _last_decisions(site_id: int, start: datetime, end: datetime, visitor: uuid.UUID | None):
    """Each visitor-day's last decision in [start, end), with whether the visitor made a
    decision of their own that day (not only the automatic GPC opt-out) and was shown the
    banner that day."""
    where = [records.c.site_id == site_id, records.c.recorded_at >= start,
             records.c.recorded_at < end]
    if visitor is not None:
        where.append(records.c.visitor_id == visitor)
    by_visitor = {"partition_by": records.c.visitor_id}
    ranked = sa.select(
        *(records.c[name] for name in KEY), records.c.visitor_id, records.c.action,
        records.c.functional, records.c.analytics, records.c.advertising, records.c.gpc,
        _bucket(records.c.decision_ms).label("bucket"),
        sa.func.row_number().over(**by_visitor, order_by=(
            records.c.recorded_at.desc(), records.c.id.desc())).label("rank"),
        sa.func.max(_flag(records.c.source != "gpc")).over(**by_visitor).label("own"),
    ).where(*where).subquery("ranked")
    shown = sa.exists().where(displays.c.site_id == site_id,
                              displays.c.visitor_id == ranked.c.visitor_id,
                              displays.c.shown_at >= start, displays.c.shown_at < end)
    return sa.select(ranked, _flag(sa.and_(ranked.c.own == 1, shown)).label("interacted")) \
        .where(ranked.c.rank == 1).subquery("last")


def _counts(given: dict) -> list:
    """Every count column, 0 unless given, in COUNTS order."""
    return [given.get(name, sa.literal_column("0")).label(name) for name in COUNTS]


def _decision_counts(last) -> sa.Select:
    c = last.c
    optional = sa.or_(c.functional, c.analytics, c.advertising)
    given = {
        "visitors_decided": sa.literal_column("1"), "interacted": c.interacted,
        "accept_all": _flag(c.action == "accept_all"), "reject_all": _flag(c.action == "reject_all"),
        "custom": _flag(c.action == "custom"), "withdrawals": _flag(c.action == "withdraw"),
        "functional": _flag(c.functional), "analytics": _flag(c.analytics),
        "advertising": _flag(c.advertising), "any_optional": _flag(optional),
        "gpc_seen": _flag(c.gpc), "gpc_applied": _flag(sa.and_(c.gpc, sa.not_(c.advertising))),
        "first_layer": _flag(c.source == "banner"), "preferences": _flag(c.source == "preferences"),
        **{name: _flag(c.bucket == n) for n, name in enumerate(DECISION_MS_BUCKETS)},
    }
    return sa.select(*(c[name] for name in KEY), *_counts(given))


def _record_counts(site_id, start, end, visitor) -> sa.Select:
    """Every decision recorded, in the slice of its own record."""
    where = [records.c.site_id == site_id, records.c.recorded_at >= start,
             records.c.recorded_at < end]
    if visitor is not None:
        where.append(records.c.visitor_id == visitor)
    return sa.select(*(records.c[name] for name in KEY),
                     *_counts({"decisions": sa.literal_column("1")})).where(*where)


def _display_counts(site_id, start, end, visitor) -> sa.Select:
    """Displays, and visitor-days shown (counted on the visitor's first display)."""
    where = [displays.c.site_id == site_id, displays.c.shown_at >= start,
             displays.c.shown_at < end]
    if visitor is not None:
        where.append(displays.c.visitor_id == visitor)
    first = sa.func.row_number().over(partition_by=displays.c.visitor_id, order_by=(
        displays.c.shown_at, displays.c.id))
    ranked = sa.select(*(displays.c[name] for name in KEY if name != "source"),
                       first.label("rank")).where(*where).subquery("shown")
    return sa.select(*(ranked.c[name] if name != "source" else
                       sa.cast(sa.null(), sa.String).label("source") for name in KEY),
                     *_counts({"displays": sa.literal_column("1"),
                               "visitors_shown": _flag(ranked.c.rank == 1)}))


def _insert_counts(site_id: int, day: date, start: datetime, end: datetime,
                   visitor: uuid.UUID | None, erased: bool) -> None:
    """The day's counts at the finest grain, then each coarser grain summed from them."""
    parts = sa.union_all(_decision_counts(_last_decisions(site_id, start, end, visitor)),
                         _record_counts(site_id, start, end, visitor),
                         _display_counts(site_id, start, end, visitor)).subquery("parts")
    keys = [parts.c[name] for name in KEY]
    summed = sa.select(sa.literal(site_id), sa.literal(day), sa.literal(erased),
                       sa.literal(FINEST), *keys,
                       *(sa.func.sum(parts.c[name]) for name in COUNTS)).group_by(*keys)
    # Rows after this id are the ones inserted now: the site's lock keeps others out.
    before = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(rollup.c.id), 0)))
    db.session.execute(rollup.insert().from_select(
        ["site_id", "day", "erased", "grain", *KEY, *COUNTS], summed))
    for grain, columns in enumerate(GRAINS[:FINEST]):
        kept = [rollup.c[name] for name in columns]
        coarser = sa.select(rollup.c.site_id, rollup.c.day, rollup.c.erased, sa.literal(grain),
                            *kept, *(sa.func.sum(rollup.c[name]) for name in COUNTS)) \
            .where(rollup.c.site_id == site_id, rollup.c.day == day, rollup.c.id > before,
                   rollup.c.grain == FINEST) \
            .group_by(rollup.c.site_id, rollup.c.day, rollup.c.erased, *kept)
        db.session.execute(rollup.insert().from_select(
            ["site_id", "day", "erased", "grain", *columns, *COUNTS], coarser))


def _insert_reconsent(site_id: int, day: date, start: datetime, end: datetime,
                      visitor: uuid.UUID | None, erased: bool) -> None:
    last = _last_decisions(site_id, start, end, visitor)
    earlier = records.alias("earlier")
    earlier_versions = versions.alias("earlier_version")
    # The highest version the visitor decided on before this day (index site/visitor/time).
    prior = sa.select(sa.func.max(earlier_versions.c.number)) \
        .select_from(earlier.join(earlier_versions,
                                  earlier_versions.c.id == earlier.c.banner_version_id)) \
        .where(earlier.c.site_id == site_id, earlier.c.visitor_id == last.c.visitor_id,
               earlier.c.recorded_at < start).scalar_subquery()
    per_visitor = sa.select(versions.c.number.label("version"),
                            sa.func.coalesce(prior, 0).label("prior_version")) \
        .select_from(last.join(versions, versions.c.id == last.c.banner_version_id)) \
        .subquery("per_visitor")
    summed = sa.select(sa.literal(site_id), sa.literal(day), sa.literal(erased),
                       per_visitor.c.version, per_visitor.c.prior_version, sa.func.count()) \
        .group_by(per_visitor.c.version, per_visitor.c.prior_version)
    db.session.execute(reconsent.insert().from_select(
        ["site_id", "day", "erased", "version", "prior_version", "visitors"], summed))


def rebuild_day(site_id: int, day: date, start: datetime, end: datetime) -> None:
    """Replace a day's counts with those of its records and displays (erased kept)."""
    for table in (rollup, reconsent):
        db.session.execute(table.delete().where(
            table.c.site_id == site_id, table.c.day == day, table.c.erased.is_(False)))
    _insert_counts(site_id, day, start, end, None, False)
    _insert_reconsent(site_id, day, start, end, None, False)


def keep_erased(site_id: int, day: date, start: datetime, end: datetime,
                visitor: uuid.UUID) -> None:
    """Add one visitor's counts of a day to the erased counts, before their rows go."""
    _insert_counts(site_id, day, start, end, visitor, True)
    _insert_reconsent(site_id, day, start, end, visitor, True)


def day_totals(site_id: int, day: date, start: datetime, end: datetime) -> tuple:
    """(records, displays) of the day's window, and (records, displays) counted in its
    roll-up: equal when the roll-up is current."""
    def count(table, column):
        return sa.select(sa.func.count()).where(table.c.site_id == site_id, column >= start,
                                                column < end).scalar_subquery()

    def rolled(name):
        return sa.select(sa.func.coalesce(sa.func.sum(rollup.c[name]), 0)).where(
            rollup.c.site_id == site_id, rollup.c.grain == 0, rollup.c.day == day,
            rollup.c.erased.is_(False)).scalar_subquery()
    row = db.session.execute(sa.select(
        count(records, records.c.recorded_at), count(displays, displays.c.shown_at),
        rolled("decisions"), rolled("displays"))).one()
    return (row[0], row[1]), (int(row[2]), int(row[3]))
