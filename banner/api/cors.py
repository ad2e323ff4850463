"""CORS for the public API: only the site's allowed origins (and the app's own)."""
from flask import Response, current_app, request

from ..errors import NotFound
from .errors import ApiError
from ..services.demo import DEMO_SITES
from ..services.sites import SiteSettings, site_settings

# Response headers the snippet reads across origins: the banner's ETag, and on a counted
# display when the visitor's next one counts again (the start of the site's next day).
COUNTED_UNTIL = "Display-Counted-Until"
EXPOSED = f"ETag, {COUNTED_UNTIL}"

ALLOWED_METHODS = "GET, POST, OPTIONS"
ALLOWED_HEADERS = "Content-Type, If-None-Match"


def _demo_page(site: SiteSettings, origin: str) -> bool:
    """In demo mode only, the demo stores' pages are served by this app itself."""
    return current_app.config["BANNER_DEMO"] and site.site_key in DEMO_SITES \
        and origin == f"{request.scheme}://{request.host}"


def origin_allowed(site: SiteSettings, origin: str | None) -> bool:
    return origin is not None and (origin in site.allowed_origins or _demo_page(site, origin))


def require_allowed_origin(site: SiteSettings) -> None:
    """Refuse writes from browsers on other sites. No Origin (server-to-server) is fine."""
    origin = request.headers.get("Origin")
    if origin is not None and not origin_allowed(site, origin):
        raise ApiError(403, f"Origin {origin} is not allowed for this site.")


def allowed_origin_headers(origin: str) -> tuple[tuple[str, str], ...]:
    """What an answer to an allowed origin carries (a preflight's answer carries more)."""
    return (("Access-Control-Allow-Origin", origin), ("Access-Control-Expose-Headers", EXPOSED))


def add_cors_headers(response: Response, site_key: str | None) -> Response:
    """Vary on Origin always (caches must key on it); allow the origin if the site lists it."""
    # Plain strings and the environ: this runs on every API response. The banner GET
    # prepares its Vary with its other headers.
    vary = response.headers.get("Vary")
    if vary is None:
        response.headers["Vary"] = "Origin"
    elif not vary.startswith("Origin"):
        response.headers["Vary"] = f"{vary}, Origin"
    origin = request.environ.get("HTTP_ORIGIN")
    if origin is None or site_key is None:
        return response
    try:
        site = site_settings(site_key)
    except NotFound:
        return response
    if origin_allowed(site, origin):
        response.headers.extend(allowed_origin_headers(origin))
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
            response.headers["Access-Control-Max-Age"] = "86400"
    return response
