"""The per-site install script: the snippet with the site's published banners in place, so
a first visit needs one request to us before the banner shows (DESIGN.md sections 4, 5).

`/static/snippet.js` with `data-site` still works: it asks for the banner afterwards.
"""
import hashlib

from flask import current_app, request

from ..cache import NEVER, app_cache
from ..services.policy import request_country
from ..services.site_scripts import preloaded_banners
from ..services.sites import site_settings
from ..snippet import current_snippet, script_headers
from .base import Blueprint, answers

bp = Blueprint("site_script", __name__, url_prefix="/v1/sites/<site_key>",
               description="The install script of one site: no key, loadable from any origin.")

MAX_SCRIPTS = 2048  # per worker, one per site; a few tens of KB each


def _script(site, banners, snippet) -> tuple[bytes, str]:
    """(body, quoted ETag), assembled once per (site, snippet, renderings)."""
    # Keyed by what it is made of: one entry per country policy when the banners vary.
    key = (site.id, snippet.etag, banners.stamp)
    scripts = app_cache("site_scripts", MAX_SCRIPTS, stale=False, seconds=NEVER)
    kept = scripts.get(key)
    if kept is None:
        body = snippet.with_preloaded(banners.body)
        kept = (body, f'"{hashlib.sha256(body).hexdigest()[:32]}"')
        scripts.put(key, kept)
    return kept


@bp.get("/snippet.js")
@bp.response(200, description="The snippet (text/javascript) with the site's published "
             "banner in each of its languages; CDN-cacheable (ETag, Cache-Control public), "
             "changed on publishing.", content_type="text/javascript")
@answers(304, description="Not modified (If-None-Match)")
@bp.refusals(404)
def get_site_script(site_key: str):
    """The install script of a site: the snippet and the site's banners in one response."""
    site = site_settings(site_key)
    banners = preloaded_banners(site, request_country())
    snippet = current_snippet()
    body, etag = _script(site, banners, snippet)
    headers = [("ETag", etag), ("Cache-Control", banners.cache_control),
               *script_headers(snippet)]
    if banners.vary:
        headers.append(("Vary", ", ".join(banners.vary)))
    if etag in request.headers.get("If-None-Match", ""):
        return current_app.response_class(status=304, headers=headers,
                                          mimetype="text/javascript")
    return current_app.response_class(body, headers=headers, mimetype="text/javascript")
