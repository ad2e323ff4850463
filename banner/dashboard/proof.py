"""Visitor proof: every record of one visitor, download, and erasure."""
import json
import uuid
from datetime import datetime

from babel import Locale
from flask import Response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField, Form, StringField
from wtforms.validators import UUID, DataRequired

from ..documents import RTL_LANGUAGES
from ..errors import Invalid, NotFound
from ..models import CATEGORIES, Site
from ..services import erasure, erasure_receipts, proof
from . import bp
from .audit_log import when
from .context import actor, owned_site

CATEGORY_NAMES = {"necessary": _l("Necessary"), "functional": _l("Functional"),
                  "analytics": _l("Analytics"), "advertising": _l("Advertising")}
ACTION_NAMES = {"accept_all": _l("Accepted all"), "reject_all": _l("Rejected all"),
                "custom": _l("Chose categories"), "withdraw": _l("Withdrew consent"),
                "gpc": _l("Refused through Global Privacy Control"),
                "expire": _l("Consent expired")}
SOURCE_NAMES = {"banner": _l("The banner"), "preferences": _l("The preferences panel"),
                "api": _l("The store's code (JavaScript API)"),
                "gpc": _l("The browser's Global Privacy Control signal")}
POLICY_NAMES = {"opt_in": _l("Opt-in: nothing optional before a choice"),
                "opt_out": _l("Opt-out: a notice with an equal way to refuse")}
DEVICE_NAMES = {"mobile": _l("Phone"), "tablet": _l("Tablet"), "desktop": _l("Computer"),
                "bot": _l("Bot"), "other": _l("Other")}


class LookupForm(Form):
    """Which visitor to show: read from the query string (it changes nothing, so no CSRF)."""

    visitor = StringField(
        _l("Visitor ID"), validators=[
            DataRequired(message=_l("Enter the visitor ID.")),
            UUID(message=_l("A visitor ID looks like 3f2b8c1e-5d4a-4e6b-9c7d-1a2b3c4d5e6f."))],
        description=_l("On the store, the visitor (or you, in their browser) finds it with "
                       "ConsentBanner.get().visitorId."))


class EraseForm(FlaskForm):
    confirm = BooleanField(_l("I understand this cannot be undone"), validators=[
        DataRequired(message=_l("Tick the box to confirm the erasure."))])


def language_name(code: str | None) -> str:
    if not code:
        return _("Unknown")
    return Locale.parse(str(get_locale())).languages.get(code, code)


def country_name(code: str | None) -> str:
    if not code:
        return _("Unknown")
    return Locale.parse(str(get_locale())).territories.get(code.upper(), code)


def text_direction_of(language: str) -> str:
    return "rtl" if language in RTL_LANGUAGES else "ltr"


def _visitor_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Invalid(_("This is not a visitor ID. A visitor ID looks like "
                        "3f2b8c1e-5d4a-4e6b-9c7d-1a2b3c4d5e6f."),
                      {"visitor": ["Not a valid UUID."]}) from None


def _page(site: Site, lookup: LookupForm, found: dict | None = None,
          erase_form: EraseForm | None = None, missing: bool = False, status: int = 200):
    return render_template(
        "dashboard/proof/visitor.html", site=site, lookup=lookup, proof=found,
        erase_form=erase_form or EraseForm(), missing=missing, zone=site.time_zone,
        when=when, categories=CATEGORIES, category_names=CATEGORY_NAMES,
        action_names=ACTION_NAMES, source_names=SOURCE_NAMES, device_names=DEVICE_NAMES,
        policy_names=POLICY_NAMES,
        language_name=language_name, country_name=country_name,
        text_direction_of=text_direction_of), status


@bp.get("/sites/<int:site_id>/visitors")
@login_required
def visitor_proof(site_id: int):
    site = owned_site(site_id)
    lookup = LookupForm(request.args)
    if "visitor" not in request.args:
        return _page(site, lookup)
    if not lookup.validate():
        return _page(site, lookup, status=422)
    try:
        found = proof.visitor_proof(site, uuid.UUID(lookup.visitor.data))
    except NotFound:
        return _page(site, lookup, missing=True, status=404)
    return _page(site, lookup, found)


def _json_value(value):
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds") + "Z"  # naive UTC, as the API writes it
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(type(value).__name__)


@bp.get("/sites/<int:site_id>/visitors/<visitor_id>.json")
@login_required
def visitor_proof_json(site_id: int, visitor_id: str):
    site = owned_site(site_id)
    visitor = _visitor_id(visitor_id)
    try:
        found = proof.visitor_proof(site, visitor)
    except NotFound:
        return _page(site, LookupForm(visitor=str(visitor)), missing=True, status=404)
    body = json.dumps(found, default=_json_value, ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="proof-{site.site_key}-{visitor}.json"'})


@bp.post("/sites/<int:site_id>/visitors/<visitor_id>/erase")
@login_required
def erase_visitor(site_id: int, visitor_id: str):
    site = owned_site(site_id)
    visitor = _visitor_id(visitor_id)
    lookup = LookupForm(visitor=str(visitor))
    form = EraseForm()
    if not form.validate_on_submit():
        try:
            found = proof.visitor_proof(site, visitor)
        except NotFound:
            return _page(site, lookup, missing=True, status=404)
        return _page(site, lookup, found, form, status=400 if form.csrf_token.errors else 422)
    try:
        receipt = erasure.erase_visitor(site, visitor, actor())
    except NotFound:
        return _page(site, lookup, missing=True, status=404)
    # To a page of its own: reloading it, or switching language there, erases nothing.
    return redirect(url_for("dashboard.erasure_receipt", site_id=site.id,
                            receipt_id=receipt["id"]))


@bp.get("/sites/<int:site_id>/erasures/<int:receipt_id>")
@login_required
def erasure_receipt(site_id: int, receipt_id: int):
    site = owned_site(site_id)
    receipt = erasure_receipts.erasure_receipt(site, receipt_id)
    return render_template("dashboard/proof/receipt.html", site=site, receipt=receipt,
                           when=when, zone=site.time_zone)
