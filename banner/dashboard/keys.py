"""API keys: create (shown once), list, revoke."""
import secrets

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from ..errors import Forbidden, Invalid
from ..models import SCOPES
from ..services import api_keys as key_service
from . import bp
from .audit_log import when
from .context import actor, form_errors
from .forms import ConfirmForm

SENT_FORMS = "sent_key_forms"  # the session keeps the last forms' names, never a key
# What each scope lets a key do, in the words a store owner would use.
SCOPE_SENTENCES = {
    "sites:read": _l("See stores, banners, versions, the vendor list and the audit log."),
    "sites:write": _l("Add stores, change their settings and save banner drafts."),
    "publish": _l("Publish a draft, so visitors see the new banner."),
    "proof:read": _l("Read the proof of a visitor's consent."),
    "erase": _l("Erase a visitor's consent records."),
    "stats:read": _l("Read consent rates and export the records."),
    "keys:manage": _l("Create, list and revoke API keys, including this one."),
}


class ScopesField(SelectMultipleField):
    """One checkbox per scope."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class KeyForm(FlaskForm):
    # Names this one form: sent again (a reload of the answer re-posts it), it creates no
    # second key and shows none.
    once = HiddenField(default=lambda: secrets.token_urlsafe(16))
    name = StringField(_l("Key name"), validators=[DataRequired(), Length(max=80)],
                       description=_l("Where the key is used, e.g. “Accounting export”."))
    scopes = ScopesField(_l("What the key may do"),
                         choices=[SelectChoice(scope) for scope in SCOPES],
                         validators=[DataRequired(
                             message=_l("Choose at least one thing the key may do."))])


@bp.route("/keys", methods=["GET", "POST"])
@login_required
def api_keys():
    form = KeyForm()
    status, created = 200, None
    if form.validate_on_submit():
        if _sent_before(form.once.data):
            flash(_("This form was already sent: its key is in the list and is not shown "
                    "again."), "warning")
            return redirect(url_for("dashboard.api_keys"))
        try:
            created = key_service.create_api_key(current_user.merchant_id, form.scopes.data,
                                                 name=form.name.data, actor=actor())
        except (Invalid, Forbidden) as exc:
            form_errors(form, exc)
            status = 422
        else:
            _remember_sent(form.once.data)
            form = KeyForm(formdata=None)  # the next key starts from an empty form
    elif request.method == "POST":
        status = 400 if form.csrf_token.errors else 422
    page = key_service.list_keys(current_user.merchant_id, request.args.get("cursor"), 50)
    response = render_template("dashboard/keys/list.html", form=form, page=page, created=created,
                               sentences=SCOPE_SENTENCES, when=when)
    # The new key is in this answer only: no cache may keep it.
    return response, status, {"Cache-Control": "no-store"}


def _sent_before(once: str | None) -> bool:
    return bool(once) and once in session.get(SENT_FORMS, [])


def _remember_sent(once: str | None) -> None:
    if once:
        session[SENT_FORMS] = [*session.get(SENT_FORMS, [])[-9:], once]


@bp.post("/keys/<int:key_id>/revoke")
@login_required
def revoke_key(key_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    row = key_service.revoke_key(current_user.merchant_id, key_id, actor())
    flash(_("The key %(prefix)s is revoked: it stops working at once.", prefix=row.prefix),
          "success")
    return redirect(url_for("dashboard.api_keys"))
