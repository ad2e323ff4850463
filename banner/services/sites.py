"""Sites: a merchant's store, known to the snippet by its public site key."""
import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..cache import app_cache
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..models import IP_MODES, PLATFORMS, Merchant, Site

SITE_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{2,63}$")


def normalise_origin(url: str) -> str:
    """scheme://host[:port] of a URL, lower-cased, as browsers send in Origin."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Invalid(f"Not an origin: {url!r}.", {"origins": [f"Not an origin: {url}"]})
    origin = f"{parts.scheme}://{parts.hostname}"
    return origin + (f":{parts.port}" if parts.port else "")


def create_site(merchant: Merchant, name: str, origins: list[str], platform: str = "custom",
                default_language: str = "ar", site_key: str | None = None,
                ip_mode: str = "truncate", retention_days: int = 5 * 365) -> Site:
    errors = {}
    if platform not in PLATFORMS:
        errors["platform"] = [f"One of {', '.join(PLATFORMS)}."]
    if ip_mode not in IP_MODES:
        errors["ip_mode"] = [f"One of {', '.join(IP_MODES)}."]
    if site_key is not None and not SITE_KEY.match(site_key):
        errors["site_key"] = ["Lower-case letters, digits and dashes, 3 to 64 characters."]
    if not name.strip():
        errors["name"] = ["Required."]
    if not 1 <= retention_days <= 20 * 365:
        errors["retention_days"] = ["Between 1 and 7300 days."]
    if errors:
        raise Invalid("The site settings are not valid.", errors)
    site_key = site_key or secrets.token_urlsafe(12).lower().replace("_", "-").lstrip("-")
    if db.session.scalar(db.select(Site.id).filter_by(site_key=site_key)):
        raise Conflict(f"Site key {site_key} is taken.")
    site = Site(merchant_id=merchant.id, name=name.strip(), site_key=site_key,
                allowed_origins=sorted({normalise_origin(o) for o in origins}),
                platform=platform, default_language=default_language, ip_mode=ip_mode,
                retention_days=retention_days, ip_salt=secrets.token_hex(16))
    db.session.add(site)
    db.session.commit()
    return site


@dataclass(frozen=True)
class SiteSettings:
    """What the public endpoints need of a site, cheap to cache."""

    id: int
    site_key: str
    allowed_origins: tuple[str, ...]
    default_language: str
    ip_mode: str
    ip_salt: str


def site_settings(site_key: str) -> SiteSettings:
    """Settings of the site with this key (cached briefly); 404 when unknown."""
    def load():
        site = db.session.scalar(db.select(Site).filter_by(site_key=site_key))
        if site is None:
            return None
        return SiteSettings(site.id, site.site_key, tuple(site.allowed_origins),
                            site.default_language, site.ip_mode, site.ip_salt)
    settings = app_cache("sites").get_or_set(site_key, load) if len(site_key) <= 64 else None
    if settings is None:
        raise NotFound(f"No site with key {site_key!r}.")
    return settings
