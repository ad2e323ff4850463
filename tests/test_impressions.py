"""Banner displays count once per visitor, version and day, whatever a client posts; the
answer's Display-Counted-Until says when the visitor's next display counts again."""
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
    response = show(client, visitor=visitor, **{"User-Agent": IPHONE})
    assert response.status_code == 204
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_data() == b""
    assert response.headers["Display-Counted-Until"].endswith("Z")
    [row] = displays()
    assert (row.visitor_id, row.language, row.device_type, row.browser_family,
            row.os_family, row.policy_mode) == (visitor, "ar", "mobile", "Mobile Safari", "iOS",
                                                "opt_in")
    assert row.day == local_day(row.shown_at, ZoneInfo("Asia/Riyadh"))


def test_flooding_with_one_visitor_id_counts_one_display(client, site):
    visitor = uuid.uuid4()
    answers = {(r.status_code, r.get_data()) for r in (show(client, visitor=visitor)
                                                        for _ in range(50))}
    assert len(answers) == 1  # answered alike: a flooder learns nothing
    assert answers.pop()[0] == 204
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


def at(monkeypatch, moment: datetime) -> None:
    from banner.services import impressions
    monkeypatch.setattr(impressions, "utcnow", lambda: moment)


# (time zone, now in UTC, the start of the site's next day in UTC)
NEXT_DAY = [
    # Riyadh is UTC+3 all year: 20:59 UTC is 23:59 there, 21:00 UTC the next day's midnight.
    ("Asia/Riyadh", datetime(2026, 11, 1, 20, 59, 59), "2026-11-01T21:00:00Z"),
    ("Asia/Riyadh", datetime(2026, 11, 1, 21, 0), "2026-11-02T21:00:00Z"),
    # Berlin springs forward on 29 March 2026 (02:00 CET -> 03:00 CEST): a 23-hour day.
    ("Europe/Berlin", datetime(2026, 3, 28, 22, 59), "2026-03-28T23:00:00Z"),
    ("Europe/Berlin", datetime(2026, 3, 28, 23, 0), "2026-03-29T22:00:00Z"),
    ("Europe/Berlin", datetime(2026, 3, 29, 1, 30), "2026-03-29T22:00:00Z"),
    # ... and falls back on 25 October 2026 (03:00 CEST -> 02:00 CET): a 25-hour day.
    ("Europe/Berlin", datetime(2026, 10, 24, 22, 0), "2026-10-25T23:00:00Z"),
    ("Europe/Berlin", datetime(2026, 10, 25, 1, 30), "2026-10-25T23:00:00Z"),
    # Santiago springs forward at midnight: 6 September 2026 starts at 01:00.
    ("America/Santiago", datetime(2026, 9, 6, 3, 59), "2026-09-06T04:00:00Z"),
    ("America/Santiago", datetime(2026, 9, 6, 4, 0), "2026-09-07T03:00:00Z"),
]


@pytest.mark.parametrize("zone, now, until", NEXT_DAY)
def test_the_answer_says_when_the_sites_next_day_starts(client, make_site, monkeypatch,
                                                        zone, now, until):
    make_site(site_key="zoned", time_zone=zone)
    at(monkeypatch, now)
    response = show(client, "zoned")
    assert response.status_code == 204
    assert response.headers["Display-Counted-Until"] == until
    [row] = displays()
    assert row.day == local_day(now, ZoneInfo(zone))


def test_a_display_after_until_counts_on_the_next_day(client, make_site, monkeypatch):
    make_site(site_key="riyadh", time_zone="Asia/Riyadh")
    visitor = uuid.uuid4()
    at(monkeypatch, datetime(2026, 11, 1, 20, 59))
    until = show(client, "riyadh", visitor).headers["Display-Counted-Until"]
    at(monkeypatch, datetime.fromisoformat(until.removesuffix("Z")))
    assert show(client, "riyadh", visitor).headers["Display-Counted-Until"] \
        == "2026-11-02T21:00:00Z"
    assert [row.day for row in displays()] == [date(2026, 11, 1), date(2026, 11, 2)]


@pytest.mark.parametrize("body, field", [
    ({"version": 2, "language": "ar"}, "version"),  # never published
    ({"version": 1, "language": "fr"}, "language"),  # not offered in that language
    ({"version": 0, "language": "ar"}, "version"),
    ({"version": 1, "language": "ar", "shown_at": "2026-11-01T00:00:00Z"}, "shown_at"),
])
def test_a_refused_display_writes_nothing_and_says_no_until(client, site, row_counts, body,
                                                             field):
    before = row_counts()
    response = client.post("/v1/sites/test-store/impressions",
                           json={**body, "visitor_id": str(uuid.uuid4())})
    assert response.status_code == 422
    assert set(response.json) == {"code", "name", "description", "errors"}
    assert field in response.json["errors"]
    assert "Display-Counted-Until" not in response.headers
    assert row_counts() == before


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


def test_the_store_page_may_read_when_the_display_counts_again(client, site):
    response = show(client, **{"Origin": "https://store.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "https://store.example"
    exposed = {name.strip() for name in response.headers["Access-Control-Expose-Headers"]
               .split(",")}
    assert "Display-Counted-Until" in exposed
