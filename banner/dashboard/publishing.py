"""Publishing the draft, and the versions with their differences."""
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_datetime
from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, TextAreaField
from wtforms.validators import InputRequired, Length

from ..default_texts import DEFAULT_TEXTS
from ..documents import RTL_LANGUAGES
from ..errors import Conflict, Invalid
from ..extensions import db
from ..models import AuditEvent, BannerVersion
from ..services import drafts, versions
from ..services.diff import diff_documents
from . import bp
from .context import actor, owned_site
from .editor_form import TEXT_LABELS


def _labels() -> dict[str, str]:
    """Names of the banner's texts and settings, as the editor names them."""
    return {
        **{key: str(label) for key, label in TEXT_LABELS.items()},
        "age_confirmation": _("Age confirmation"),  # shorter than the editor's label
        "category_label": _("Name"), "category_description": _("Description"),
        "rule_consent_lifetime_days": _("Remember a choice for (days)"),
        "rule_honour_gpc": _("Honour Global Privacy Control"),
        "rule_age_confirmation": _("Ask visitors to confirm they are of legal age"),
        "rule_default_mode": _("Everywhere else"),
        "rule_region_rules": _("Rules by the visitor's country"),
        "position": _("Position"), "theme": _("Theme"), "accent_color": _("Button colour"),
        "layout": _("Layout"), "corner_radius": _("Corner roundness (pixels)"),
        "font": _("Font"),
        "email": _("Email"), "phone": _("Phone"), "whatsapp": _("WhatsApp"),
        "name": _("Name"), "category": _("Category"), "hosts": _("Hosts its scripts load from"),
        "privacy_url": _("Privacy policy address"),
    }


def _values() -> dict:
    return {True: _("Yes"), False: _("No"), None: "—", "opt_in": _("Ask first"),
            "opt_out": _("Notice with a way to refuse"), "bottom": _("Bar at the bottom"),
            "center": _("Box in the middle"), "light": _("Light"), "dark": _("Dark"),
            "bar": _("Bar at the bottom"), "box-left": _("Box at the bottom left"),
            "box-right": _("Box at the bottom right"), "modal": _("Box in the middle"),
            "auto": _("As the shopper's device"), "system": _("The device's own font"),
            "store": _("My store's font"), "icon-left": _("Small icon at the bottom left"),
            "icon-right": _("Small icon at the bottom right"),
            "button-left": _("Button at the bottom left"),
            "button-right": _("Button at the bottom right"), "none": _("None: a link in my store")}


def category_name(key: str) -> str:
    """A consent category as the default banner texts name it, in the merchant's language."""
    texts = DEFAULT_TEXTS.get(str(get_locale() or "en"), DEFAULT_TEXTS["en"])
    return texts["categories"].get(key, {}).get("label", key)


def diff_helpers() -> dict:
    """What the diff partial needs to name things in the merchant's language."""
    locale = str(get_locale() or "en")
    values = _values()

    def language_name(code: str) -> str:
        try:
            return Locale.parse(code).get_display_name(locale) or code
        except (ValueError, UnknownLocaleError):
            return code

    def show(value) -> str:
        if isinstance(value, list):
            return "; ".join(show(item) for item in value) or "—"
        if isinstance(value, dict):  # a country rule
            return f"{', '.join(value.get('countries', []))}: {show(value.get('mode'))}"
        if isinstance(value, (bool, type(None))) or (isinstance(value, str) and value in values):
            return values[value]
        return str(value)

    return {"labels": _labels(), "show": show, "language_name": language_name,
            "text_dir": lambda code: "rtl" if code in RTL_LANGUAGES else "ltr",
            "category_name": category_name}


def when(moment: datetime | None, site) -> str:
    """A moment in the store's time zone, in the merchant's language."""
    if moment is None:
        return "—"
    zone = ZoneInfo(site.time_zone or "Asia/Riyadh")
    return format_datetime(moment.replace(tzinfo=moment.tzinfo or UTC), "d MMM y · HH:mm",
                           tzinfo=zone, locale=str(get_locale() or "en"))


class PublishForm(FlaskForm):
    change = RadioField(_l("Kind of change"), choices=[SelectChoice("minor", _l("Minor")),
                                                       SelectChoice("material", _l("Material"))],
                        validators=[InputRequired()])
    note = TextAreaField(_l("Note for the history"), validators=[Length(max=drafts.MAX_NOTE)],
                         description=_l("What changed and why, for you and your auditor."))


def _pending(site):
    """(draft, live, diff) where diff is None for a first version; draft None when there
    is nothing to publish. Reading never makes a draft."""
    draft, live = drafts.current_draft(site.id), versions.latest_published(site.id)
    if draft is None or (live is not None and live.content_hash == draft.content_hash):
        return None, live, None
    return draft, live, diff_documents(live.document, draft.document) if live else None


def _refusal(form, exc: Invalid) -> None:
    """The service's refusal in the merchant's language, at the field it concerns."""
    errors = exc.errors or {}
    if "change" in errors:
        form.change.errors = [*form.change.errors, _(
            "Visitors must be asked again after this change: publish it as material.")]
    if "note" in errors:
        form.note.errors = [*form.note.errors, _("At most %(count)d characters.",
                                                 count=drafts.MAX_NOTE)]
    if not errors.keys() & {"change", "note"}:
        form.form_errors.append(exc.message)


@bp.route("/sites/<int:site_id>/publish", methods=["GET", "POST"], endpoint="publish")
@login_required
def publish_page(site_id: int):
    site = owned_site(site_id)
    draft, live, diff = _pending(site)
    material = draft is not None and (diff is None or diff["material"])
    form = PublishForm(change="material" if material else "minor")
    status = 200
    if form.validate_on_submit():
        try:
            version = drafts.publish_draft(site, form.change.data, form.note.data.strip() or None,
                                           actor())
        except Conflict:
            form.form_errors.append(_("There is nothing to publish: the live banner is "
                                      "already the same as the draft."))
            draft, live, diff = _pending(site)
            status = 422
        except Invalid as exc:
            _refusal(form, exc)
            status = 422
        else:
            flash(_("Version %(number)d is live. Visitors see it within a few minutes.",
                    number=version.number), "success")
            return redirect(url_for("dashboard.versions", site_id=site.id))
    elif request.method == "POST":
        status = 422
        if form.csrf_token.errors:
            form.form_errors.append(_("The form expired or was not sent from this dashboard. "
                                      "Go back, reload the page and try again."))
            status = 400
    return render_template("dashboard/publishing/publish.html", site=site, form=form,
                           draft=draft, live=live, diff=diff, material=material,
                           **diff_helpers()), status


def _publishers(site_id: int) -> dict[int, str]:
    """Version number -> who published it, from the audit log."""
    events = db.session.scalars(db.select(AuditEvent).filter_by(
        site_id=site_id, action="version.published").order_by(AuditEvent.id))
    return {event.details.get("number"): event.actor for event in events}


def _numbers(site_id: int) -> list[int]:
    return list(db.session.scalars(
        db.select(BannerVersion.number).filter_by(site_id=site_id, status="published")
        .order_by(BannerVersion.number.desc())))


@bp.get("/sites/<int:site_id>/versions", endpoint="versions")
@login_required
def list_versions_page(site_id: int):
    site = owned_site(site_id)
    a, b = request.args.get("a", type=int), request.args.get("b", type=int)
    if a and b:  # the compare form (a GET form cannot fill a path)
        return redirect(url_for("dashboard.version_diff", site_id=site.id, a=a, b=b))
    page = versions.list_versions(site.id, request.args.get("cursor"), 50)
    numbers = _numbers(site.id)
    return render_template("dashboard/publishing/versions.html", site=site, page=page,
                           publishers=_publishers(site.id), numbers=numbers, when=when,
                           first_page=not request.args.get("cursor"))


@bp.get("/sites/<int:site_id>/versions/<int:a>/diff/<int:b>", endpoint="version_diff")
@login_required
def version_diff_page(site_id: int, a: int, b: int):
    site = owned_site(site_id)
    diff = versions.diff_versions(site.id, a, b)
    return render_template("dashboard/publishing/diff.html", site=site, diff=diff, a=a, b=b,
                           numbers=_numbers(site.id), **diff_helpers())
