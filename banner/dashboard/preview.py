"""The live preview: the real snippet showing the draft in an isolated frame.

The frame is a page of its own blueprint (its CSP lets the banner's <style> into its
shadow root and lets the editor frame it). The snippet in it talks to a stand-in of the
public API under the same blueprint, which answers from the draft and records nothing:
no consent, no impression, and no store's visitor ever sees the draft.
The snippet posts without cookies, so the stand-in knows the merchant by a signed token
in its path, handed out with the frame."""
import json
import re
from http import HTTPStatus
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from .. import errors as domain
from ..api.cors import COUNTED_UNTIL
from ..documents import RTL_LANGUAGES
from ..models import utcnow
from ..schemas import consent_in, consent_out, impression_in, utc_iso
from ..services import draft_preview, drafts, sites
from ..services.banners import resolve_language
from ..services.impressions import counts_again_at
from .auth import load_user
from .editor_document import document_from
from .editor_form import MAX_FORM_BYTES, EditorForm
from .errors import STATUS, error_page

preview_bp = Blueprint("dashboard_preview", __name__,
                       url_prefix="/dashboard/sites/<int:site_id>/preview")
preview_bp.cookie_session = True
preview_bp.content_security_policy = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'self'")
TOKEN_SECONDS = 12 * 3600  # an editor left open over a working day
LANGUAGE = re.compile(r"[A-Za-z]{2}([-_][A-Za-z0-9]{1,8})*")
API = "/<token>/v1/sites/<site_key>"


def preview_language(site, document: dict) -> str:
    """The language the editor's preview opens in: the dashboard's, if the banner has it."""
    return resolve_language(str(get_locale()), document["languages"], site.default_language)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="dashboard-preview")


def _signed_in_site(site_id: int):
    if not current_user.is_authenticated:
        raise domain.NotFound("No such site.")  # not a sign-in page: nothing is here
    return sites.owned_site(current_user.merchant_id, site_id)


def _token_site(site_id: int, token: str, site_key: str):
    """The site of a stand-in API request: the token's merchant must still own it (and
    still have the password the token was made under)."""
    try:
        payload = _serializer().loads(token, max_age=TOKEN_SECONDS)
        user = load_user(str(payload["user"])) if payload["site"] == site_id else None
    except (BadSignature, KeyError, TypeError):
        user = None
    if user is None:
        raise domain.NotFound("No such site.")
    if request.method == "GET" and (not current_user.is_authenticated
                                    or current_user.get_id() != user.get_id()):
        raise domain.NotFound("No such site.")  # reads also carry the session cookie
    site = sites.owned_site(user.merchant_id, site_id)
    if site.site_key != site_key:
        raise domain.NotFound("No such site.")
    return site


def _language() -> str | None:
    lang = request.args.get("lang")
    return lang.lower() if lang and LANGUAGE.fullmatch(lang) else None


def _unsaved_banner(site, language):
    """The banner as the editor's form has it now (posted as the merchant types), or None
    while the form is not valid."""
    request.max_content_length = MAX_FORM_BYTES
    form = EditorForm()
    if not form.validate_on_submit():
        raise domain.Invalid("The form expired.")
    document, _ = document_from(form, drafts.get_draft(site).document)
    try:
        return draft_preview.preview_document(site, document, language)
    except domain.Invalid:
        return None


@preview_bp.route("/frame", methods=["GET", "POST"])
def frame(site_id: int):
    site = _signed_in_site(site_id)
    unsaved = _unsaved_banner(site, _language()) if request.method == "POST" else None
    language = unsaved["language"] if unsaved else resolve_language(
        _language(), drafts.get_draft(site).document["languages"], site.default_language)
    token = _serializer().dumps({"user": current_user.get_id(), "site": site.id})
    banner_url = url_for(".banner", site_id=site.id, token=token, site_key=site.site_key)
    return render_template(
        "dashboard/preview/frame.html", site=site, language=language,
        direction="rtl" if language in RTL_LANGUAGES else "ltr", unsaved=unsaved,
        refused=request.method == "POST" and unsaved is None,
        api=banner_url.rpartition("/v1/sites/")[0])


@preview_bp.after_request
def framed_by_the_editor(response):
    # Its pages (the frame, an error in it) may be framed by this origin only.
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@preview_bp.get(f"{API}/banner")
def banner(site_id: int, token: str, site_key: str):
    site = _token_site(site_id, token, site_key)
    return drafts.preview(site, _language())


def _body(schema) -> dict:
    """The snippet's JSON body (sent as text/plain), loaded like the public API loads it."""
    try:
        return schema.load(json.loads(request.get_data(as_text=True) or "null") or {})
    except (ValueError, TypeError):
        raise domain.Invalid("The body is not JSON.") from None
    except ValidationError as exc:
        raise domain.Invalid("The request is not valid.", exc.messages) from None


@preview_bp.post(f"{API}/consents")
def consents(site_id: int, token: str, site_key: str):
    site = _token_site(site_id, token, site_key)
    return consent_out.dump(draft_preview.try_consent(site, _body(consent_in))), 201


@preview_bp.post(f"{API}/impressions")
def impressions(site_id: int, token: str, site_key: str):
    site = _token_site(site_id, token, site_key)
    _body(impression_in)
    # Answered like the public API (nothing counted), so the snippet behaves as on a store.
    until = counts_again_at(utcnow(), ZoneInfo(site.time_zone))
    return "", 204, {COUNTED_UNTIL: utc_iso(until)}


@preview_bp.errorhandler(domain.DomainError)
@preview_bp.errorhandler(HTTPException)
def refused(exc):
    """The frame gets the dashboard's error page; the stand-in API, the API's JSON shape."""
    code = STATUS.get(type(exc)) or getattr(exc, "code", None) or 500
    if request.endpoint == "dashboard_preview.frame":
        return error_page(code)
    description = getattr(exc, "message", None) or getattr(exc, "description", "") or ""
    return {"code": code, "name": HTTPStatus(code).phrase, "description": description,
            "errors": getattr(exc, "errors", None) or {}}, code
