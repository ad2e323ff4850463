"""CORS for the public API: only the site's allowed origins (and the app's own)."""
from flask import Response, request

from ..errors import ApiError
from ..services.sites import SiteSettings

ALLOWED_METHODS = "GET, POST, OPTIONS"
ALLOWED_HEADERS = "Content-Type, If-None-Match"


def _own_origin() -> str:
    return f"{request.scheme}://{request.host}"


def origin_allowed(site: SiteSettings, origin: str | None) -> bool:
    return origin is not None and (origin in site.allowed_origins or origin == _own_origin())


def require_allowed_origin(site: SiteSettings) -> None:
    """Refuse writes from browsers on other sites. No Origin (server-to-server) is fine."""
    origin = request.headers.get("Origin")
    if origin is not None and not origin_allowed(site, origin):
        raise ApiError(403, f"Origin {origin} is not allowed for this site.")


def add_cors_headers(response: Response, site: SiteSettings) -> Response:
    origin = request.headers.get("Origin")
    response.vary.add("Origin")
    if origin_allowed(site, origin):
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = "ETag"
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
            response.headers["Access-Control-Max-Age"] = "86400"
    return response
