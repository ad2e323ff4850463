"""`flask banner export|stats|refresh-analytics`: the API's numbers and files."""
import csv
import io
import json
import uuid
from datetime import date, datetime

import pytest

from banner.analytics_models import ConsentRollup
from banner.extensions import db
from banner.services.analytics import stats
from tests.analytics_data import add_display, add_record


@pytest.fixture
def shop(owner):
    for hour in range(3):
        visitor = uuid.uuid4()
        add_display(owner.site, datetime(2026, 11, 1, hour), visitor)
        add_record(owner.site, datetime(2026, 11, 1, hour, 5), visitor, "accept_all",
                   language="ar", device="mobile" if hour else "desktop")
    return owner.site


def run(runner, *args):
    return runner.invoke(args=["banner", *args], catch_exceptions=False)


def test_stats_print_what_the_api_answers(runner, client, shop, owner):
    result = run(runner, "stats", "--site", shop.site_key, "--from", "2026-11-01",
                 "--to", "2026-11-02", "--group-by", "device", "--group-by", "day")
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed == stats(shop.id, date(2026, 11, 1), date(2026, 11, 2), ("device", "day"))
    api = client.get(f"{owner.base}/stats?from=2026-11-01&to=2026-11-02&group_by=device"
                     "&group_by=day", headers=owner.headers).json
    assert printed == api
    assert [g["key"]["device"] for g in printed["groups"]] == ["desktop", "mobile"]


def test_stats_as_csv(runner, shop):
    result = run(runner, "stats", "--site", shop.site_key, "--from", "2026-11-01",
                 "--to", "2026-11-01", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff"))))
    assert [(row["visitors_decided"], row["interaction_rate"]) for row in rows] == [("3", "1.0")]


def test_export_writes_every_record_with_progress_on_stderr(runner, shop, tmp_path):
    target = tmp_path / "records.csv"
    result = run(runner, "export", "--site", shop.site_key, "--from", "2026-11-01",
                 "--to", "2026-11-01", "--format", "csv", "--output", str(target))
    assert result.exit_code == 0, result.output
    assert "3 records" in result.stderr
    rows = list(csv.DictReader(io.StringIO(target.read_bytes().decode("utf-8-sig"))))
    assert len(rows) == 3 and {row["action"] for row in rows} == {"accept_all"}
    result = run(runner, "export", "--site", shop.site_key, "--from", "2026-11-01",
                 "--to", "2026-11-01", "--format", "jsonl")
    assert [json.loads(line)["action"] for line in result.stdout.splitlines()] == [
        "accept_all"] * 3


@pytest.mark.parametrize("args, code, message", [
    (["stats", "--site", "no-such-site", "--from", "2026-11-01", "--to", "2026-11-02"], 3,
     "No site"),
    (["stats", "--from", "2026-11-02", "--to", "2026-11-01"], 2, "ends before"),
    (["stats", "--from", "2026-11-01", "--to", "2026-11-02", "--group-by", "colour"], 2,
     "Unknown dimension"),
    (["export", "--from", "2026-11-02", "--to", "2026-11-01"], 2, "ends before"),
])
def test_refusals_exit_with_the_domain_code(runner, shop, row_counts, args, code, message):
    if "--site" not in args:
        args = [args[0], "--site", shop.site_key, *args[1:]]
    before = row_counts()
    result = runner.invoke(args=["banner", *args])
    assert result.exit_code == code, result.output
    assert message in result.output
    assert row_counts() == before


def test_refresh_and_rebuild(runner, shop):
    assert run(runner, "refresh-analytics").output == f"{shop.site_key}: up to date\n"
    daily = db.select(db.func.sum(ConsentRollup.decisions)).where(ConsentRollup.grain == 0)
    built = db.session.scalar(daily)
    # A bulk load of old records is seen after a rebuild.
    add_record(shop, datetime(2026, 10, 1, 12), uuid.uuid4(), "reject_all")
    result = run(runner, "refresh-analytics", "--site", shop.site_key, "--rebuild")
    assert result.output == f"{shop.site_key}: rebuilt\n"
    db.session.rollback()
    assert db.session.scalar(daily) == built + 1
