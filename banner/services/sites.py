"""Sites: a merchant's store, known to the snippet by its public site key."""
import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..cache import app_cache, clear_caches
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..models import IP_MODES, PLATFORMS, Site
from . import audit
from .pagination import Page, paginate

SITE_KEY = re.compile(r"[a-z0-9][a-z0-9-]{2,63}")
LANGUAGE = re.compile(r"[a-z]{2}")
MAX_ORIGINS = 50
MAX_RETENTION_DAYS = 20 * 365
# The settings a merchant may change after creation, in the order they are checked.
EDITABLE = ("name", "allowed_origins", "platform", "default_language", "time_zone",
            "retention_days", "ip_mode")


def normalise_origin(url: str) -> str:
    """scheme://host[:port] of a URL, lower-cased, as browsers send in Origin."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except (ValueError, AttributeError):
        raise Invalid(f"Not an origin: {url!r}.", {"allowed_origins": [f"Not an origin: {url}"]})
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username \
            or parts.path not in ("", "/") or parts.query or parts.fragment:
        raise Invalid(f"Not an origin: {url!r}.", {"allowed_origins": [f"Not an origin: {url}"]})
    default_port = {"http": 80, "https": 443}[parts.scheme]
    origin = f"{parts.scheme}://{parts.hostname}"
    return origin + (f":{port}" if port and port != default_port else "")


def _validated(settings: dict) -> dict:
    """The settings given, normalised; Invalid naming every field that is wrong."""
    errors, clean = {}, {}
    for field in EDITABLE:
        if field not in settings:
            continue
        value = settings[field]
        try:
            clean[field] = _CHECKS[field](value)
        except Invalid as exc:
            errors.update(exc.errors or {field: [exc.message]})
    if errors:
        raise Invalid("The site settings are not valid.", errors)
    return clean


def _name(value) -> str:
    if not isinstance(value, str) or not 1 <= len(value.strip()) <= 200:
        raise Invalid("Required, at most 200 characters.")
    return value.strip()


def _origins(value) -> list[str]:
    if not isinstance(value, (list, tuple)) or len(value) > MAX_ORIGINS:
        raise Invalid(f"A list of at most {MAX_ORIGINS} origins.")
    if not all(isinstance(origin, str) for origin in value):
        raise Invalid("Origins are strings such as https://shop.example.")
    return sorted({normalise_origin(origin) for origin in value})


def _one_of(choices):
    def check(value):
        if value not in choices:
            raise Invalid(f"One of {', '.join(choices)}.")
        return value
    return check


def _language(value) -> str:
    if not isinstance(value, str) or not LANGUAGE.fullmatch(value):
        raise Invalid("A two-letter ISO 639-1 code.")
    return value


def _time_zone(value) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise Invalid("An IANA time zone such as Asia/Riyadh.") from None
    return value


def _retention(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) \
            or not 1 <= value <= MAX_RETENTION_DAYS:
        raise Invalid(f"Between 1 and {MAX_RETENTION_DAYS} days.")
    return value


_CHECKS = {"name": _name, "allowed_origins": _origins, "platform": _one_of(PLATFORMS),
           "default_language": _language, "time_zone": _time_zone,
           "retention_days": _retention, "ip_mode": _one_of(IP_MODES)}


def create_site(merchant_id: int, name: str, origins: list[str], platform: str = "custom",
                default_language: str = "ar", site_key: str | None = None,
                ip_mode: str = "truncate", retention_days: int = 5 * 365,
                time_zone: str = "Asia/Riyadh", actor: audit.Actor | None = None) -> Site:
    """Create a site (no banner yet: publish one before the snippet can show it)."""
    settings = _validated({"name": name, "allowed_origins": origins, "platform": platform,
                           "default_language": default_language, "time_zone": time_zone,
                           "retention_days": retention_days, "ip_mode": ip_mode})
    if site_key is not None and not (isinstance(site_key, str) and SITE_KEY.fullmatch(site_key)):
        raise Invalid("The site settings are not valid.", {"site_key": [
            "Lower-case letters, digits and dashes, 3 to 64 characters."]})
    site_key = site_key or secrets.token_urlsafe(12).lower().replace("_", "-").lstrip("-")
    if db.session.scalar(db.select(Site.id).filter_by(site_key=site_key)):
        raise Conflict(f"Site key {site_key} is taken.", {"site_key": ["Taken."]})
    site = Site(merchant_id=merchant_id, site_key=site_key, ip_salt=secrets.token_hex(16),
                **settings)
    db.session.add(site)
    db.session.flush()
    audit.record(actor or audit.Actor(merchant_id, "cli"), "site.created", site.id,
                 site_key=site_key)
    db.session.commit()
    return site


def list_sites(merchant_id: int, cursor: str | None = None, limit: int = 50) -> Page:
    """The merchant's sites, oldest first."""
    return paginate(db.select(Site).filter_by(merchant_id=merchant_id), Site.id, cursor, limit,
                    newest_first=False)


def owned_site(merchant_id: int, site_id: int) -> Site:
    """The merchant's site with this id; NotFound for another merchant's (never Forbidden:
    whether a site exists is not theirs to know)."""
    site = db.session.get(Site, site_id) if 0 < site_id < 2**31 else None
    if site is None or site.merchant_id != merchant_id:
        raise NotFound("No such site.")
    return site


def site_by_key(site_key: str) -> Site:
    """The site with this public key (for operators' commands); NotFound when unknown."""
    site = db.session.scalar(db.select(Site).filter_by(site_key=site_key))
    if site is None:
        raise NotFound(f"No site with key {site_key!r}.")
    return site


def update_site(site: Site, changes: dict, actor: audit.Actor) -> Site:
    """Change some settings; the site key and salt never change."""
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise Invalid("These settings cannot be changed.", {key: ["Unknown field."]
                                                             for key in unknown})
    clean = _validated(changes)
    changed = {key: value for key, value in clean.items() if getattr(site, key) != value}
    for key, value in changed.items():
        setattr(site, key, value)
    if changed:
        audit.record(actor, "site.updated", site.id, fields=sorted(changed))
        db.session.commit()
        clear_caches()  # origins and language defaults are cached by the public API
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
    """Settings of the site with this key (cached briefly); NotFound when unknown."""
    def load():
        site = db.session.scalar(db.select(Site).filter_by(site_key=site_key))
        if site is None:
            return None
        return SiteSettings(site.id, site.site_key, tuple(site.allowed_origins),
                            site.default_language, site.ip_mode, site.ip_salt)
    # Only well-formed keys reach the database (a NUL in a path would make PostgreSQL fail).
    settings = app_cache("sites").get_or_set(site_key, load) \
        if SITE_KEY.fullmatch(site_key) else None
    if settings is None:
        raise NotFound(f"No site with key {site_key!r}.")
    return settings
