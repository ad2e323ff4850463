"""Consent analytics tables (services/analytics): roll-ups the dashboard and the stats
API read instead of the raw records, and how far each site's are up to date. Derived
data, rebuilt from consent_record and impression (models.py) except what an erasure
removed. Timestamps are naive UTC, as in models.py."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .extensions import db

# Consent analytics roll-ups (services/analytics). Counts per day in the site's time zone
# and per slice; each decision-side count is of visitor-days, a visitor's last decision
# of a day (README, "Consent analytics").
ROLLUP_COUNTS = ("displays", "visitors_shown", "decisions", "visitors_decided", "interacted",
                 "accept_all", "reject_all", "custom", "withdrawals", "functional",
                 "analytics", "advertising", "any_optional", "gpc_seen", "gpc_applied",
                 "first_layer", "preferences")
# Upper edges (ms, exclusive) of the decision-time buckets; the last bucket is open.
DECISION_MS_EDGES = (250, 500, 750, 1000, 1250, 1500, 2000, 2500, 3000, 4000, 5000, 6000,
                     7500, 10_000, 12_500, 15_000, 20_000, 25_000, 30_000, 45_000, 60_000,
                     90_000, 120_000, 300_000, 600_000)
DECISION_MS_BUCKETS = tuple(f"ms_{n:02d}" for n in range(len(DECISION_MS_EDGES) + 1))


class ConsentRollup(db.Model):
    """Counts of one site, day and slice. Rows are rebuilt per day from consent_record and
    impression, except erased ones: what an erasure removed, kept so rates stay exact."""

    __table_args__ = (sa.Index("ix_consent_rollup_site_grain_day", "site_id", "grain", "day"),)

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"),
                                    primary_key=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("site.id"))
    day: Mapped[date]
    erased: Mapped[bool] = mapped_column(default=False)
    # Which slice columns the row keeps (analytics/rollups.py GRAINS; the others are null):
    # a question is answered from the coarsest grain that has its dimensions.
    grain: Mapped[int] = mapped_column(sa.SmallInteger)
    banner_version_id: Mapped[int | None] = mapped_column(sa.ForeignKey("banner_version.id"))
    language: Mapped[str | None] = mapped_column(sa.String(8))
    device_type: Mapped[str | None] = mapped_column(sa.String(16))
    browser_family: Mapped[str | None] = mapped_column(sa.String(64))
    os_family: Mapped[str | None] = mapped_column(sa.String(64))
    country: Mapped[str | None] = mapped_column(sa.String(2))
    source: Mapped[str | None] = mapped_column(sa.String(16))  # None on display counts
    policy_mode: Mapped[str | None] = mapped_column(sa.String(8))


for _name in ROLLUP_COUNTS + DECISION_MS_BUCKETS:
    setattr(ConsentRollup, _name, mapped_column(sa.Integer, default=0, nullable=False))


class ReconsentRollup(db.Model):
    """Visitor-days per day by the version of the last decision and the highest version
    the visitor had decided on before that day (0: none), for re-consent completion."""

    __table_args__ = (sa.Index("ix_reconsent_rollup_site_day", "site_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("site.id"))
    day: Mapped[date]
    erased: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int]
    prior_version: Mapped[int]
    visitors: Mapped[int]


class AnalyticsState(db.Model):
    """How far a site's roll-ups are up to date, and in which time zone they count days."""

    site_id: Mapped[int] = mapped_column(sa.ForeignKey("site.id"), primary_key=True)
    time_zone: Mapped[str] = mapped_column(sa.String(64))
    refreshed_until: Mapped[datetime | None]
    # Records and displays recorded since refreshed_until minus the refresh lag, as counted
    # then: while they stay the same, nothing new has become visible.
    tail_records: Mapped[int] = mapped_column(default=0)
    tail_displays: Mapped[int] = mapped_column(default=0)
