"""Every refusal of the public API: a clear 4xx in the one error shape, nothing written."""
import json
import uuid

import pytest

from tests.helpers import ALL, NONE, consent, post_consent

SHAPE = {"code", "name", "description", "errors"}


def assert_refused(response, status, field=None):
    assert response.status_code == status, response.get_data(as_text=True)
    assert set(response.json) == SHAPE
    assert response.json["code"] == status
    if field:
        assert field in json.dumps(response.json["errors"]), response.json


BAD_CONSENTS = [
    ("not-json", "{visitor_id: 1", 400, "_body"),
    ("json-array", "[1, 2]", 422, "_body"),
    ("json-string", '"hello"', 422, "_body"),
    ("visitor-not-uuid", consent(visitor_id="visitor-42"), 422, "visitor_id"),
    ("visitor-missing", {k: v for k, v in consent().items() if k != "visitor_id"}, 422, "visitor_id"),
    ("version-string", consent(version="1"), 422, "version"),
    ("version-bool", consent(version=True), 422, "version"),
    ("version-unpublished", consent(version=7), 422, "version"),
    ("version-zero", consent(version=0), 422, "version"),
    ("unknown-action", consent(action="maybe"), 422, "action"),
    ("expire-is-server-only", consent(action="expire", choices=NONE), 422, "action"),
    ("unknown-category", consent(choices={**NONE, "marketing": True}), 422, "marketing"),
    ("missing-category", consent(choices={"necessary": True, "analytics": True,
                                          "functional": False}), 422, "advertising"),
    ("necessary-refused", consent(choices={**NONE, "necessary": False}), 422, "necessary"),
    ("choice-not-bool", consent(choices={**NONE, "analytics": "yes"}), 422, "analytics"),
    ("choice-number", consent(choices={**NONE, "analytics": 1}), 422, "analytics"),
    ("choices-not-object", consent(choices=["analytics"]), 422, "choices"),
    ("accept-all-not-all", consent(action="accept_all", choices=NONE), 422, "choices"),
    ("reject-all-grants", consent(action="reject_all", choices=ALL), 422, "choices"),
    ("gpc-grants-ads", consent(action="gpc", source="gpc", choices=ALL), 422, "choices"),
    ("language-not-offered", consent(language="fr"), 422, "language"),
    ("language-malformed", consent(language="arabic"), 422, "language"),
    ("unknown-source", consent(source="email"), 422, "source"),
    ("unknown-field", consent(tracking=True), 422, "tracking"),
    ("page-not-url", consent(page="javascript:alert(1)"), 422, "page"),
    ("client-time-naive", consent(client_time="2026-11-20T10:00:00"), 422, "client_time"),
    ("idempotency-key-odd", consent(idempotency_key="x y"), 422, "idempotency_key"),
    ("age-not-bool", consent(age_confirmed="yes"), 422, "age_confirmed"),
]


@pytest.mark.parametrize("body, status, field", [case[1:] for case in BAD_CONSENTS],
                         ids=[case[0] for case in BAD_CONSENTS])
def test_bad_consent_is_refused_and_nothing_written(client, site, row_counts, body, status, field):
    before = row_counts()
    assert_refused(post_consent(client, "test-store", body), status, field)
    assert row_counts() == before


def test_unknown_site_is_404_and_nothing_written(client, site, row_counts):
    before = row_counts()
    assert_refused(post_consent(client, "no-such-store", consent()), 404)
    assert_refused(client.post("/v1/sites/no-such-store/impressions",
                               json={"version": 1, "language": "ar"}), 404)
    assert row_counts() == before


def test_oversized_body_is_413_and_nothing_written(client, site, row_counts):
    before = row_counts()
    body = json.dumps(consent(page="https://store.example/" + "a" * 20_000))
    assert_refused(post_consent(client, "test-store", body), 413)
    assert row_counts() == before


def test_other_content_types_are_415(client, site, row_counts):
    before = row_counts()
    response = client.post("/v1/sites/test-store/consents", data={"visitor_id": "x"})
    assert_refused(response, 415)
    assert row_counts() == before


def test_invalid_utf8_is_400(client, site, row_counts):
    before = row_counts()
    assert_refused(post_consent(client, "test-store", b'{"visitor_id": "\xff"}'), 400)
    assert row_counts() == before


def test_foreign_origin_cannot_record_consent(client, site, row_counts):
    before = row_counts()
    assert_refused(post_consent(client, "test-store", consent(), Origin="https://evil.example"),
                   403)
    assert_refused(client.post("/v1/sites/test-store/impressions", headers={
        "Origin": "https://evil.example"}, json={"version": 1, "language": "ar"}), 403)
    assert row_counts() == before


def test_visitor_id_in_path_must_be_a_uuid(client, site):
    assert_refused(client.get("/v1/sites/test-store/consents/42"), 422, "visitor_id")


VISITOR = str(uuid.uuid4())


@pytest.mark.parametrize("body, field", [
    ({"version": 9, "language": "ar", "visitor_id": VISITOR}, "version"),
    ({"version": 1, "language": "fr", "visitor_id": VISITOR}, "language"),
    ({"version": "1", "language": "ar", "visitor_id": VISITOR}, "version"),
    ({"language": "ar", "visitor_id": VISITOR}, "version"),
    ({"version": 1, "language": "ar"}, "visitor_id"),
    ({"version": 1, "language": "ar", "visitor": VISITOR}, "visitor"),
])
def test_bad_impression_is_refused_and_nothing_written(client, site, row_counts, body, field):
    before = row_counts()
    assert_refused(client.post("/v1/sites/test-store/impressions", json=body), 422, field)
    assert row_counts() == before


def test_wrong_method_is_405_in_the_error_shape(client, site):
    assert_refused(client.delete("/v1/sites/test-store/banner"), 405)


def test_unknown_route_under_v1_is_404_in_the_error_shape(client):
    assert_refused(client.get("/v1/nothing-here"), 404)
