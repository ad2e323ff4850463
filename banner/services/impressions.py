"""Banner impressions, rolled up per day: the denominator of consent rates."""
from ..dbutil import insert_for
from ..errors import Invalid
from ..extensions import db
from ..models import Impression, utcnow
from ..useragent import parse_device
from .sites import SiteSettings
from .versions import published_version

table = Impression.__table__


def record_impression(site: SiteSettings, number: int, language: str,
                      user_agent: str | None) -> None:
    """Count one display of a published version (one row per day and segment)."""
    version = published_version(site.id, number)
    if language not in version.languages:
        raise Invalid("This version is not offered in that language.",
                       {"language": [f"One of {', '.join(version.languages)}."]})
    key = {"site_id": site.id, "banner_version_id": version.id, "day": utcnow().date(),
           "language": language, "device_type": parse_device(user_agent).device_type}
    statement = insert_for(table).values(**key, count=1).on_conflict_do_update(
        index_elements=list(key), set_={"count": table.c.count + 1})
    db.session.execute(statement)
    db.session.commit()
