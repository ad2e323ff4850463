"""Consent rates of a site for a range of days, whole and sliced."""
from datetime import date
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from ...analytics_models import ConsentRollup
from ...errors import Invalid, NotFound
from ...extensions import db
from ...models import BannerVersion, Site
from .days import utc_window
from .freshness import refresh
from .metrics import metrics
from .reconsent import reconsent
from .rollups import COUNTS, grain_for

DIMENSIONS = ("day", "version", "language", "device", "browser", "os", "country", "source",
              "policy")
COLUMNS = {"day": "day", "version": "banner_version_id", "language": "language",
           "device": "device_type", "browser": "browser_family", "os": "os_family",
           "country": "country", "source": "source", "policy": "policy_mode"}
MAX_DAYS = 400
table = ConsentRollup.__table__


def checked_range(start: date, end: date) -> None:
    """Invalid unless start..end is a range of at most MAX_DAYS days."""
    if start > end:
        raise Invalid("The range ends before it starts.", {"from": ["Must not be after to."]})
    if (end - start).days + 1 > MAX_DAYS:
        raise Invalid(f"The range is longer than {MAX_DAYS} days.",
                      {"to": [f"At most {MAX_DAYS} days after from."]})


def checked_dimensions(group_by) -> tuple[str, ...]:
    """The dimensions asked, each once, in the order given; Invalid for an unknown one."""
    unknown = [name for name in group_by if name not in DIMENSIONS]
    if unknown:
        raise Invalid(f"Unknown dimension: {', '.join(map(str, unknown))}.",
                      {"group_by": [f"One of {', '.join(DIMENSIONS)}."]})
    return tuple(dict.fromkeys(group_by))


def site_of(site_id: int) -> Site:
    site = db.session.get(Site, site_id)
    if site is None:
        raise NotFound("No such site.")
    return site


def _key_value(dimension: str, value, numbers: dict):
    if value is None:
        return None
    if dimension == "day":
        return value.isoformat()
    if dimension == "version":
        return numbers[value]
    return value


def _sort_key(key: dict) -> tuple:
    return tuple((value is None, value if value is not None else 0) for value in key.values())


def stats(site_id: int, start: date, end: date, group_by: tuple[str, ...] = ()) -> dict:
    """Metrics of start..end (days in the site's time zone, both included): totals, and
    one entry per combination of the dimensions in group_by that has any count."""
    dims = checked_dimensions(group_by)
    checked_range(start, end)
    site = site_of(site_id)
    refresh(site)
    keys = [table.c[COLUMNS[name]] for name in dims]
    grain = grain_for(COLUMNS[name] for name in dims if name != "day")
    rows = db.session.execute(
        sa.select(*keys, *(sa.func.sum(table.c[name]) for name in COUNTS))
        .where(table.c.site_id == site.id, table.c.grain == grain, table.c.day >= start,
               table.c.day <= end)
        .group_by(*keys)).all()
    versions = db.session.execute(
        sa.select(BannerVersion.id, BannerVersion.number, BannerVersion.status,
                  BannerVersion.change_kind, BannerVersion.published_at)
        .where(BannerVersion.site_id == site.id)).all()
    numbers = {version.id: version.number for version in versions}
    totals = dict.fromkeys(COUNTS, 0)
    groups = []
    for row in rows:
        counts = {name: int(value or 0) for name, value in zip(COUNTS, row[len(dims):])}
        for name, value in counts.items():
            totals[name] += value
        if dims:
            key = {name: _key_value(name, value, numbers) for name, value in zip(dims, row)}
            groups.append({"key": key, "metrics": metrics(counts)})
    groups.sort(key=lambda group: _sort_key(group["key"]))
    zone = ZoneInfo(site.time_zone)
    answer_totals = metrics(totals)
    answer_totals["reconsent"] = reconsent(site.id, end, utc_window(end, zone)[1], versions)
    db.session.commit()  # ends the read transaction: exports and pages may run long after
    return {"from": start.isoformat(), "to": end.isoformat(), "time_zone": site.time_zone,
            "group_by": list(dims), "totals": answer_totals, "groups": groups}

