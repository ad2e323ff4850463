"""Re-consent completion after each material version, from the re-consent roll-up.

For material version n: visitors_due are visitors whose first counted decision was on a
version older than n (they hold a consent n asks again); completed are visitor-days on
which a visitor whose highest earlier version was older than n decided on n or later
(once per visitor: afterwards their highest earlier version is n or more).
"""
from datetime import datetime

import sqlalchemy as sa

from ...analytics_models import ReconsentRollup
from ...extensions import db
from .metrics import rate

table = ReconsentRollup.__table__


def reconsent(site_id: int, last_day, published_before: datetime, versions: list) -> list[dict]:
    """One entry per material version published before the range's end (the first
    version excepted: nobody held an earlier consent), counted up to last_day. versions:
    the site's BannerVersion rows (number, status, change_kind, published_at)."""
    published = sorted(v.number for v in versions if v.status == "published")
    numbers = [v.number for v in sorted(versions, key=lambda v: v.number)
               if v.status == "published" and v.change_kind == "material"
               and v.published_at < published_before and v.number != published[0]]
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
