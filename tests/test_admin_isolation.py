"""Every admin endpoint, every method: another merchant's site is 404, and a missing,
malformed, wrong or revoked key is 401; neither writes anything."""
import uuid

import pytest

from banner import create_app
from banner.extensions import db
from banner.models import ApiKey, utcnow
from tests.helpers import consent, post_consent

# The admin routes as the app registers them, read without a database.
_APP = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
IGNORED_METHODS = {"HEAD", "OPTIONS"}
ADMIN_ROUTES = sorted(
    (rule.rule, method) for rule in _APP.url_map.iter_rules()
    if rule.rule.startswith("/v1/admin") for method in rule.methods - IGNORED_METHODS)
SITE_ROUTES = [(path, method) for path, method in ADMIN_ROUTES if "<int:site_id>" in path]


def test_the_matrix_covers_the_admin_api():
    # Guards the parametrization below against an empty or partial route list.
    assert len(SITE_ROUTES) >= 10 and len(ADMIN_ROUTES) >= len(SITE_ROUTES) + 4


def _path(template: str, site_id: int, visitor: str, key_id: int) -> str:
    values = {"<int:site_id>": site_id, "<visitor:visitor_id>": visitor, "<int:key_id>": key_id,
              "<int:number>": 1, "<int:a>": 1, "<int:b>": 1}
    for placeholder, value in values.items():
        template = template.replace(placeholder, str(value))
    assert "<" not in template, f"an admin path parameter has no test value: {template}"
    return template


@pytest.fixture
def victim(owner, client):
    """Merchant A: a site with one visitor's consent recorded."""
    visitor = str(uuid.uuid4())
    response = post_consent(client, owner.site.site_key, consent(visitor_id=visitor))
    assert response.status_code == 201
    key_id = db.session.scalar(db.select(ApiKey.id).filter_by(merchant_id=owner.merchant.id))
    return owner, visitor, key_id


@pytest.mark.parametrize("template, method", SITE_ROUTES)
def test_another_merchants_site_is_404_on_every_path_and_method(
        client, victim, make_owner, row_counts, template, method):
    owner, visitor, key_id = victim
    intruder = make_owner()
    before = row_counts()
    path = _path(template, owner.site.id, visitor, key_id)
    response = client.open(path, method=method, headers=intruder.headers, json={})
    assert response.status_code == 404, (path, response.json)
    assert set(response.json) == {"code", "name", "description", "errors"}
    assert str(owner.site.site_key) not in response.get_data(as_text=True)
    assert row_counts() == before


def _revoked(make_key, merchant) -> dict:
    headers = make_key(merchant)
    db.session.execute(db.update(ApiKey).where(ApiKey.merchant_id == merchant.id,
                                               ApiKey.revoked_at.is_(None))
                       .values(revoked_at=utcnow()))
    db.session.commit()
    return headers


BAD_KEYS = {
    "missing": lambda owner, make_key: {},
    "not bearer": lambda owner, make_key: {"Authorization": "Basic dXNlcjpwdw=="},
    "malformed": lambda owner, make_key: {"Authorization": "Bearer not-a-key"},
    "wrong secret": lambda owner, make_key: {
        "Authorization": owner.headers["Authorization"][:-6] + "AAAAAA"},
    "revoked": lambda owner, make_key: _revoked(make_key, owner.merchant),
}


@pytest.mark.parametrize("kind", BAD_KEYS)
@pytest.mark.parametrize("template, method", ADMIN_ROUTES)
def test_a_missing_or_bad_key_is_401_on_every_path_and_method(
        client, victim, make_key, row_counts, template, method, kind):
    owner, visitor, key_id = victim
    headers = BAD_KEYS[kind](owner, make_key)
    before = row_counts()
    path = _path(template, owner.site.id, visitor, key_id)
    response = client.open(path, method=method, headers=headers, json={})
    assert response.status_code == 401, (path, kind, response.json)
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert set(response.json) == {"code", "name", "description", "errors"}
    assert row_counts() == before
