"""Bearer-key authentication and scopes for the merchant API.

Every admin blueprint authenticates before anything else (401), then checks the scope the
view declares with `requires` (403), then, for paths under /sites/<id>, finds the site
among the caller's own (404 for any other, whatever the method or body).
"""
from flask import current_app, g, request

from ...errors import Forbidden
from ...models import Site
from ...services import api_keys, sites
from ...services.api_keys import KeyPrincipal
from ..base import Blueprint, document, refusals


def admin_blueprint(name: str, import_name: str, description: str) -> Blueprint:
    """An API blueprint under /v1/admin whose every view needs a key."""
    bp = Blueprint(name, import_name, url_prefix="/v1/admin", description=description)
    bp.before_request(_authorise)
    return bp


def requires(scope: str):
    """Declare the scope a view needs (checked before the body is read)."""
    def decorate(view):
        view.required_scope = scope
        view = document(view, manual={"security": [{"bearerAuth": [scope]}]})
        return refusals(401, 403)(view)  # answered by _authorise below
    return decorate


def _bearer_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def _authorise() -> None:
    principal = api_keys.authenticate(_bearer_token())
    scope = current_app.view_functions[request.endpoint].required_scope
    if scope not in principal.scopes:
        raise Forbidden(f"This key lacks the {scope} scope.", {"scope": [scope]})
    g.principal = principal
    if "site_id" in (request.view_args or {}):
        g.site = sites.owned_site(principal.actor.merchant_id, request.view_args["site_id"])


def principal() -> KeyPrincipal:
    """The authenticated caller of this request."""
    return g.principal


def current_site() -> Site:
    """The caller's site named in the path (already checked to be theirs)."""
    return g.site
