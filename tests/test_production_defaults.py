"""Outside demo mode the app runs as production must: a secret key or no start, no demo
pages, and a site's origins exactly as listed."""
import pytest

from banner import MissingSecretKey, create_app
from banner.extensions import db
from banner.models import Site
from banner.services.demo import seed_demo
from tests.helpers import consent, post_consent


def test_the_app_refuses_to_start_without_a_secret_key(database_url):
    with pytest.raises(MissingSecretKey, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": None})


@pytest.mark.parametrize("setting", [{"DEBUG": True}, {"BANNER_DEMO": True}])
def test_debug_and_demo_mode_start_with_a_development_key(make_app, setting):
    app = make_app(SECRET_KEY=None, **setting)
    assert app.config["SECRET_KEY"] == "dev-only-not-secret"


def test_demo_pages_are_404_outside_demo_mode(make_app, app):
    with app.app_context():
        seed_demo()
    production = make_app(BANNER_DEMO=False).test_client()
    assert production.get("/demo/demo-electronics").status_code == 404
    demo = make_app(BANNER_DEMO=True).test_client()
    assert demo.get("/demo/demo-electronics").status_code == 200


def test_demo_sites_list_only_their_real_origins(ctx):
    seed_demo()
    origins = db.session.scalars(db.select(Site.allowed_origins)).all()
    assert origins == [["https://al-voip.com"], ["https://allwanstores.com"]]


@pytest.mark.parametrize("demo, site_key, allowed", [
    (False, "demo-electronics", False),  # production: the app's own origin is not the store's
    (True, "demo-electronics", True),    # demo: its pages are served by the app itself
    (True, "test-store", False),         # demo: only for the demo stores
])
def test_the_apps_own_origin_is_trusted_only_for_demo_sites_in_demo_mode(
        make_app, app, make_site, row_counts, demo, site_key, allowed):
    with app.app_context():
        seed_demo()
    make_site(site_key="test-store")
    client = make_app(BANNER_DEMO=demo).test_client()
    before = row_counts()
    response = post_consent(client, site_key, consent(), Origin="http://localhost")
    assert response.status_code == (201 if allowed else 403), response.json
    if not allowed:
        assert row_counts() == before
