"""Banner displays count once per visitor, version and day, whatever a client posts."""
import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from banner.extensions import db
from banner.models import Impression
from banner.services.analytics.days import local_day
from tests.helpers import IPHONE


def show(client, site_key="test-store", visitor=None, version=1, language="ar", **headers):
    body = {"version": version, "language": language,
            "visitor_id": str(visitor or uuid.uuid4())}
    return client.post(f"/v1/sites/{site_key}/impressions", json=body, headers=headers)


def displays() -> list[Impression]:
    db.session.rollback()
    return db.session.scalars(db.select(Impression).order_by(Impression.id)).all()


def test_a_display_is_stored_with_its_slice(client, site):
    visitor = uuid.uuid4()
    assert show(client, visitor=visitor, **{"User-Agent": IPHONE}).status_code == 204
    [row] = displays()
    assert (row.visitor_id, row.language, row.device_type, row.browser_family,
            row.os_family, row.policy_mode) == (visitor, "ar", "mobile", "Mobile Safari", "iOS",
                                                "opt_in")
    assert row.day == local_day(row.shown_at, ZoneInfo("Asia/Riyadh"))


def test_flooding_with_one_visitor_id_counts_one_display(client, site):
    visitor = uuid.uuid4()
    statuses = {show(client, visitor=visitor).status_code for _ in range(50)}
    assert statuses == {204}  # answered alike: a flooder learns nothing
    assert len(displays()) == 1


def test_another_version_or_visitor_is_another_display(client, site, document):
    from banner.services.versions import publish
    visitor = uuid.uuid4()
    show(client, visitor=visitor)
    show(client)
    document["texts"]["en"]["title"] = "A new title"
    publish(site, document, "minor")
    show(client, visitor=visitor, version=2)
    show(client, visitor=visitor, version=2, language="en")  # same display, other language
    rows = displays()
    assert [(row.visitor_id == visitor, row.banner_version_id) for row in rows] == [
        (True, rows[0].banner_version_id), (False, rows[0].banner_version_id),
        (True, rows[2].banner_version_id)]
    assert rows[0].banner_version_id != rows[2].banner_version_id


def test_the_day_is_the_sites_day(client, make_site, monkeypatch):
    make_site(site_key="riyadh", time_zone="Asia/Riyadh")
    make_site(site_key="los-angeles", time_zone="America/Los_Angeles")
    from banner.services import impressions
    monkeypatch.setattr(impressions, "utcnow", lambda: datetime(2026, 11, 1, 22, 30))
    visitor = uuid.uuid4()
    show(client, "riyadh", visitor)
    show(client, "los-angeles", visitor)
    days = sorted(row.day for row in displays())
    assert days == [date(2026, 11, 1), date(2026, 11, 2)]  # 22:30 UTC is 01:30 in Riyadh


@pytest.mark.parametrize("body, field", [
    ({"version": 1, "language": "ar"}, "visitor_id"),
    ({"version": 1, "language": "ar", "visitor_id": "not-a-uuid"}, "visitor_id"),
    ({"version": 1, "language": "ar", "visitor_id": 7}, "visitor_id"),
])
def test_a_display_without_a_visitor_is_refused(client, site, row_counts, body, field):
    before = row_counts()
    response = client.post("/v1/sites/test-store/impressions", json=body)
    assert response.status_code == 422
    assert set(response.json) == {"code", "name", "description", "errors"}
    assert field in response.json["errors"]
    assert row_counts() == before


def test_a_flood_of_fresh_ids_stops_at_the_rate_limit(make_app, site, row_counts):
    """Fresh visitor ids are new displays: what bounds them is the per-client limit, and
    refused posts count nothing."""
    limited = make_app(RATELIMIT_ENABLED=True, RATELIMIT_PUBLIC="5 per minute")
    client = limited.test_client()
    assert [show(client).status_code for _ in range(5)] == [204] * 5
    before = row_counts()
    assert {show(client).status_code for _ in range(20)} == {429}
    assert row_counts() == before
    assert len(displays()) == 5
