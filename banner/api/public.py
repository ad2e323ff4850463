"""Public endpoints called by the storefront snippet (DESIGN.md section 4)."""
import uuid

from flask import Blueprint, current_app, request

from ..errors import ApiError
from ..extensions import limiter
from ..schemas import consent_in, consent_out, impression_in, language_query, state_out
from ..services import consents, impressions
from ..services.banners import banner_for_query
from ..services.privacy import clean_country
from ..services.sites import site_settings
from .body import json_body
from .cors import add_cors_headers, require_allowed_origin

bp = Blueprint("public", __name__, url_prefix="/v1/sites/<site_key>")


def _public_limit() -> str:
    return current_app.config["RATELIMIT_PUBLIC"]


@bp.after_request
def cors(response):
    return add_cors_headers(response, (request.view_args or {}).get("site_key"))


def _client() -> consents.ClientInfo:
    header = current_app.config["COUNTRY_HEADER"]
    return consents.ClientInfo(
        ip=request.remote_addr, user_agent=request.user_agent.string or None,
        country=clean_country(request.headers.get(header)) if header else None)


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/banner")
def get_banner(site_key: str):
    # The busiest endpoint: the rendering, with its headers, is prepared once per site and
    # query string, not per request.
    rendered = banner_for_query(site_key, request.query_string, _requested_language)
    if rendered.quoted_etag in request.environ.get("HTTP_IF_NONE_MATCH", ""):
        return current_app.response_class(status=304, headers=rendered.headers)
    return current_app.response_class(rendered.body, headers=rendered.headers,
                                      mimetype="application/json")


def _requested_language() -> str | None:
    lang = language_query.load(request.args)["lang"]
    return lang.lower() if lang else None


@bp.post("/consents")
@limiter.limit(_public_limit)
def record_consent(site_key: str):
    site = site_settings(site_key)
    require_allowed_origin(site)
    data = consent_in.load(json_body())
    result, created = consents.record_consent(site, data, _client(),
                                              current_app.config["SECRET_KEY"])
    return _no_store(current_app.json.response(consent_out.dump(result))), \
        201 if created else 200


@bp.get("/consents/<visitor_id>")
def get_consent(site_key: str, visitor_id: str):
    site = site_settings(site_key)
    try:
        visitor = uuid.UUID(visitor_id)
    except ValueError:
        raise ApiError(422, "The visitor id is not a UUID.", {"visitor_id": ["Not a valid UUID."]})
    return _no_store(current_app.json.response(state_out.dump(
        consents.current_state(site, visitor))))


@bp.post("/impressions")
@limiter.limit(_public_limit)
def record_impression(site_key: str):
    site = site_settings(site_key)
    require_allowed_origin(site)
    data = impression_in.load(json_body())
    impressions.record_impression(site, data["version"], data["language"],
                                  request.user_agent.string or None)
    return _no_store(current_app.response_class(status=204))
