"""Banner displays: the denominator of consent rates.

A display counts once per visitor, version and day (in the site's time zone): the unique
key refuses the same display twice, so reposting it, or flooding the endpoint with the
same visitor id, counts nothing more.
"""
import uuid
from zoneinfo import ZoneInfo

from ..cache import app_cache
from ..dbutil import insert_for
from ..errors import Invalid
from ..extensions import db
from ..models import Impression, Site, utcnow
from ..useragent import parse_device
from .analytics.days import local_day
from .policy import applied_policy
from .sites import SiteSettings
from .versions import published_version

table = Impression.__table__
UNIQUE = ("site_id", "day", "visitor_id", "banner_version_id")


def _time_zone(site_id: int) -> ZoneInfo:
    name = app_cache("site_time_zones").get_or_set(
        site_id, lambda: db.session.scalar(db.select(Site.time_zone).filter_by(id=site_id)))
    return ZoneInfo(name)


def record_impression(site: SiteSettings, number: int, language: str, visitor_id: uuid.UUID,
                      user_agent: str | None, country: str | None) -> None:
    """Count a display of a published version to a visitor, once a day."""
    version = published_version(site.id, number)
    if language not in version.languages:
        raise Invalid("This version is not offered in that language.",
                      {"language": [f"One of {', '.join(version.languages)}."]})
    device = parse_device(user_agent)
    now = utcnow()
    row = {"site_id": site.id, "banner_version_id": version.id, "visitor_id": visitor_id,
           "day": local_day(now, _time_zone(site.id)), "shown_at": now, "language": language,
           "device_type": device.device_type, "browser_family": device.browser_family,
           "os_family": device.os_family, "country": country,
           "policy_mode": applied_policy(version.behaviour, country).mode}
    db.session.execute(insert_for(table).values(**row)
                       .on_conflict_do_nothing(index_elements=list(UNIQUE)))
    db.session.commit()
