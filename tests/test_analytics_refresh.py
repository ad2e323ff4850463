"""Roll-ups follow the consent log without the write path's help: what arrives after a
question is in the next answer, a late commit too, nothing is written when nothing
changed, and a new time zone counts every day again."""
import uuid
from datetime import date, datetime, timedelta

from banner.analytics_models import AnalyticsState
from banner.extensions import db
from banner.models import Site, utcnow
from banner.services.analytics import stats
from tests.analytics_data import add_display, add_record
from tests.analytics_oracle import oracle
from tests.helpers import ALL, consent, post_consent

GROUPINGS = [(), ("day",), ("device", "browser"), ("source",)]


def today_range(site):
    today = utcnow().date()
    return today - timedelta(days=2), today + timedelta(days=2)


def test_what_arrives_after_a_question_is_in_the_next_answer(client, site):
    first, last = today_range(site)
    assert stats(site.id, first, last)["totals"]["decisions"] == 0
    for _ in range(3):
        visitor = str(uuid.uuid4())
        assert client.post("/v1/sites/test-store/impressions", json={
            "version": 1, "language": "ar", "visitor_id": visitor}).status_code == 204
        post_consent(client, "test-store", consent(visitor_id=visitor, decision_ms=900))
        post_consent(client, "test-store", consent(visitor_id=visitor, action="accept_all",
                                                   choices=ALL))
    for group_by in GROUPINGS:
        assert stats(site.id, first, last, group_by) == oracle(site.id, first, last, group_by)
    totals = stats(site.id, first, last)["totals"]
    assert (totals["decisions"], totals["visitors_decided"], totals["accept_all_share"]) == (
        6, 3, 1.0)


def test_a_record_committed_late_is_counted(site):
    first, last = today_range(site)
    stats(site.id, first, last)
    refreshed = db.session.get(AnalyticsState, site.id).refreshed_until
    # Recorded before the last refresh, visible only now (a slow commit).
    add_record(site, refreshed - timedelta(minutes=5), uuid.uuid4(), "reject_all")
    add_display(site, refreshed - timedelta(minutes=4), uuid.uuid4())
    answer = stats(site.id, first, last, ("day",))
    assert answer == oracle(site.id, first, last, ("day",))
    assert (answer["totals"]["decisions"], answer["totals"]["displays"]) == (1, 1)


def test_nothing_is_written_when_nothing_changed(client, site, row_counts):
    first, last = today_range(site)
    post_consent(client, "test-store", consent())
    stats(site.id, first, last)
    state = db.session.get(AnalyticsState, site.id)
    seen = (state.refreshed_until, state.tail_records, state.tail_displays)
    before = row_counts()
    for _ in range(3):
        stats(site.id, first, last, ("day", "version"))
    db.session.expire_all()
    state = db.session.get(AnalyticsState, site.id)
    assert (state.refreshed_until, state.tail_records, state.tail_displays) == seen
    assert row_counts() == before


def test_a_new_time_zone_counts_every_day_again(make_site):
    site = make_site(time_zone="Asia/Riyadh")
    add_record(site, datetime(2026, 11, 1, 21, 30), uuid.uuid4(), "accept_all")
    days = (date(2026, 11, 1), date(2026, 11, 2))
    assert [g["key"]["day"] for g in stats(site.id, *days, ("day",))["groups"]] == ["2026-11-02"]
    stored = db.session.get(Site, site.id)
    stored.time_zone = "America/Los_Angeles"
    db.session.commit()
    assert [g["key"]["day"] for g in stats(site.id, *days, ("day",))["groups"]] == ["2026-11-01"]
    assert stats(site.id, *days, ("day",)) == oracle(site.id, *days, ("day",))
