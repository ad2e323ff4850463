"""Shared fixtures: one app per session, a clean database for every test, factories.

The database is SQLite unless TEST_DATABASE_URL (or DATABASE_URL) names another,
e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test in CI.
"""
import copy
from dataclasses import dataclass
import os
import uuid

import pytest
import sqlalchemy as sa

from banner import create_app
from banner.cache import clear_caches
from banner.documents import default_document
from banner.extensions import db
from banner.models import SCOPES
from banner.services.accounts import create_merchant
from banner.services.api_keys import create_api_key
from banner.services.sites import create_site
from banner.services.versions import publish


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if url:
        return url.replace("postgresql://", "postgresql+psycopg://", 1)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


def close_app(app) -> None:
    """Close every connection the app holds: its pool and its group committer's."""
    committer = app.extensions.get("consent_group_commit")
    if committer is not None:
        committer.stop()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    return _database_url(tmp_path_factory)


@pytest.fixture(scope="session")
def app(database_url):
    # Demo mode, as `make demo` runs: the demo storefronts are served for the browser tests.
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True,
                      "RATELIMIT_ENABLED": False, "SECRET_KEY": "test-secret",
                      "BANNER_DEMO": True})
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    close_app(app)


@pytest.fixture
def make_app(database_url):
    """Another app on the test database with extra settings; its pool is closed after."""
    made = []

    def make(**config):
        made.append(create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True,
                                "RATELIMIT_ENABLED": False, "SECRET_KEY": "test-secret",
                                **config}))
        return made[-1]
    yield make
    for other in made:
        close_app(other)


@pytest.fixture(autouse=True)
def _clean_database(request):
    """Empty every table after each test that used the app, and forget cached rows."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.rollback()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        clear_caches()


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


@pytest.fixture
def client(app, ctx):
    return app.test_client()


@pytest.fixture
def runner(app, ctx):
    return app.test_cli_runner()


@pytest.fixture
def make_merchant(ctx):
    def make(email=None, password=None):
        return create_merchant(email or f"m-{uuid.uuid4().hex[:8]}@example.com", password)
    return make


@pytest.fixture
def make_site(make_merchant):
    """Creates a site with the default banner (ar + en) published as version 1."""
    def make(site_key=None, origins=("https://store.example",), document=None, merchant=None,
             **settings):
        merchant = merchant or make_merchant()
        site = create_site(merchant.id, settings.pop("name", "Test store"), list(origins),
                           site_key=site_key or f"s-{uuid.uuid4().hex[:10]}", **settings)
        publish(site, document or default_document())
        return site
    return make


@pytest.fixture
def site(make_site):
    return make_site(site_key="test-store")


@pytest.fixture
def document():
    """A fresh copy of the default document to modify in a test."""
    return copy.deepcopy(default_document())


@pytest.fixture
def row_counts(ctx):
    """Snapshot of every table's row count, to prove a refusal wrote nothing."""
    def counts():
        db.session.rollback()
        return {table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
                for table in db.metadata.sorted_tables}
    return counts


@pytest.fixture
def make_key(ctx):
    """Creates an API key for a merchant; returns the request headers that carry it."""
    def make(merchant, scopes=SCOPES):
        _, key = create_api_key(merchant.id, scopes)
        return {"Authorization": f"Bearer {key}"}
    return make


@dataclass
class Owner:
    merchant: object
    site: object
    headers: dict

    @property
    def base(self) -> str:
        """The admin API path of the owner's site."""
        return f"/v1/admin/sites/{self.site.id}"


@pytest.fixture
def make_owner(make_merchant, make_site, make_key):
    """A merchant with a published site and a key of every scope (or those given)."""
    def make(scopes=SCOPES, **site_settings):
        merchant = make_merchant()
        site = make_site(merchant=merchant, **site_settings)
        return Owner(merchant, site, make_key(merchant, scopes))
    return make


@pytest.fixture
def owner(make_owner):
    return make_owner()
