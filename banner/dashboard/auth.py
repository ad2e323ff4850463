"""Signing in and out, the password, and the dashboard's language."""
from urllib.parse import urlsplit

from flask import (abort, current_app, flash, g, redirect, render_template, request, session,
                   url_for)
from flask_babel import gettext as _
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, \
    logout_user

from ..errors import Invalid, Throttled, Unauthenticated
from ..extensions import client_network, db
from ..models import Merchant
from ..services import signin
from . import bp
from .forms import ConfirmForm, LanguageForm, LoginForm, PasswordForm
from .i18n import LANGUAGES

login_manager = LoginManager()
login_manager.login_view = "dashboard.login"
login_manager.login_message = None  # the login page says why on its own


class MerchantUser(UserMixin):
    """The signed-in merchant. The id carries a piece of the password hash, so changing
    the password signs out every other session."""

    def __init__(self, merchant: Merchant):
        self.merchant = merchant
        self.merchant_id = merchant.id
        self.email = merchant.email
        self.language = merchant.language

    def get_id(self) -> str:
        return f"{self.merchant_id}:{(self.merchant.password_hash or '')[-12:]}"


# What Flask-Login, Flask-Babel and Flask-WTF keep on g for one request.
REQUEST_STATE = ("_login_user", "_flask_babel", "csrf_token")


def forget_state_of_last_request() -> None:
    """Each request finds its own user, language and CSRF token: the extensions keep them
    on g, which outlives a request when an app context was pushed around several (tests,
    scripts), and would then carry one request's user into the next."""
    for name in REQUEST_STATE:
        g.pop(name, None)


@login_manager.user_loader
def load_user(user_id: str) -> MerchantUser | None:
    merchant_id, _, fingerprint = user_id.partition(":")
    merchant = db.session.get(Merchant, int(merchant_id)) if merchant_id.isdigit() else None
    if merchant is None or (merchant.password_hash or "")[-12:] != fingerprint:
        return None
    return MerchantUser(merchant)


def _safe_next(target: str | None) -> str:
    """Only a path of this site: never another site (an open redirect)."""
    parts = urlsplit(target or "")
    if target and not parts.scheme and not parts.netloc and target.startswith("/") \
            and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("dashboard.list_sites")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.list_sites"))
    form = LoginForm(next=request.args.get("next"))
    status = 200
    if form.validate_on_submit():
        try:
            merchant = signin.sign_in(form.email.data, form.password.data, client_network(),
                                      current_app.config["SECRET_KEY"])
        except Throttled as exc:
            form.form_errors.append(_("Too many failed sign-ins. Try again in %(minutes)d "
                                      "minutes.", minutes=exc.retry_after // 60 + 1))
            status = 429
        except Unauthenticated:
            form.form_errors.append(_("The email or the password is wrong."))
            status = 401
        else:
            language = session.get("language")
            session.clear()  # nothing from before sign-in carries over
            login_user(MerchantUser(merchant))
            if language in LANGUAGES and language != merchant.language:
                signin.set_language(merchant, language)
            return redirect(_safe_next(form.next.data))
    elif request.method == "POST":
        status = 400 if form.csrf_token.errors else 422
    return render_template("dashboard/auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("dashboard.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            signin.change_password(current_user.merchant, form.current.data, form.new.data)
        except Invalid as exc:
            for field, messages in exc.errors.items():
                getattr(form, field).errors.extend(_(m) for m in messages)
            status = 422
        else:
            login_user(MerchantUser(current_user.merchant))  # the id changed with the hash
            flash(_("Your password is changed. Other sessions are signed out."), "success")
            return redirect(url_for("dashboard.change_password"))
    elif request.method == "POST":
        status = 400 if form.csrf_token.errors else 422
    return render_template("dashboard/auth/password.html", form=form), status


@bp.post("/language")
def set_language():
    form = LanguageForm()
    if not form.validate_on_submit():
        abort(400)
    if current_user.is_authenticated:
        signin.set_language(current_user.merchant, form.language.data)
    session["language"] = form.language.data
    if current_user.is_authenticated or form.next.data:
        return redirect(_safe_next(form.next.data))
    return redirect(url_for("dashboard.login"))
