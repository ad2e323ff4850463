"""Installing: the tag, platform guides, the tag converter and the install check."""
from flask import current_app, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..errors import Invalid
from ..services import install_check, safe_fetch, tag_converter
from ..services.versions import latest_published
from . import bp
from .context import owned_site
from .publishing import category_name


class ConvertForm(FlaskForm):
    markup = TextAreaField(_l("The vendor's tag"), validators=[
        DataRequired(), Length(max=tag_converter.MAX_MARKUP)],
        description=_l("Paste it exactly as the vendor gives it: scripts, iframes, images."))
    category = SelectField(_l("Category"), default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="convert", **kwargs)
        # Named as the banner names them, in the merchant's language.
        self.category.choices = [SelectChoice("", _("Suggested from the vendor"))] + [
            SelectChoice(key, category_name(key)) for key in tag_converter.GATED_CATEGORIES]


class CheckForm(FlaskForm):
    url = StringField(_l("Address of a store page"), validators=[
        DataRequired(), Length(max=safe_fetch.MAX_URL)],
        description=_l("For example https://mystore.sa/ — we load it once, as a visitor's "
                       "browser would, without running it."))


def _unreachable(exc: safe_fetch.Unreachable) -> str:
    """Why the page could not be checked, in the merchant's language."""
    return {
        "scheme": _("Enter an address that starts with https:// or http://."),
        "host": _("This address could not be found. Check the spelling."),
        "address": _("This address points to a private network; only public store pages "
                     "can be checked."),
        "timeout": _("The store did not answer in time. Try again in a moment."),
        "connection": _("The store could not be reached. Check the address."),
        "status": _("The store answered with an error (%(code)s).",
                    code=exc.params.get("status", "?")),
        "redirects": _("The page redirects too many times."),
        "not_html": _("This address is not a web page (HTML)."),
        "too_big": _("The page is too big to check."),
    }.get(exc.reason, exc.message)


def _refused(form) -> int:
    """The status of a form that did not validate; an expired token says so."""
    if form.csrf_token.errors:
        form.form_errors.append(_("The form expired or was not sent from this dashboard. "
                                  "Go back, reload the page and try again."))
        return 400
    return 422


def _tag(site) -> str:
    # The per-site script: the snippet with the published banner, one round trip.
    return (f'<script src="{request.host_url}v1/sites/{site.site_key}/snippet.js" '
            f'data-site="{site.site_key}"></script>')


def _vendors(site) -> list[dict]:
    live = latest_published(site.id)
    return live.document["vendors"] if live else []


def _render(site, convert_form=None, check_form=None, status=200, **results):
    """The whole page, or only the card that was posted when htmx asks for it."""
    convert_form = convert_form or ConvertForm(formdata=None)
    check_form = check_form or CheckForm(prefix="check", formdata=None)
    context = dict(site=site, convert_form=convert_form, check_form=check_form,
                   tag=_tag(site), category_name=category_name, **results)
    partial = request.headers.get("HX-Request") and request.form.get("part")
    if partial in ("convert", "check"):
        return render_template(f"dashboard/install/_{partial}.html", **context), status
    return render_template("dashboard/install/install.html", **context), status


@bp.get("/sites/<int:site_id>/install", endpoint="install")
@login_required
def install_page(site_id: int):
    return _render(owned_site(site_id))


@bp.post("/sites/<int:site_id>/install/convert", endpoint="convert_tag")
@login_required
def convert_tag(site_id: int):
    site = owned_site(site_id)
    form = ConvertForm()
    if not form.validate_on_submit():
        return _render(site, convert_form=form, status=_refused(form))
    try:
        conversion = tag_converter.convert(form.markup.data, form.category.data or None,
                                           _vendors(site))
    except Invalid:
        form.markup.errors = [*form.markup.errors, _("This markup could not be converted.")]
        return _render(site, convert_form=form, status=422)
    if conversion.unknown:
        form.category.errors = [*form.category.errors, _(
            "We do not recognise the vendor of this tag: choose the category it belongs to.")]
        return _render(site, convert_form=form, conversion=conversion, status=422)
    return _render(site, convert_form=form, conversion=conversion)


@bp.post("/sites/<int:site_id>/install/check", endpoint="check_install")
@login_required
def check_install(site_id: int):
    site = owned_site(site_id)
    form = CheckForm(prefix="check")
    if not form.validate_on_submit():
        return _render(site, check_form=form, status=_refused(form))
    # Demo and tests check pages on this machine; a real deployment never reaches inward.
    allow_private = bool(current_app.config.get("BANNER_DEMO")
                         or current_app.config.get("TESTING"))
    try:
        report = install_check.check_install(form.url.data, site.site_key, _vendors(site),
                                             allow_private=allow_private)
    except safe_fetch.Unreachable as exc:
        form.url.errors = [*form.url.errors, _unreachable(exc)]
        return _render(site, check_form=form, status=422)
    return _render(site, check_form=form, report=report)
