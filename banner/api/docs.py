"""The human-readable API reference at /docs/api: ReDoc rendering /v1/openapi.json, from
files served here (banner/static/vendor/redoc), so it works without the internet."""
from pathlib import Path

from flask import Blueprint, abort, make_response, render_template, send_from_directory

bp = Blueprint("docs", __name__)

REDOC = Path(__file__).resolve().parent.parent / "static" / "vendor" / "redoc"
REDOC_VERSION = "2.5.4"  # of the vendored bundle; in its URL, so a new one is a new URL
ONE_YEAR = 365 * 86400
# Nothing but this origin: ReDoc's attribution logo on its CDN is refused, not fetched
# (ReDoc hides it when it fails). Inline styles: ReDoc injects its own <style> elements.
# Its search index runs in a worker made from a blob: URL. (Applied by banner/security.py.)
bp.content_security_policy = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src blob:; "
    "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


@bp.get("/docs/api")
def api_reference():
    """The reference of the public and merchant API."""
    response = make_response(render_template("docs/api.html", redoc_version=REDOC_VERSION))
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


@bp.get("/docs/vendor/redoc/<version>/<path:filename>")
def redoc_file(version: str, filename: str):
    """ReDoc's bundle and licences, cacheable for good: the version is in the path."""
    if version != REDOC_VERSION:
        abort(404)
    response = send_from_directory(REDOC, filename, max_age=ONE_YEAR)
    response.cache_control.public = True
    response.cache_control.immutable = True
    return response
