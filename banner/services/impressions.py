"""Banner displays: the denominator of consent rates.

A display counts once per visitor, version and day (in the site's time zone): the unique
key refuses the same display twice, so reposting it, or flooding the endpoint with the
same visitor id, counts nothing more. The answer tells the snippet when the site's next day
starts, so that it posts again only once a display can count again.
"""
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from ..cache import app_cache
from ..dbutil import insert_for
from ..errors import Invalid
from ..extensions import db
from ..models import Impression, Site, utcnow
from ..useragent import parse_device
from .analytics.days import local_day, utc_window
from .policy import applied_policy
from .sites import SiteSettings
from .versions import published_version

table = Impression.__table__
UNIQUE = ("site_id", "day", "visitor_id", "banner_version_id")


def _time_zone(site_id: int) -> ZoneInfo:
    name = app_cache("site_time_zones").get_or_set(
        site_id, lambda: db.session.scalar(db.select(Site.time_zone).filter_by(id=site_id)))
    return ZoneInfo(name)


def counts_again_at(moment: datetime, zone: ZoneInfo) -> datetime:
    """When a display after one at `moment` counts again: the next local midnight, both in
    naive UTC (zoneinfo makes a DST day 23 or 25 hours long)."""
    return utc_window(local_day(moment, zone), zone)[1]


def record_impression(site: SiteSettings, number: int, language: str, visitor_id: uuid.UUID,
                      user_agent: str | None, country: str | None) -> datetime:
    """Count a display of a published version to a visitor, once a day; returns when the
    visitor's next display counts again (naive UTC)."""
    version = published_version(site.id, number)
    if language not in version.languages:
        raise Invalid("This version is not offered in that language.",
                      {"language": [f"One of {', '.join(version.languages)}."]})
    device = parse_device(user_agent)
    now = utcnow()
    zone = _time_zone(site.id)
    row = {"site_id": site.id, "banner_version_id": version.id, "visitor_id": visitor_id,
           "day": local_day(now, zone), "shown_at": now, "language": language,
           "device_type": device.device_type, "browser_family": device.browser_family,
           "os_family": device.os_family, "country": country,
           "policy_mode": applied_policy(version.behaviour, country).mode}
    db.session.execute(insert_for(table).values(**row)
                       .on_conflict_do_nothing(index_elements=list(UNIQUE)))
    db.session.commit()
    return counts_again_at(now, zone)
