"""The audit log: what was done, by whom, when."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_skeleton, format_time, get_datetime_format
from babel.lists import format_list
from flask import render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup

from ..extensions import db
from ..models import AuditEvent, Site
from ..services import audit
from . import bp

# The settings a site.updated event names, as the settings form calls them.
SETTING_NAMES = {"name": _l("Store name"), "allowed_origins": _l("Store addresses"),
                 "platform": _l("Platform"), "default_language": _l("Default banner language"),
                 "time_zone": _l("Time zone"), "retention_days": _l("How long records are kept"),
                 "ip_mode": _l("How IP addresses are kept")}


def when(value: datetime | None, zone: str = "UTC", seconds: bool = False) -> Markup | None:
    """A stored (naive UTC) time in a time zone, in the dashboard's language, zone named;
    with seconds where it is evidence (a consent record)."""
    if value is None:
        return None
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        tz, zone = ZoneInfo("UTC"), "UTC"  # a zone this host does not know: say UTC plainly
    moment = value.replace(tzinfo=timezone.utc)
    local, language = moment.astimezone(tz), str(get_locale())
    # "27 Nov 2026" spelled out in either language (Arabic's medium date is all digits).
    text = get_datetime_format("medium", locale=language) \
        .replace("{1}", format_skeleton("yMMMd", local, locale=language)) \
        .replace("{0}", format_time(local, "medium" if seconds else "short", tzinfo=tz,
                                    locale=language))
    return Markup('<time datetime="{}">{}</time> <span class="zone" dir="ltr">{}</span>').format(
        moment.strftime("%Y-%m-%dT%H:%M:%SZ"), text, zone)


def who(label: str) -> str:
    """The actor of an event in words: an email, an API key, or the command line."""
    if label == "cli":
        return _("Command line")
    if label.startswith("key "):
        return _("API key %(prefix)s", prefix=label[4:])
    return label


def describe(event: AuditEvent) -> str:
    """One event in words."""
    details = event.details or {}
    match event.action:
        case "site.created":
            return _("Store created")
        case "site.updated":
            fields = [str(SETTING_NAMES.get(name, name)) for name in details.get("fields", [])]
            return _("Store settings changed: %(fields)s",
                     fields=format_list(fields, locale=str(get_locale())))
        case "draft.saved":
            return _("Banner draft saved (version %(number)d)", number=details.get("number", 0))
        case "version.published":
            if details.get("change") == "minor":
                return _("Version %(number)d published as a minor change",
                         number=details.get("number", 0))
            return _("Version %(number)d published as a material change (visitors are asked "
                     "again)", number=details.get("number", 0))
        case "visitor.erased":
            return _("Visitor erased: %(count)d records removed",
                     count=details.get("records_removed", 0))
        case "key.created":
            return _("API key %(prefix)s created", prefix=details.get("prefix", ""))
        case "key.revoked":
            return _("API key %(prefix)s revoked", prefix=details.get("prefix", ""))
    return event.action  # an action added later still shows, by its code


def _sites_of(events: list[AuditEvent]) -> dict[int, Site]:
    ids = {event.site_id for event in events if event.site_id is not None}
    if not ids:
        return {}
    rows = db.session.scalars(db.select(Site).where(
        Site.id.in_(ids), Site.merchant_id == current_user.merchant_id))
    return {site.id: site for site in rows}


@bp.get("/audit")
@login_required
def audit_log():
    page = audit.list_events(current_user.merchant_id, request.args.get("cursor"), 50)
    return render_template("dashboard/audit/list.html", page=page, sites=_sites_of(page.items),
                           describe=describe, who=who, when=when)
