"""Hostile input on the public and admin APIs: never a 500, always the one error shape,
nothing written; and both databases agree on what they refuse."""
import json
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from banner.extensions import db
from banner.models import ConsentRecord
from tests.helpers import consent, post_consent

SHAPE = {"code", "name", "description", "errors"}
DEEP_BODIES = {
    "arrays": "[" * 5000 + "]" * 5000,
    "objects": '{"a":' * 2000 + "1" + "}" * 2000,
    "in a field": json.dumps(consent())[:-1] + ', "choices": ' + "[" * 3000 + "]" * 3000 + "}",
    "just past our depth": json.dumps(consent(tracking=json.loads("[" * 40 + "]" * 40))),
}


def refused(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert set(response.json) == SHAPE and response.json["code"] == status
    return response.json


@pytest.mark.parametrize("path", ["consents", "impressions"])
@pytest.mark.parametrize("kind", DEEP_BODIES)
def test_deeply_nested_json_is_400_not_a_crash(client, site, row_counts, path, kind):
    before = row_counts()
    response = client.post(f"/v1/sites/test-store/{path}", data=DEEP_BODIES[kind],
                           content_type="text/plain")
    assert "nested too deeply" in refused(response, 400)["description"]
    assert row_counts() == before


@pytest.mark.parametrize("client_time", [
    "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "1969-12-31T23:59:59Z",
    "2100-01-01T00:00:00Z"])
def test_client_times_outside_the_window_are_422(client, site, row_counts, client_time):
    before = row_counts()
    body = refused(post_consent(client, "test-store", consent(client_time=client_time)), 422)
    assert "client_time" in body["errors"]
    assert row_counts() == before


@pytest.mark.parametrize("client_time", ["1970-01-01T00:00:00Z", "2000-01-01T03:00:00+03:00",
                                         "2099-12-31T23:59:59+14:00"])
def test_wrong_but_plausible_device_clocks_are_kept(client, site, client_time):
    assert post_consent(client, "test-store", consent(client_time=client_time)).status_code == 201


@pytest.mark.parametrize("text", ["\ud800", "ok\udfffok", "nul\x00here"])
@pytest.mark.parametrize("field", ["idempotency_key", "language", "page", "source"])
def test_unstorable_text_is_refused_alike_on_both_databases(client, site, row_counts, text,
                                                            field):
    before = row_counts()
    body = json.dumps(consent(**{field: text}))  # ensure_ascii spells them as \\u escapes
    refused(post_consent(client, "test-store", body), 422)
    assert row_counts() == before


@pytest.mark.parametrize("value", ["0123456789abcdef\n", "ar\n"])
def test_a_trailing_newline_does_not_pass_a_whole_value_pattern(client, site, row_counts, value):
    field = "idempotency_key" if len(value) > 4 else "language"
    before = row_counts()
    refused(post_consent(client, "test-store", consent(**{field: value})), 422)
    assert row_counts() == before


def test_a_language_query_with_a_trailing_newline_is_422(client, site):
    refused(client.get("/v1/sites/test-store/banner?lang=ar%0A"), 422)


@pytest.mark.parametrize("page, stored", [
    ("https://user:secret@shop.example/cart?email=a@b.sa#x", "https://shop.example/cart"),
    ("https://shop.example:8443/p", "https://shop.example:8443/p"),
    ("http://[2001:db8::1]:8080/p?q=1", "http://[2001:db8::1]:8080/p"),
])
def test_page_urls_lose_user_info_query_and_fragment(client, site, page, stored):
    assert post_consent(client, "test-store", consent(page=page)).status_code == 201
    assert db.session.scalar(db.select(ConsentRecord.page_url)) == stored


@pytest.mark.parametrize("site_key", ["%00", "a%00b", "x" * 65, "UPPER", "-lead"])
def test_malformed_site_keys_are_404_without_asking_the_database(client, site_key):
    refused(client.get(f"/v1/sites/{site_key}/banner"), 404)
    refused(client.post(f"/v1/sites/{site_key}/consents", json=consent()), 404)


def test_admin_bodies_get_the_same_protection(client, owner, row_counts):
    before = row_counts()
    refused(client.patch(owner.base, headers=owner.headers, json={"name": "a\x00b"}), 422)
    refused(client.patch(owner.base, headers=owner.headers, data="[" * 5000 + "]" * 5000,
                         content_type="application/json"), 400)
    assert row_counts() == before


# Property: whatever JSON a client sends, the answer is a 2xx or a 4xx in the one shape.
hostile_text = st.text(alphabet=st.characters(codec=None, categories=None), max_size=30) | \
    st.sampled_from(["\x00", "\ud800", "\udfff", "a\n", "\n", "\u202e", "'; DROP TABLE x;--"])
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | hostile_text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(hostile_text, children,
                                                                      max_size=4),
    max_leaves=40)


@given(field=st.sampled_from(sorted(consent())), value=json_values,
       depth=st.integers(min_value=0, max_value=60))
@settings(max_examples=150, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_any_value_in_any_field_is_answered_without_a_crash(app, site, field, value, depth):
    for _ in range(depth):
        value = [value]
    body = json.dumps({**consent(visitor_id=str(uuid.uuid4())), field: value})
    with app.test_client() as client:
        response = post_consent(client, "test-store", body)
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    if response.status_code >= 400:
        assert set(response.json) == SHAPE
