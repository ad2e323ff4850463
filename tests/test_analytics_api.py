"""GET /v1/admin/sites/{id}/stats: the service's answer, scoped, refusals in the one shape."""
import uuid
from datetime import date, datetime

import pytest

from banner.services.analytics import stats
from tests.analytics_data import add_display, add_record

SHAPE = {"code", "name", "description", "errors"}


@pytest.fixture
def shop(owner):
    visitor = uuid.uuid4()
    add_display(owner.site, datetime(2026, 11, 1, 9), visitor)
    add_record(owner.site, datetime(2026, 11, 1, 9, 1), visitor, "accept_all", decision_ms=700)
    add_record(owner.site, datetime(2026, 11, 1, 21, 30), uuid.uuid4(), "reject_all",
               device="mobile")
    return owner


def refused(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert set(response.json) == SHAPE and response.json["code"] == status
    return response.json


def test_stats_answer_what_the_service_computes(client, shop):
    response = client.get(f"{shop.base}/stats?from=2026-11-01&to=2026-11-02"
                          "&group_by=day&group_by=device", headers=shop.headers)
    assert response.status_code == 200, response.json
    assert response.headers["Cache-Control"] == "no-store"
    assert response.json == stats(shop.site.id, date(2026, 11, 1), date(2026, 11, 2),
                                  ("day", "device"))
    assert [g["key"] for g in response.json["groups"]] == [
        {"day": "2026-11-01", "device": "desktop"}, {"day": "2026-11-02", "device": "mobile"}]
    assert response.json["totals"]["visitors_decided"] == 2


def test_without_group_by_only_totals(client, shop):
    body = client.get(f"{shop.base}/stats?from=2026-11-01&to=2026-11-01",
                      headers=shop.headers).json
    assert body["group_by"] == [] and body["groups"] == []
    assert body["totals"]["accept_all_share"] == 1.0


def test_an_empty_range_answers_zeros(client, shop):
    body = client.get(f"{shop.base}/stats?from=2020-01-01&to=2020-01-31&group_by=country",
                      headers=shop.headers).json
    assert body["groups"] == [] and body["totals"]["displays"] == 0
    assert body["totals"]["interaction_rate"] is None


@pytest.mark.parametrize("query, field", [
    ("from=2026-11-01&to=2026-11-02&group_by=category", "group_by"),
    ("from=2026-11-01&to=2026-11-02&group_by=day,device", "group_by"),
    ("from=2026-11-03&to=2026-11-02", "from"),
    ("from=2025-01-01&to=2026-11-02", "to"),
    ("to=2026-11-02", "from"),
    ("from=2026-11-01", "to"),
    ("from=yesterday&to=2026-11-02", "from"),
    ("from=0001-01-01&to=2026-11-02", "from"),
    ("from=2026-11-01&to=9999-12-31", "to"),
])
def test_bad_questions_are_422_and_write_nothing(client, shop, row_counts, query, field):
    before = row_counts()
    body = refused(client.get(f"{shop.base}/stats?{query}", headers=shop.headers), 422)
    assert field in body["errors"], body
    assert row_counts() == before


@pytest.mark.parametrize("path", ["stats", "exports/consents.csv", "exports/consents.jsonl",
                                  "exports/stats.csv", "exports/stats.json"])
def test_every_analytics_path_needs_the_stats_scope(client, make_owner, row_counts, path):
    owner = make_owner(scopes=["sites:read", "proof:read"])
    before = row_counts()
    body = refused(client.get(f"{owner.base}/{path}?from=2026-11-01&to=2026-11-02",
                              headers=owner.headers), 403)
    assert body["errors"] == {"scope": ["stats:read"]}
    assert row_counts() == before


@pytest.mark.parametrize("path", ["stats", "exports/consents.csv", "exports/stats.json"])
def test_another_merchants_site_is_404(client, shop, make_owner, path):
    intruder = make_owner()
    body = refused(client.get(f"{shop.base}/{path}?from=2026-11-01&to=2026-11-02",
                              headers=intruder.headers), 404)
    assert shop.site.site_key not in str(body)


def test_the_openapi_document_describes_stats(client):
    spec = client.get("/v1/openapi.json").json
    operation = spec["paths"]["/v1/admin/sites/{site_id}/stats"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert parameters["group_by"]["schema"]["items"]["enum"] == [
        "day", "version", "language", "device", "browser", "os", "country", "source", "policy"]
    assert parameters["from"]["required"] and parameters["to"]["required"]
    assert "opt_in" in spec["components"]["schemas"]["Metrics"]["properties"]
    for path in ("consents.csv", "consents.jsonl", "stats.csv", "stats.json"):
        assert f"/v1/admin/sites/{{site_id}}/exports/{path}" in spec["paths"]
