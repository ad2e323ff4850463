"""Every metric from the roll-ups equals the same metric counted from the raw rows: on a
seeded mix across midnight in the site's time zone, in every slice, after a visitor's
erasure (nothing moves) and after a retention purge (what remains)."""
import uuid
from datetime import date, datetime, timedelta

import pytest

from banner.extensions import db
from banner.models import BannerVersion, ConsentRecord
from banner.services.analytics import DIMENSIONS, stats
from tests.analytics_data import random_traffic
from tests.analytics_oracle import oracle

START = datetime(2026, 10, 30, 18, 0)  # 21:00 in Riyadh
FIRST, LAST = date(2026, 10, 30), date(2026, 11, 6)
GROUPINGS = [(), *((name,) for name in DIMENSIONS), ("day", "version"),
             ("device", "browser"), ("country", "policy", "source"), ("day", "language", "os")]


@pytest.fixture
def traffic(make_site, document):
    site = make_site(time_zone="Asia/Riyadh")
    document["texts"]["en"]["title"] = "Second wording"
    from banner.services.versions import publish
    publish(site, document, "material")
    db.session.execute(db.update(BannerVersion).where(BannerVersion.site_id == site.id)
                       .values(published_at=datetime(2026, 10, 29)))
    db.session.commit()
    random_traffic(site, START, days=6, visitors=60, seed=9, versions=(1, 2))
    return site


@pytest.mark.parametrize("group_by", GROUPINGS)
def test_every_metric_matches_the_raw_rows(traffic, group_by):
    assert stats(traffic.id, FIRST, LAST, group_by) == oracle(traffic.id, FIRST, LAST, group_by)


def test_a_part_of_the_range_matches_too(traffic):
    for first, last in [(date(2026, 11, 1), date(2026, 11, 1)), (date(2026, 11, 2),
                                                                  date(2026, 11, 4))]:
        assert stats(traffic.id, first, last, ("day",)) == oracle(traffic.id, first, last,
                                                                  ("day",))


def test_an_erasure_changes_no_metric(traffic, client, make_key):
    before = {group_by: stats(traffic.id, FIRST, LAST, group_by) for group_by in GROUPINGS}
    visitors = db.session.scalars(db.select(ConsentRecord.visitor_id).filter_by(
        site_id=traffic.id).distinct().order_by(ConsentRecord.visitor_id).limit(3)).all()
    headers = make_key(traffic.merchant)
    for visitor in visitors:
        response = client.delete(f"/v1/admin/sites/{traffic.id}/visitors/{visitor}",
                                 headers=headers)
        assert response.status_code == 200, response.json
    assert db.session.scalar(db.select(db.func.count()).select_from(ConsentRecord).where(
        ConsentRecord.visitor_id.in_(visitors))) == 0
    for group_by in GROUPINGS:
        assert stats(traffic.id, FIRST, LAST, group_by) == before[group_by]
    # Raw rows no longer hold those visitors: the roll-up is the only place they count.
    assert oracle(traffic.id, FIRST, LAST)["totals"] != before[()]["totals"]


def test_after_a_purge_metrics_are_those_of_what_remains(traffic, runner):
    stats(traffic.id, FIRST, LAST)  # built before the purge, so the purge must rebuild
    from banner.models import Site
    site = db.session.get(Site, traffic.id)
    site.retention_days = 30
    db.session.commit()
    now = datetime(2026, 12, 2, 12, 0)  # keeps records from 2026-11-02 12:00 UTC on
    from banner.services.retention import purge_expired_records
    assert purge_expired_records(now)[site.site_key] > 0
    for group_by in GROUPINGS:
        assert stats(traffic.id, FIRST, LAST, group_by) == oracle(traffic.id, FIRST, LAST,
                                                                  group_by)
    assert stats(traffic.id, FIRST, date(2026, 11, 1))["totals"]["decisions"] == 0


def test_erased_counts_of_days_past_retention_go_with_them(traffic, client, make_key):
    visitor = db.session.scalar(db.select(ConsentRecord.visitor_id).filter_by(
        site_id=traffic.id).order_by(ConsentRecord.recorded_at).limit(1))
    stats(traffic.id, FIRST, LAST)
    assert client.delete(f"/v1/admin/sites/{traffic.id}/visitors/{visitor}",
                         headers=make_key(traffic.merchant)).status_code == 200
    from banner.services.retention import purge_expired_records
    purge_expired_records(datetime(2026, 10, 30, 12) + timedelta(days=traffic.retention_days,
                                                                 weeks=2))
    assert stats(traffic.id, FIRST, LAST) == oracle(traffic.id, FIRST, LAST)
    assert stats(traffic.id, FIRST, LAST)["totals"]["decisions"] == 0


def test_a_visitor_with_only_displays_can_be_erased_and_still_counts(client, owner):
    from tests.analytics_data import add_display
    visitor = uuid.uuid4()
    add_display(owner.site, datetime(2026, 11, 1, 9), visitor)
    before = stats(owner.site.id, date(2026, 11, 1), date(2026, 11, 1))
    response = client.delete(f"{owner.base}/visitors/{visitor}", headers=owner.headers)
    assert response.status_code == 200 and response.json["records_removed"] == 0
    assert stats(owner.site.id, date(2026, 11, 1), date(2026, 11, 1)) == before
    assert before["totals"]["visitors_shown"] == 1


@pytest.mark.parametrize("group_by", [("day",), ("day", "device")])
def test_a_25_hour_day_in_berlin(make_site, group_by):
    """Summer time ends on 2026-10-25 in Berlin: that day lasts 25 hours."""
    site = make_site(time_zone="Europe/Berlin")
    random_traffic(site, datetime(2026, 10, 23, 20), days=4, visitors=40, seed=25)
    first, last = date(2026, 10, 24), date(2026, 10, 27)
    answer = stats(site.id, first, last, group_by)
    assert answer == oracle(site.id, first, last, group_by)
    assert answer["totals"]["decisions"] > 0
