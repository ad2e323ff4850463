"""Configuration read from the environment (one place, one class)."""
import os

DEFAULT_SQLITE = "sqlite:///banner.sqlite3"  # relative to the instance folder


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    # Hosting providers hand out postgres:// URLs; SQLAlchemy wants the driver named.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://"):]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _flag(name: str) -> bool:
    return os.environ.get(name, "") in ("1", "true", "yes")


class Config:
    # No default: the key protects hashed IPs and sessions. create_app refuses to start
    # without one unless in debug or demo mode, where DEV_SECRET_KEY is used.
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    # Demo mode (`make demo`, some tests): the demo storefronts under /demo, and the app's
    # own origin trusted for the demo sites' consent writes. Off in production.
    BANNER_DEMO = _flag("BANNER_DEMO")
    # Dashboard sessions: never readable by scripts, not sent on cross-site sub-requests
    # (Secure is added over https, see sessions.py).
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SQLALCHEMY_DATABASE_URI = _database_url() or None  # None: SQLite under instance/
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    JSON_SORT_KEYS = False
    # Largest request body we read; consent payloads are well under 2 KB.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", 16 * 1024))
    # Public banner responses: CDN and browser caching.
    BANNER_MAX_AGE = int(os.environ.get("BANNER_MAX_AGE", 300))
    BANNER_STALE_WHILE_REVALIDATE = int(os.environ.get("BANNER_SWR", 86400))
    # Seconds a worker keeps a rendered banner before reading the database again.
    BANNER_CACHE_SECONDS = float(os.environ.get("BANNER_CACHE_SECONDS", 10))
    # Seconds a worker keeps serving its last good banner while the database is down.
    BANNER_STALE_IF_ERROR = float(os.environ.get("BANNER_STALE_IF_ERROR", 86400))
    SNIPPET_MAX_AGE = int(os.environ.get("SNIPPET_MAX_AGE", 3600))
    # Number of reverse proxies in front of the app whose X-Forwarded-For we trust.
    TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", 0))
    # Header set by a trusted proxy/CDN with the visitor's country (e.g. CF-IPCountry).
    COUNTRY_HEADER = os.environ.get("COUNTRY_HEADER") or None
    RATELIMIT_ENABLED = os.environ.get("RATELIMIT_ENABLED", "1") != "0"
    # Shared by every worker when Redis is given; memory:// counts per worker process.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI") \
        or os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_PUBLIC = os.environ.get("RATELIMIT_PUBLIC", "600 per minute")
    # All clients together, per site: one client behind many addresses cannot flood a store.
    RATELIMIT_SITE = os.environ.get("RATELIMIT_SITE", "6000 per minute")
    RATELIMIT_HEADERS_ENABLED = True
    # Concurrent consent writes of a process share one transaction and commit (batching.py).
    CONSENT_GROUP_COMMIT = os.environ.get("CONSENT_GROUP_COMMIT", "1") != "0"
    # Consent posts answered by the short path of api/consent_lane.py (0: by the view).
    CONSENT_LANE = os.environ.get("CONSENT_LANE", "1") != "0"
    # Most consent writes one group commit takes at once.
    CONSENT_BATCH_MAX = int(os.environ.get("CONSENT_BATCH_MAX", 200))
    # The OpenAPI document (flask-smorest), generated from the schemas and the views.
    API_TITLE = "Consent banner API"
    API_VERSION = "1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/v1"
    OPENAPI_JSON_PATH = "openapi.json"


DEV_SECRET_KEY = "dev-only-not-secret"  # debug and demo mode only
