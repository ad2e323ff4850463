"""Every metric on a small hand-made day and a half in Riyadh (UTC+3), the answers worked
out by hand (README, "Consent analytics", defines each metric)."""
import uuid
from datetime import date, datetime

import pytest

from banner.errors import Invalid, NotFound
from banner.extensions import db
from banner.models import BannerVersion
from banner.services.analytics import stats
from banner.services.versions import publish
from tests.analytics_data import add_display, add_record

D1, D2 = date(2026, 11, 1), date(2026, 11, 2)
A, B, C, D, E = (uuid.uuid4() for _ in range(5))


@pytest.fixture
def shop(make_site, document):
    """Five visitors over two Riyadh days; version 2 (material) from 2026-11-02 03:00."""
    site = make_site(time_zone="Asia/Riyadh")
    document["texts"]["en"]["title"] = "New wording"
    publish(site, document, "material")
    for number, published in ((1, datetime(2026, 10, 1)), (2, datetime(2026, 11, 2, 0, 0))):
        db.session.execute(db.update(BannerVersion).filter_by(site_id=site.id, number=number)
                           .values(published_at=published))
    # A changes their mind on D1 (the last choice counts), then withdraws on D2 on v2.
    add_display(site, datetime(2026, 11, 1, 10, 0), A)
    add_record(site, datetime(2026, 11, 1, 10, 1), A, "custom", decision_ms=1800)
    add_record(site, datetime(2026, 11, 1, 10, 5), A, "accept_all", source="preferences",
               decision_ms=4000)
    add_record(site, datetime(2026, 11, 2, 8, 0), A, "withdraw", version=2, source="api")
    # B refuses at 23:59 in Riyadh: still D1.
    add_display(site, datetime(2026, 11, 1, 20, 58), B, device="mobile", browser="Mobile Safari",
                os="iOS")
    add_record(site, datetime(2026, 11, 1, 20, 59), B, "reject_all", decision_ms=900,
               device="mobile", browser="Mobile Safari", os="iOS")
    # C only looks.
    add_display(site, datetime(2026, 11, 1, 12, 0), C, language="en", country="US",
                policy="opt_out")
    # D sends GPC: the snippet opts out of advertising on D's behalf; D does nothing.
    add_display(site, datetime(2026, 11, 1, 13, 0), D)
    add_record(site, datetime(2026, 11, 1, 13, 0, 1), D, "gpc", source="gpc", gpc=True)
    # E at 21:30 UTC: 00:30 on D2 in Riyadh; functional only, on the older banner.
    add_display(site, datetime(2026, 11, 1, 21, 29), E, device="mobile", browser="Mobile Safari",
                os="iOS")
    add_record(site, datetime(2026, 11, 1, 21, 30), E, "custom", choices=(True, False, False),
               decision_ms=12_000, device="mobile", browser="Mobile Safari", os="iOS")
    return site


def test_totals(shop):
    answer = stats(shop.id, D1, D2)
    assert (answer["from"], answer["to"], answer["time_zone"], answer["group_by"],
            answer["groups"]) == ("2026-11-01", "2026-11-02", "Asia/Riyadh", [], [])
    assert answer["totals"] == {
        "displays": 5, "visitors_shown": 5,
        "decisions": 6,             # every record
        "visitors_decided": 5,      # A on D1 and D2, B, D, E
        "interaction_rate": 3 / 5,  # A (D1), B, E: shown and chose; D's GPC is automatic
        "ignore_rate": 2 / 5,       # C, D
        "accept_all_share": 1 / 5, "reject_all_share": 1 / 5, "custom_share": 1 / 5,
        "opt_in": {"functional": 2 / 5, "analytics": 1 / 5, "advertising": 1 / 5},
        "any_optional_rate": 2 / 5,
        "withdrawals": 1, "gpc_seen": 1, "gpc_applied": 1,
        # Timed last decisions 900, 4000, 12000 ms: the buckets under 1000, 5000, 12500.
        "decision_ms": {"median": 5000, "p90": 12_500},
        "first_layer": 2,           # B, E (A's last on D1 was in preferences)
        "preferences": 1,
        # Due: A, B, D, E first decided on v1. Completed: A, on v2 on D2.
        "reconsent": [{"version": 2, "visitors_due": 4, "completed": 1, "rate": 1 / 4}],
    }


def test_by_day_across_midnight_in_riyadh(shop):
    days = {group["key"]["day"]: group["metrics"] for group in stats(shop.id, D1, D2, ("day",))["groups"]}
    assert list(days) == ["2026-11-01", "2026-11-02"]
    first, second = days["2026-11-01"], days["2026-11-02"]
    assert (first["displays"], first["decisions"], first["visitors_decided"]) == (4, 4, 3)
    assert (first["interaction_rate"], first["reject_all_share"]) == (2 / 4, 1 / 3)
    assert first["decision_ms"] == {"median": 1000, "p90": 5000}  # ranks 1 and 2 of 900, 4000
    assert (second["displays"], second["decisions"], second["visitors_decided"]) == (1, 2, 2)
    assert (second["interaction_rate"], second["withdrawals"], second["custom_share"]) == (1.0, 1, 1 / 2)
    assert second["decision_ms"] == {"median": 12_500, "p90": 12_500}


def test_by_version_and_device(shop):
    groups = stats(shop.id, D1, D2, ("version", "device"))["groups"]
    assert [(g["key"], g["metrics"]["visitors_decided"], g["metrics"]["displays"])
            for g in groups] == [
        ({"version": 1, "device": "desktop"}, 2, 3),  # A on D1, D; shown A, C, D
        ({"version": 1, "device": "mobile"}, 2, 2),   # B, E
        ({"version": 2, "device": "desktop"}, 1, 0),  # A's withdrawal
    ]
    assert groups[2]["metrics"]["interaction_rate"] is None  # nobody shown v2


def test_by_source_country_and_policy(shop):
    by_source = {g["key"]["source"]: g["metrics"] for g in stats(shop.id, D1, D2, ("source",))["groups"]}
    assert {k: m["visitors_decided"] for k, m in by_source.items()} == {
        "api": 1, "banner": 2, "gpc": 1, "preferences": 1, None: 0}
    assert by_source[None]["displays"] == 5  # displays come before any source
    assert by_source["banner"]["decisions"] == 3  # A's first choice was on the banner
    by_policy = stats(shop.id, D1, D2, ("country", "policy"))["groups"]
    assert [(g["key"], g["metrics"]["displays"], g["metrics"]["ignore_rate"]) for g in by_policy] == [
        ({"country": "SA", "policy": "opt_in"}, 4, 1 / 4),
        ({"country": "US", "policy": "opt_out"}, 1, 1.0)]


def test_one_day_and_an_empty_range(shop):
    second = stats(shop.id, D2, D2)["totals"]
    assert (second["visitors_decided"], second["reconsent"][0]["completed"]) == (2, 1)
    empty = stats(shop.id, date(2026, 12, 1), date(2026, 12, 31), ("day", "browser"))
    assert empty["groups"] == []
    totals = empty["totals"]
    assert (totals["displays"], totals["decisions"], totals["interaction_rate"],
            totals["opt_in"], totals["decision_ms"]) == (
        0, 0, None, {"functional": None, "analytics": None, "advertising": None},
        {"median": None, "p90": None})
    # Re-consent counts up to the range's end, whatever its start.
    assert totals["reconsent"] == [{"version": 2, "visitors_due": 4, "completed": 1,
                                    "rate": 1 / 4}]
    assert stats(shop.id, date(2026, 10, 1), date(2026, 10, 31))["totals"]["reconsent"] == []


@pytest.mark.parametrize("args, field", [
    ((D1, D2, ("day", "category")), "group_by"),
    ((D2, D1, ()), "from"),
    ((date(2025, 1, 1), date(2026, 2, 5), ()), "to"),
])
def test_bad_questions_are_invalid(shop, args, field):
    with pytest.raises(Invalid) as refused:
        stats(shop.id, *args)
    assert field in refused.value.errors


def test_an_unknown_site_is_not_found(ctx):
    with pytest.raises(NotFound):
        stats(999_999, D1, D2)
