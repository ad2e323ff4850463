"""Streamed exports: raw proof records as CSV or JSON Lines, aggregates as CSV or JSON."""
import csv
import io
import json
import uuid
from datetime import date, datetime

import pytest

from banner.services.analytics import count_consents, export_consents, exports, record_export, stats
from tests.analytics_data import add_record

RANGE = "from=2026-11-01&to=2026-11-02"
ARABIC = "https://store.example/ar/منتجات"


@pytest.fixture
def shop(owner):
    owner.visitor = uuid.uuid4()
    first = add_record(owner.site, datetime(2026, 11, 1, 8), owner.visitor, "accept_all",
                       decision_ms=1500)
    first.page_url, first.browser_family = ARABIC, "=HYPERLINK(\"https://evil.example\")"
    first.idempotency_key, first.os_family = "-abc12345", "@SUM(1)"
    second = add_record(owner.site, datetime(2026, 11, 2, 20, 59), uuid.uuid4(), "reject_all")
    second.browser_family, second.os_family = "\tTab", "+1"
    # 21:30 UTC on 2026-11-02 is 2026-11-03 in Riyadh: outside the range.
    add_record(owner.site, datetime(2026, 11, 2, 21, 30), uuid.uuid4(), "custom")
    add_record(owner.site, datetime(2026, 10, 31, 20, 59), uuid.uuid4(), "custom")
    from banner.extensions import db
    db.session.commit()
    return owner


def download(client, owner, path, status=200):
    response = client.get(f"{owner.base}/exports/{path}", headers=owner.headers)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    return response


def test_consents_csv_is_excel_ready_and_neutralises_formulas(client, shop):
    response = download(client, shop, f"consents.csv?{RANGE}")
    assert response.is_streamed
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{shop.site.site_key}-consents-2026-11-01-2026-11-02.csv"')
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [row["action"] for row in rows] == ["accept_all", "reject_all"]
    first, second = rows
    assert first["page_url"] == ARABIC
    assert first["browser_family"] == "'=HYPERLINK(\"https://evil.example\")"
    assert (first["idempotency_key"], first["os_family"]) == ("'-abc12345", "'@SUM(1)")
    assert (second["browser_family"], second["os_family"]) == ("'\tTab", "'+1")
    assert first["visitor_id"] == str(shop.visitor) and first["version"] == "1"
    assert (first["day"], first["recorded_at"]) == ("2026-11-01", "2026-11-01T08:00:00Z")
    assert (second["day"], first["decision_ms"], first["functional"]) == (
        "2026-11-02", "1500", "true")


def test_consents_jsonl_has_one_record_per_line(client, shop):
    response = download(client, shop, f"consents.jsonl?{RANGE}")
    assert response.headers["Content-Type"] == "application/x-ndjson"
    assert response.headers["Content-Disposition"].endswith('.jsonl"')
    lines = response.get_data(as_text=True).splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["action"] for r in records] == ["accept_all", "reject_all"]
    assert records[0]["page_url"] == ARABIC  # raw data: JSON needs no neutralising
    assert records[0]["browser_family"].startswith("=")
    assert (records[0]["decision_ms"], records[0]["advertising"], records[0]["version"]) == (
        1500, True, 1)
    assert set(records[0]) == set(exports.RECORD_COLUMNS)


def test_exports_stream_in_pieces(app, shop, monkeypatch):
    # Pieces of one row (SQLite's partitions) or one COPY message (PostgreSQL's chunks).
    monkeypatch.setattr(record_export, "PARTITION", 1)
    monkeypatch.setattr(record_export, "CHUNK", 1)
    chunks = list(export_consents(shop.site.id, date(2026, 11, 1), date(2026, 11, 2), "csv"))
    assert len(chunks) == 3  # the header, then one record a piece
    assert count_consents(shop.site.id, date(2026, 11, 1), date(2026, 11, 2)) == 2
    lines = list(export_consents(shop.site.id, date(2026, 10, 31), date(2026, 11, 3), "jsonl"))
    assert sum(chunk.count(b"\n") for chunk in lines) == 4


def test_an_empty_range_is_a_header_or_nothing(client, shop):
    text = download(client, shop, "consents.csv?from=2020-01-01&to=2020-01-02").get_data(
        as_text=True)
    assert text.lstrip("\ufeff").splitlines() == [",".join(exports.RECORD_COLUMNS)]
    assert download(client, shop, "consents.jsonl?from=2020-01-01&to=2020-01-02") \
        .get_data() == b""


def test_erased_visitors_are_not_exported(client, shop):
    assert client.delete(f"{shop.base}/visitors/{shop.visitor}",
                         headers=shop.headers).status_code == 200
    text = download(client, shop, f"consents.csv?{RANGE}").get_data(as_text=True)
    assert str(shop.visitor) not in text and text.count("\n") == 2


def test_stats_exports_are_the_stats(client, shop):
    answer = stats(shop.site.id, date(2026, 11, 1), date(2026, 11, 2), ("day",))
    body = download(client, shop, f"stats.json?{RANGE}&group_by=day")
    assert body.headers["Content-Type"] == "application/json"
    assert json.loads(body.get_data()) == answer
    text = download(client, shop, f"stats.csv?{RANGE}&group_by=day").get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [row["day"] for row in rows] == ["2026-11-01", "2026-11-02"]
    assert [float(row["accept_all_share"]) for row in rows] == [1.0, 0.0]
    assert rows[0]["decision_ms_median"] == "2000" and rows[1]["decision_ms_median"] == ""
    totals = list(csv.DictReader(io.StringIO(
        download(client, shop, f"stats.csv?{RANGE}").get_data(as_text=True).lstrip("\ufeff"))))
    assert len(totals) == 1 and totals[0]["visitors_decided"] == "2"


@pytest.mark.parametrize("path, field", [
    ("consents.csv?from=2026-11-02&to=2026-11-01", "from"),
    ("consents.jsonl?to=2026-11-01", "from"),
    ("stats.csv?from=2026-11-01&to=2026-11-02&group_by=colour", "group_by"),
    ("stats.json?from=2024-11-01&to=2026-11-02", "to"),
])
def test_refusals_come_before_any_byte(client, shop, row_counts, path, field):
    before = row_counts()
    response = download(client, shop, path, 422)
    assert response.headers["Content-Type"] == "application/json"
    assert field in response.json["errors"]
    assert row_counts() == before


def test_unknown_formats_are_invalid(app, shop):
    from banner.errors import Invalid
    with pytest.raises(Invalid):
        export_consents(shop.site.id, date(2026, 11, 1), date(2026, 11, 2), "xlsx")


def test_the_exact_bytes_of_a_record(app, owner):
    """PostgreSQL formats records in the database (COPY), SQLite here: byte for byte alike."""
    visitor = uuid.UUID("00000000-0000-4000-8000-000000000001")
    record = add_record(owner.site, datetime(2026, 11, 1, 21, 30, 0, 5), visitor, "custom",
                        choices=(True, False, True), source="preferences", decision_ms=42,
                        language="ar", device="mobile", browser="Chrome, \"Mobile\"", os="-1",
                        country=None, policy="opt_out")
    record.id = uuid.UUID("00000000-0000-4000-8000-0000000000aa")
    record.page_url, record.ip, record.age_confirmed = ARABIC, "192.0.2.0", None
    record.client_time, record.idempotency_key = datetime(2026, 11, 1, 21, 29, 59), "k-12345678"
    from banner.extensions import db
    db.session.commit()
    csv_bytes = b"".join(export_consents(owner.site.id, date(2026, 11, 2), date(2026, 11, 2),
                                         "csv"))
    header = "\ufeff" + ",".join(exports.RECORD_COLUMNS) + "\n"
    line = ("00000000-0000-4000-8000-0000000000aa,2026-11-01T21:30:00.000005Z,2026-11-02,"
            "00000000-0000-4000-8000-000000000001,1,custom,true,true,false,true,ar,"
            "preferences,,false,opt_out,,,mobile,\"Chrome, \"\"Mobile\"\"\",'-1,"
            f"{ARABIC},192.0.2.0,2026-11-01T21:29:59Z,42,k-12345678,,\n")
    assert csv_bytes.decode() == header + line
    [jsonl] = b"".join(export_consents(owner.site.id, date(2026, 11, 2), date(2026, 11, 2),
                                       "jsonl")).decode().splitlines()
    assert json.loads(jsonl) == {
        "id": "00000000-0000-4000-8000-0000000000aa",
        "recorded_at": "2026-11-01T21:30:00.000005Z", "day": "2026-11-02",
        "visitor_id": str(visitor), "version": 1, "action": "custom", "necessary": True,
        "functional": True, "analytics": False, "advertising": True, "language": "ar",
        "source": "preferences", "age_confirmed": None, "gpc": False, "policy_mode": "opt_out",
        "policy_rule": None, "country": None, "device_type": "mobile",
        "browser_family": 'Chrome, "Mobile"', "os_family": "-1", "page_url": ARABIC,
        "ip": "192.0.2.0", "client_time": "2026-11-01T21:29:59Z", "decision_ms": 42,
        "idempotency_key": "k-12345678", "prev_hash": None, "record_hash": None}


def test_the_day_of_a_record_follows_summer_time(app, make_site):
    site = make_site(time_zone="Europe/Berlin")
    for moment in (datetime(2026, 10, 24, 22, 30), datetime(2026, 10, 25, 22, 30),
                   datetime(2026, 10, 25, 0, 30), datetime(2026, 10, 25, 1, 30)):
        add_record(site, moment, uuid.uuid4())
    text = b"".join(export_consents(site.id, date(2026, 10, 24), date(2026, 10, 26), "csv"))
    rows = list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))
    # 22:30 UTC is 00:30 the next day in summer time (UTC+2), 23:30 the same day after.
    assert [(row["recorded_at"], row["day"]) for row in rows] == [
        ("2026-10-24T22:30:00Z", "2026-10-25"), ("2026-10-25T00:30:00Z", "2026-10-25"),
        ("2026-10-25T01:30:00Z", "2026-10-25"), ("2026-10-25T22:30:00Z", "2026-10-25")]
