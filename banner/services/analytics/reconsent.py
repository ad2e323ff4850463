"""Re-consent completion after each material version, from the re-consent roll-up.

For material version n: visitors_due are visitors whose first counted decision was on a
version older than n (they hold a consent n asks again); completed are visitor-days on
which a visitor whose highest earlier version was older than n decided on n or later
(once per visitor: afterwards their highest earlier version is n or more).
"""
from datetime import datetime

import sqlalchemy as sa

from ...extensions import db
from ...models import BannerVersion, ReconsentRollup
from .metrics import rate

table = ReconsentRollup.__table__


def reconsent(site_id: int, last_day, published_before: datetime) -> list[dict]:
    """One entry per material version published before the range's end (the first
    version excepted: nobody held an earlier consent), counted up to last_day."""
    numbers = db.session.scalars(
        sa.select(BannerVersion.number).where(
            BannerVersion.site_id == site_id, BannerVersion.status == "published",
            BannerVersion.change_kind == "material", BannerVersion.published_at < published_before)
        .order_by(BannerVersion.number)).all()
    first = db.session.scalar(sa.select(sa.func.min(BannerVersion.number)).where(
        BannerVersion.site_id == site_id, BannerVersion.status == "published"))
    numbers = [n for n in numbers if n != first]
    if not numbers:
        return []
    cells = db.session.execute(
        sa.select(table.c.version, table.c.prior_version, sa.func.sum(table.c.visitors))
        .where(table.c.site_id == site_id, table.c.day <= last_day)
        .group_by(table.c.version, table.c.prior_version)).all()
    answer = []
    for n in numbers:
        due = sum(count for version, prior, count in cells if prior == 0 and version < n)
        done = sum(count for version, prior, count in cells if 0 < prior < n <= version)
        answer.append({"version": n, "visitors_due": int(due), "completed": int(done),
                       "rate": rate(int(done), int(due))})
    return answer
