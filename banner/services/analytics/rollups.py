"""The SQL that rolls a site's days up: consent_record and impression rows in, counts per
day and slice out (README, "Consent analytics", says what each count is).

A visitor-day is one visitor on one day in the site's time zone; its last decision (by
recorded_at, then record id) is the one counted, so a visitor who changes their mind twice
in a day counts once. The statements take a Span: one day, or every day at once on
PostgreSQL (a whole site in one pass), and everyone or one visitor (erasure.py).
"""
import sqlalchemy as sa

from ...analytics_models import (DECISION_MS_BUCKETS, DECISION_MS_EDGES, ROLLUP_COUNTS,
                                ConsentRollup, ReconsentRollup)
from ...extensions import db
from ...models import BannerVersion, ConsentRecord, Impression
from .span import Span

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


def _last_decisions(span: Span):
    """Each visitor-day's last decision, with whether the visitor made a decision of their
    own that day (not only the automatic GPC opt-out) and was shown the banner that day,
    and the highest version they decided on that day."""
    day = span.local_day(records.c.recorded_at)
    visitor_day = {"partition_by": (records.c.visitor_id, day)}
    ranked = sa.select(
        *(records.c[name] for name in KEY), records.c.visitor_id, records.c.action,
        records.c.functional, records.c.analytics, records.c.advertising, records.c.gpc,
        day.label("day"), versions.c.number,
        _bucket(records.c.decision_ms).label("bucket"),
        sa.func.row_number().over(**visitor_day, order_by=(
            records.c.recorded_at.desc(), records.c.id.desc())).label("rank"),
        sa.func.max(_flag(records.c.source != "gpc")).over(**visitor_day).label("own"),
        sa.func.max(versions.c.number).over(**visitor_day).label("highest"),
    ).join(versions, versions.c.id == records.c.banner_version_id) \
        .where(*span.rows(records, records.c.recorded_at)).subquery("ranked")
    shown = sa.exists().where(displays.c.site_id == span.site_id,
                              displays.c.visitor_id == ranked.c.visitor_id,
                              span.same_day(displays.c.shown_at, ranked.c.day))
    return sa.select(ranked, _flag(sa.and_(ranked.c.own == 1, shown)).label("interacted")) \
        .where(ranked.c.rank == 1).subquery("last")


def _counts(given: dict) -> list:
    """Every count column, 0 unless given, in COUNTS order."""
    return [given.get(name, sa.literal_column("0")).label(name) for name in COUNTS]


def _decision_counts(span: Span) -> sa.Select:
    c = _last_decisions(span).c
    given = {
        "visitors_decided": sa.literal_column("1"), "interacted": c.interacted,
        "accept_all": _flag(c.action == "accept_all"),
        "reject_all": _flag(c.action == "reject_all"),
        "custom": _flag(c.action == "custom"), "withdrawals": _flag(c.action == "withdraw"),
        "functional": _flag(c.functional), "analytics": _flag(c.analytics),
        "advertising": _flag(c.advertising),
        "any_optional": _flag(sa.or_(c.functional, c.analytics, c.advertising)),
        "gpc_seen": _flag(c.gpc), "gpc_applied": _flag(sa.and_(c.gpc, sa.not_(c.advertising))),
        "first_layer": _flag(c.source == "banner"), "preferences": _flag(c.source == "preferences"),
        **{name: _flag(c.bucket == n) for n, name in enumerate(DECISION_MS_BUCKETS)},
    }
    return sa.select(c.day, *(c[name] for name in KEY), *_counts(given))


def _record_counts(span: Span) -> sa.Select:
    """Every decision recorded, in the slice of its own record."""
    return sa.select(span.local_day(records.c.recorded_at).label("day"),
                     *(records.c[name] for name in KEY),
                     *_counts({"decisions": sa.literal_column("1")})) \
        .where(*span.rows(records, records.c.recorded_at))


def _display_counts(span: Span) -> sa.Select:
    """Displays, and visitor-days shown (counted on the visitor's first display)."""
    day = span.local_day(displays.c.shown_at)
    first = sa.func.row_number().over(partition_by=(displays.c.visitor_id, day), order_by=(
        displays.c.shown_at, displays.c.id))
    ranked = sa.select(day.label("day"), *(displays.c[name] for name in KEY if name != "source"),
                       first.label("rank")).where(*span.rows(displays, displays.c.shown_at)) \
        .subquery("shown")
    return sa.select(ranked.c.day, *(ranked.c[name] if name != "source" else
                                     sa.cast(sa.null(), sa.String).label("source") for name in KEY),
                     *_counts({"displays": sa.literal_column("1"),
                               "visitors_shown": _flag(ranked.c.rank == 1)}))


def insert_counts(span: Span, erased: bool) -> None:
    """The span's counts at the finest grain, then each coarser grain summed from them."""
    parts = sa.union_all(_decision_counts(span), _record_counts(span),
                         _display_counts(span)).subquery("parts")
    keys = [parts.c.day, *(parts.c[name] for name in KEY)]
    summed = sa.select(sa.literal(span.site_id), sa.literal(erased), sa.literal(FINEST), *keys,
                       *(sa.func.sum(parts.c[name]) for name in COUNTS)).group_by(*keys)
    # Rows after this id are the ones inserted now: the site's lock keeps others out.
    before = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(rollup.c.id), 0)))
    db.session.execute(rollup.insert().from_select(
        ["site_id", "erased", "grain", "day", *KEY, *COUNTS], summed))
    for grain, columns in enumerate(GRAINS[:FINEST]):
        kept = [rollup.c.day, *(rollup.c[name] for name in columns)]
        coarser = sa.select(rollup.c.site_id, rollup.c.erased, sa.literal(grain), *kept,
                            *(sa.func.sum(rollup.c[name]) for name in COUNTS)) \
            .where(rollup.c.site_id == span.site_id, rollup.c.id > before,
                   rollup.c.grain == FINEST) \
            .group_by(rollup.c.site_id, rollup.c.erased, *kept)
        db.session.execute(rollup.insert().from_select(
            ["site_id", "erased", "grain", "day", *columns, *COUNTS], coarser))


def insert_reconsent(span: Span, erased: bool) -> None:
    """Visitor-days by the version of their last decision and the highest version the
    visitor decided on before that day (0: none)."""
    last = _last_decisions(span)
    if span.day is not None:
        earlier, earlier_versions = records.alias("earlier"), versions.alias("earlier_version")
        prior = sa.select(sa.func.max(earlier_versions.c.number)) \
            .select_from(earlier.join(earlier_versions,
                                      earlier_versions.c.id == earlier.c.banner_version_id)) \
            .where(earlier.c.site_id == span.site_id, earlier.c.visitor_id == last.c.visitor_id,
                   earlier.c.recorded_at < span.start).scalar_subquery()
    else:  # every day of the visitor is in the span: the days before are rows before
        prior = sa.func.max(last.c.highest).over(
            partition_by=last.c.visitor_id, order_by=last.c.day, rows=(None, -1))
    per_visitor = sa.select(last.c.day, last.c.number.label("version"),
                            sa.func.coalesce(prior, 0).label("prior_version")) \
        .subquery("per_visitor")
    columns = (per_visitor.c.day, per_visitor.c.version, per_visitor.c.prior_version)
    summed = sa.select(sa.literal(span.site_id), sa.literal(erased), *columns,
                       sa.func.count()).group_by(*columns)
    db.session.execute(reconsent.insert().from_select(
        ["site_id", "erased", "day", "version", "prior_version", "visitors"], summed))


def delete_counts(site_id: int, days=None) -> None:
    """Forget the site's counts (of these days only, if given), erased counts kept."""
    for table in (rollup, reconsent):
        where = [table.c.site_id == site_id, table.c.erased.is_(False)]
        if days is not None:
            where.append(table.c.day.in_(list(days)))
        db.session.execute(table.delete().where(*where))


def day_totals(span: Span) -> tuple:
    """(records, displays) of a one-day span, and (records, displays) counted in its
    roll-up: equal when the roll-up is current."""
    def count(table, column):
        return sa.select(sa.func.count()).where(*span.rows(table, column)).scalar_subquery()

    def rolled(name):
        return sa.select(sa.func.coalesce(sa.func.sum(rollup.c[name]), 0)).where(
            rollup.c.site_id == span.site_id, rollup.c.grain == 0, rollup.c.day == span.day,
            rollup.c.erased.is_(False)).scalar_subquery()
    row = db.session.execute(sa.select(
        count(records, records.c.recorded_at), count(displays, displays.c.shown_at),
        rolled("decisions"), rolled("displays"))).one()
    return (row[0], row[1]), (int(row[2]), int(row[3]))
