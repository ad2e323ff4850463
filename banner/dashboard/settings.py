"""Store settings: name, addresses, platform, language, time zone, retention, IP mode."""
from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo, available_timezones

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SelectField, StringField, TextAreaField

from ..errors import Invalid
from ..services import sites
from . import bp
from .context import actor, form_errors, owned_site
from .editor_messages import translated
from .sites import PLATFORM_NAMES, origins_of

# Continents of the IANA database, as the time zone list groups them.
REGIONS = {"Africa": _l("Africa"), "America": _l("Americas"), "Antarctica": _l("Antarctica"),
           "Asia": _l("Asia"), "Atlantic": _l("Atlantic"), "Australia": _l("Australia"),
           "Europe": _l("Europe"), "Indian": _l("Indian Ocean"), "Pacific": _l("Pacific")}
IP_MODES = {
    "truncate": (_l("Shortened"), _l("The last part of the address is dropped before it is "
                                     "stored (the last 8 bits of IPv4, 80 of IPv6): it names "
                                     "a neighbourhood, not a visitor.")),
    "hash": (_l("Scrambled"), _l("A keyed hash of the address is stored: the same visitor "
                                 "can be recognised across records, but the address cannot "
                                 "be read back.")),
    "none": (_l("Not kept"), _l("No address is stored at all. Proof of consent then rests "
                                "on the other details of each record.")),
}


def time_zone_choices(current: str | None) -> list[SelectChoice]:
    """Every IANA zone as 'City (UTC+03:00)', grouped by region; the current one included."""
    now = datetime.now()
    grouped = defaultdict(list)
    zones = {z for z in available_timezones() if z.split("/")[0] in REGIONS} | {"UTC"}
    if current:
        zones.add(current)
    for zone in sorted(zones):
        region, _sep, city = zone.partition("/")
        try:
            offset = now.astimezone(ZoneInfo(zone)).strftime("%z")
        except (KeyError, ValueError):
            offset = ""
        label = (city or region).replace("_", " ").replace("/", " / ")
        if offset:
            label += f" (UTC{offset[:3]}:{offset[3:]})"
        group = REGIONS.get(region, _l("Other"))
        grouped[str(group)].append(SelectChoice(zone, label, optgroup=str(group)))
    return [choice for choices in grouped.values() for choice in choices]


class SettingsForm(FlaskForm):
    name = StringField(_l("Store name"))
    allowed_origins = TextAreaField(_l("Store addresses"),
                                    description=_l("One per line, e.g. https://mystore.sa"))
    platform = SelectField(_l("Platform"), validate_choice=False,
                           choices=[SelectChoice(k, v) for k, v in PLATFORM_NAMES.items()])
    default_language = SelectField(_l("Default banner language"), validate_choice=False,
                                   choices=[SelectChoice("ar", "العربية", {"lang": "ar"}),
                                            SelectChoice("en", "English", {"lang": "en"})])
    time_zone = SelectField(_l("Time zone"), validate_choice=False,
                            description=_l("Dates in reports and exports use it."))
    retention_days = StringField(_l("Keep consent records for (days)"),
                                 description=_l("Proof of consent is kept this long, then "
                                                "deleted. 1825 days is five years."))
    ip_mode = RadioField(_l("Visitor IP addresses"), validate_choice=False,
                         choices=[SelectChoice(k, label) for k, (label, _h) in IP_MODES.items()])


def _initial(site) -> dict:
    return {"name": site.name, "allowed_origins": "\n".join(site.allowed_origins),
            "platform": site.platform, "default_language": site.default_language,
            "time_zone": site.time_zone, "retention_days": str(site.retention_days),
            "ip_mode": site.ip_mode}


def _changes(form: SettingsForm) -> dict:
    """The settings posted, as the sites service takes them."""
    days = (form.retention_days.data or "").strip()
    return {"name": form.name.data or "", "allowed_origins": origins_of(form.allowed_origins.data),
            "platform": form.platform.data, "default_language": form.default_language.data,
            "time_zone": form.time_zone.data,
            "retention_days": int(days) if days.isdigit() else days,
            "ip_mode": form.ip_mode.data}


@bp.route("/sites/<int:site_id>/settings", methods=["GET", "POST"])
@login_required
def site_settings(site_id: int):
    site = owned_site(site_id)
    form = SettingsForm(data=None if request.method == "POST" else _initial(site))
    form.time_zone.choices = time_zone_choices(form.time_zone.data or site.time_zone)
    status = 200
    if form.validate_on_submit():
        try:
            sites.update_site(site, _changes(form), actor())
        except Invalid as exc:
            form_errors(form, Invalid(exc.message, translated(exc.errors)))
            status = 422
        else:
            flash(_("The store settings are saved."), "success")
            return redirect(url_for("dashboard.site_settings", site_id=site.id))
    elif request.method == "POST":
        status = 400 if form.csrf_token.errors else 422
    return render_template("dashboard/settings/edit.html", form=form, site=site,
                           ip_modes=IP_MODES), status
