"""Public endpoints called by the storefront snippet (DESIGN.md section 4)."""
from flask import current_app, g, request

from ..extensions import limiter
from ..schemas import (BannerOutSchema, ConsentInSchema, ConsentOutSchema,
                       ConsentStateOutSchema, ImpressionInSchema, LanguageQuerySchema, utc_iso)
from ..services import consents, impressions
from ..services.banners import banner_for_query, prepared_banner
from ..services.policy import request_country
from ..services.sites import site_settings
from .base import Blueprint, answers, visitor_uuid
from .cors import COUNTED_UNTIL, add_cors_headers, require_allowed_origin

# Set by the consent lane (api/consent_lane.py) on a request it counted and handed over.
COUNTED_BY_LANE = "banner.consent_lane.counted"

bp = Blueprint("public", __name__, url_prefix="/v1/sites/<site_key>",
               description="Called by the storefront snippet: no key, CORS by site origin.")


def _public_limit() -> str:
    return current_app.config["RATELIMIT_PUBLIC"]


def _site_limit() -> str:
    return current_app.config["RATELIMIT_SITE"]


def _site_of_request() -> str:
    return request.view_args["site_key"]


def _counted_by_the_lane() -> bool:
    """A consent post the lane handed over has been counted against these limits there."""
    return request.environ.get(COUNTED_BY_LANE, False)


# Per client network, and per site for all clients together (a flood from many
# addresses stops at the site's ceiling, not at the database).
per_client = limiter.limit(_public_limit, exempt_when=_counted_by_the_lane)
per_site = limiter.limit(_site_limit, key_func=_site_of_request, scope="site",
                         exempt_when=_counted_by_the_lane)


@bp.before_request
def prepare():
    """Writes need a known site and an allowed origin, before the body is read; the
    banner GET answers from its prepared rendering without entering the view."""
    if request.method == "POST":
        g.site = site_settings(request.view_args["site_key"])
        require_allowed_origin(g.site)
    elif request.endpoint == "public.get_banner":
        rendered = prepared_banner(request.view_args["site_key"], request.query_string,
                                   request_country())
        if rendered is not None:
            return _banner_response(rendered)
    return None


@bp.after_request
def cors(response):
    return add_cors_headers(response, (request.view_args or {}).get("site_key"))


def _client() -> consents.ClientInfo:
    return consents.ClientInfo(
        ip=request.remote_addr, user_agent=request.user_agent.string or None,
        country=request_country())


def _banner_response(rendered):
    if rendered.quoted_etag in request.environ.get("HTTP_IF_NONE_MATCH", ""):
        response = current_app.response_class(status=304, headers=rendered.headers)
    else:
        response = current_app.response_class(rendered.body, headers=rendered.headers,
                                              mimetype="application/json")
    response.secured = True  # its headers include the security headers (security.py)
    return response


@bp.get("/banner")
@bp.arguments(LanguageQuerySchema, location="query", as_kwargs=True)
@bp.response(200, BannerOutSchema, description="The published banner, localised "
             "(CDN-cacheable: ETag, Cache-Control public).")
@answers(304, description="Not modified (If-None-Match)")
@bp.refusals(404)
def get_banner(site_key: str, lang: str | None):
    """The published banner in the best language offered."""
    # Only the first request of a query string comes here (see prepare above).
    rendered = banner_for_query(site_key, request.query_string, lang.lower() if lang else None,
                                request_country())
    return _banner_response(rendered)


# One instance of each, shared with the consent lane (api/consent_lane.py).
CONSENT_IN = ConsentInSchema()
CONSENT_OUT = ConsentOutSchema()


@bp.post("/consents")
@per_client
@per_site
@bp.arguments(CONSENT_IN)
@bp.response(201, CONSENT_OUT, description="Recorded")
@answers(200, ConsentOutSchema, "Already recorded under this idempotency key")
@bp.refusals(400, 403, 404, 409, 413, 415, 429)
def record_consent(data: dict, site_key: str):
    """Record a visitor's choice."""
    # The consent lane (api/consent_lane.py) answers most of these with the same parts,
    # and hands the rest over to this view.
    result, created = consents.record_consent(g.site, data, _client(),
                                              current_app.config["SECRET_KEY"])
    return result, 201 if created else 200, {"Cache-Control": "no-store"}


@bp.get("/consents/<visitor:visitor_id>")
@bp.response(200, ConsentStateOutSchema, description="Current state")
@bp.refusals(404)
def get_consent(site_key: str, visitor_id: str):
    """A visitor's current choice (choices only, no personal data)."""
    state = consents.current_state(site_settings(site_key), visitor_uuid(visitor_id))
    return state, 200, {"Cache-Control": "no-store"}


@bp.post("/impressions")
@per_client
@per_site
@bp.arguments(ImpressionInSchema)
@bp.response(204, description="Counted, once per visitor, version and day of the site's time "
             "zone", headers={COUNTED_UNTIL: {
                 "description": "When this visitor's next display counts again: the start of "
                 "the site's next day (UTC, ISO 8601). Posting again before counts nothing.",
                 "schema": {"type": "string", "format": "date-time"}}})
@bp.refusals(400, 403, 404, 413, 415, 429)
def record_impression(data: dict, site_key: str):
    """Count a banner display."""
    client = _client()
    until = impressions.record_impression(g.site, data["version"], data["language"],
                                          data["visitor_id"], client.user_agent, client.country)
    return "", 204, {"Cache-Control": "no-store", COUNTED_UNTIL: utc_iso(until)}
