"""The merchant dashboard at /dashboard: server-rendered pages in Arabic and English,
on the same services as the merchant API (it never calls the API)."""
from flask import Blueprint
from flask_wtf.csrf import generate_csrf

# Pages keep a signed-in session; everything is from this origin. frame-src: the live
# preview of the banner runs the real snippet in a frame of this origin.
bp = Blueprint("dashboard", __name__, url_prefix="/dashboard", template_folder="templates",
               static_folder="static", static_url_path="/static")
bp.cookie_session = True
bp.content_security_policy = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")

from . import (analytics, analytics_exports, audit_log, auth, context, editor,  # noqa: E402
               errors, home, install, keys, preview, proof, publishing, settings,
               sites, sparkline)  # (views register on bp)
from .i18n import init_app as init_i18n  # noqa: E402


PAGES = (bp, home.bp, preview.preview_bp)
for _blueprint in PAGES:
    # Only pages with a signed-in user need it: the API's hot paths skip the hook.
    _blueprint.before_request(auth.forget_state_of_last_request)


def init_app(app) -> None:
    init_i18n(app)
    app.jinja_env.globals.update(link=context.link, csrf_token=generate_csrf)
    auth.login_manager.init_app(app)
    # Flask-Login's after-request hook only maintains remember-me cookies, which the
    # dashboard never issues; it would run on every request, the API's included.
    app.after_request_funcs[None].remove(auth.login_manager._update_remember_cookie)
    for blueprint in PAGES:
        app.register_blueprint(blueprint)
