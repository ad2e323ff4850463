"""The merchant's stores: the list, and creating one."""
from flask import redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..errors import Conflict, Invalid
from ..extensions import db
from ..models import PLATFORMS, BannerVersion, Site
from ..services import sites
from . import bp
from .context import actor, form_errors, link

PLATFORM_NAMES = {"shopify": "Shopify", "salla": "Salla", "custom": _l("Other (HTML)")}


class SiteForm(FlaskForm):
    name = StringField(_l("Store name"), validators=[DataRequired(), Length(max=200)])
    allowed_origins = TextAreaField(
        _l("Store addresses"), description=_l("One per line, e.g. https://mystore.sa"))
    platform = SelectField(_l("Platform"), choices=[
        SelectChoice(key, label) for key, label in PLATFORM_NAMES.items()])
    default_language = SelectField(_l("Default banner language"), choices=[
        SelectChoice("ar", "العربية", {"lang": "ar"}), SelectChoice("en", "English", {"lang": "en"})])


def origins_of(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@bp.get("/")
@login_required
def home():
    return redirect(url_for("dashboard.list_sites"))


@bp.get("/sites")
@login_required
def list_sites():
    page = sites.list_sites(current_user.merchant_id, request.args.get("cursor"), 50)
    live = _live_versions([site.id for site in page.items])
    return render_template("dashboard/sites/list.html", page=page, live=live,
                           platforms=PLATFORM_NAMES)


def _live_versions(site_ids: list[int]) -> dict[int, int]:
    rows = db.session.execute(
        db.select(BannerVersion.site_id, db.func.max(BannerVersion.number))
        .where(BannerVersion.site_id.in_(site_ids), BannerVersion.status == "published")
        .group_by(BannerVersion.site_id)).all()
    return dict(rows)


@bp.route("/sites/new", methods=["GET", "POST"])
@login_required
def create_site():
    form = SiteForm()
    status = 200
    if form.validate_on_submit():
        try:
            site: Site = sites.create_site(
                current_user.merchant_id, form.name.data, origins_of(form.allowed_origins.data),
                platform=form.platform.data, default_language=form.default_language.data,
                actor=actor())
        except (Invalid, Conflict) as exc:
            form_errors(form, exc)
            status = 422
        else:
            return redirect(link("dashboard.edit_banner", site_id=site.id)
                            or url_for("dashboard.list_sites"))
    elif request.method == "POST":
        status = 422
    return render_template("dashboard/sites/new.html", form=form), status
