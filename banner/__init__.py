"""Consent banner service: create_app builds the Flask application."""
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from . import cli, dashboard, security, snippet
from .api import errors as api_errors
from .api import admin, consent_lane, health, public, site_script
from .api import docs as api_docs
from .api import base as api_base
from .api.base import api
from .sessions import BlueprintSessionInterface
from .config import DEV_SECRET_KEY, Config
from .extensions import db, limiter, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(ROOT / "instance"), static_folder=None)
    app.config.from_object(Config)
    app.json.sort_keys = False  # keep documents in the order they were written
    app.session_interface = BlueprintSessionInterface()
    if config:
        app.config.from_mapping(config)
    _require_secret_key(app)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = \
            f"sqlite:///{Path(app.instance_path) / 'banner.sqlite3'}"
    app.config.setdefault("SNIPPET_PATH", str(ROOT / "static" / "snippet.js"))
    # Inside ProxyFix: the lane sees the client address the proxies vouch for.
    consent_lane.init_app(app)
    if app.config["TRUSTED_PROXY_COUNT"]:
        n = app.config["TRUSTED_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    limiter.init_app(app)
    api_errors.init_app(app)
    api_base.init_app(app)
    cli.init_app(app)
    security.init_app(app)
    with app.app_context():
        _tune_sqlite(db.engine)

    api.register_blueprint(public.bp)
    api.register_blueprint(site_script.bp)
    admin.register(api)
    app.register_blueprint(health.bp)
    dashboard.init_app(app)
    app.register_blueprint(snippet.bp)
    app.register_blueprint(api_docs.bp)
    _register_demo(app)
    return app


class MissingSecretKey(RuntimeError):
    pass


def _require_secret_key(app: Flask) -> None:
    """Refuse to run on a public default key: with it, hashed IPs can be reversed."""
    if app.config.get("SECRET_KEY"):
        return
    if app.debug or app.config["BANNER_DEMO"]:
        app.config["SECRET_KEY"] = DEV_SECRET_KEY
        return
    raise MissingSecretKey("Set SECRET_KEY (e.g. python -c 'import secrets; "
                           "print(secrets.token_hex(32))'), or BANNER_DEMO=1 for the demo.")


def _tune_sqlite(engine) -> None:
    """Foreign keys on, WAL and a busy timeout so concurrent writers wait, not fail."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


def _register_demo(app: Flask) -> None:
    if not app.config["BANNER_DEMO"]:
        return  # no /demo in production
    from . import demo
    app.register_blueprint(demo.bp)
