"""The dashboard's consent analytics: the figures of a hand-made data set (written through
the public API over three days) on the page, equal to the analytics service's; another
merchant's store not found; a bad range a form error; downloads streamed as the service
writes them; the stores list's sparkline."""
import csv
import io
import json
import re
from datetime import timedelta

import pytest

from banner.extensions import db
from banner.models import ConsentRecord
from banner.services import analytics
from banner.services.versions import publish
from tests.dashboard_analytics_data import Clock, Shopper, hand_made_data_set, riyadh_today

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PASSWORD = "analytics-pass-2026"
FIGURE = re.compile(r'data-metric="([^"]+)">\s*<p class="figure__name">[^<]*</p>\s*'
                    r'<p class="figure__value">([^<]*)</p>\s*'
                    r'<p class="figure__change[^"]*">(.*?)</p>',
                    re.S)


@pytest.fixture
def signed_in(client, make_merchant, make_site, document):
    """A merchant (dashboard in English) whose store has published version 1, then
    version 2 as a material change; signed in."""
    merchant = make_merchant(password=PASSWORD)
    merchant.language = "en"
    db.session.commit()
    site = make_site(merchant=merchant)
    document["texts"]["en"]["title"] = "We value your privacy (v2)"
    publish(site, document, "material")
    token = TOKEN.search(client.get("/dashboard/login").get_data(as_text=True)).group(1)
    response = client.post("/dashboard/login", data={
        "email": merchant.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    return merchant, site


@pytest.fixture
def data(client, signed_in, monkeypatch):
    """The hand-made data set on the signed-in merchant's store; returns (site, today)."""
    _, site = signed_in
    today = riyadh_today()
    hand_made_data_set(client, site.site_key, Clock(monkeypatch), today)
    monkeypatch.undo()  # the clock back to the real one
    return site, today


def page(client, site, **query) -> str:
    response = client.get(f"/dashboard/sites/{site.id}/analytics", query_string=query)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def text(markup: str) -> str:
    """Text of some markup, tags and the number isolates (U+2066/U+2069) taken out."""
    return " ".join(re.sub(r"<[^>]+>", " ", re.sub("[\u2066\u2069]", "", markup)).split())


def figures(html: str) -> dict[str, tuple[str, str]]:
    """metric -> (value shown, its change against the period before)."""
    return {key: (value, text(change)) for key, value, change in FIGURE.findall(html)}


def rows(html: str, table_id: str) -> list[list[str]]:
    """The body rows of a table, each cell's text."""
    body = re.search(rf'id="{table_id}".*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    return [[text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def span_of(today):
    return {"from": (today - timedelta(days=2)).isoformat(), "to": today.isoformat()}


def test_headline_figures_are_the_hand_counted_ones_and_the_services(client, data):
    site, today = data
    shown = figures(page(client, site, **span_of(today)))
    totals = analytics.stats(site.id, today - timedelta(days=2), today)["totals"]
    # 6 visitor-days shown (a display posted three times counts once), 5 decided: A and B
    # on the first day (B's last decision counts), D, E and A again on the second.
    assert (totals["visitors_shown"], totals["visitors_decided"], totals["decisions"]) == (6, 5, 6)
    assert totals["interaction_rate"] == 5 / 6 and totals["accept_all_share"] == 3 / 5
    assert shown["interaction_rate"][0] == "83.3%"
    assert shown["accept_all_share"][0] == "60.0%"
    assert shown["reject_all_share"][0] == "20.0%"
    assert shown["custom_share"][0] == "20.0%"
    assert shown["any_optional_rate"][0] == "80.0%"
    assert [shown[f"opt_in.{key}"][0] for key in ("functional", "analytics", "advertising")] \
        == ["60.0%", "80.0%", "60.0%"]
    # Decision times 2, 2, 3, 6 and 10 s: the median falls in the 3-4 s bucket, shown by
    # its upper edge, as the service reports it.
    assert totals["decision_ms"]["median"] == 4000 and shown["decision_ms.median"][0] == "4.0 sec"
    assert shown["displays"][0] == "6" and shown["decisions"][0] == "6"
    # Against the three days before: F rejected, G ignored the banner.
    assert shown["interaction_rate"][1] == "▲ +33.3 pts Up: +33.3 percentage points. before: 50.0%"
    assert shown["reject_all_share"][1].startswith("▼ -80.0 pts Down:")
    assert shown["displays"][1].startswith("▲ +200.0% Up:")
    assert shown["decisions"][1].startswith("▲ +500.0% Up:")


def test_changes_are_signed_and_coloured_by_whether_they_are_welcome(client, data):
    site, today = data
    html = page(client, site, **span_of(today))
    tones = {metric: kind for kind, metric in re.findall(
        r'class="figure figure--(\w+)" data-metric="([^"]+)"', html)}
    assert tones["interaction_rate"] == "good"  # up, and up is welcome
    assert tones["reject_all_share"] == "good"  # down, and down is welcome
    assert tones["displays"] == "neutral"
    assert "figure__change--up" in html and "figure__change--down" in html


def test_daily_versions_breakdown_and_reconsent_tables_hold_the_services_numbers(client, data):
    site, today = data
    first, second = today - timedelta(days=2), today - timedelta(days=1)
    html = page(client, site, **span_of(today), slice="device")
    daily = rows(html, "daily-table")
    by_day = {group["key"]["day"]: group["metrics"] for group in
              analytics.stats(site.id, first, today, ("day",))["groups"]}
    assert by_day[first.isoformat()]["interaction_rate"] == 2 / 3
    # Day, displays, decisions, interaction, functional, analytics, advertising opt-in.
    assert daily[0][1:] == ["3", "3", "66.7%", "50.0%", "100.0%", "50.0%"]
    assert daily[1][1:] == ["3", "3", "100.0%", "66.7%", "66.7%", "66.7%"]
    assert daily[2][1:] == ["0", "0", "—", "—", "—", "—"]  # today: nothing yet
    assert re.search(rf'<time datetime="{second.isoformat()}">', html)

    # Version, displays, decisions, interaction, accept all, reject all, custom, any optional.
    versions = rows(html, "versions-table")
    assert [row[:8] for row in versions] == [
        ["1", "3", "3", "66.7%", "50.0%", "0.0%", "50.0%", "100.0%"],
        ["2", "3", "3", "100.0%", "66.7%", "33.3%", "0.0%", "66.7%"]]
    assert f'href="/dashboard/sites/{site.id}/versions/1/diff/2"' in html

    devices = {row[0]: row[1:4] for row in rows(html, "breakdown-table")}
    # Displays, decisions recorded (B decided twice), interaction rate per device.
    assert devices == {"Phone": ["4", "3", "75.0%"], "Computer": ["2", "3", "100.0%"]}

    # Version 2 is material: A, B (first day) and F (before) held version 1; A chose again.
    reconsent = analytics.stats(site.id, first, today)["totals"]["reconsent"]
    assert reconsent == [{"version": 2, "visitors_due": 3, "completed": 1, "rate": 1 / 3}]
    assert rows(html, "reconsent-table") == [["2", "3", "1", "33.3%"]]


@pytest.mark.parametrize("dimension, expected", [
    ("language", {"Arabic": "5", "English": "1"}),
    ("source", {"The banner": "5", "The preferences panel": "1", "Displays (no source)": "0"}),
    ("browser", {"Mobile Safari": "3", "Chrome": "3"}),
    ("version", {"Version 1": "3", "Version 2": "3"}),
])
def test_the_slice_switch_returns_only_the_table_for_htmx(client, data, dimension, expected):
    site, today = data
    response = client.get(f"/dashboard/sites/{site.id}/analytics",
                          query_string={**span_of(today), "slice": dimension},
                          headers={"HX-Request": "true", "HX-Target": "breakdown-table"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div class="table-wrap" id="breakdown-table"')
    assert "<h1>" not in html and f'data-slice="{dimension}"' in html
    # Decisions recorded per value of the slice.
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S).group(1)
    found = {re.sub(r"<[^>]+>", "", name).strip(): decided for name, decided in re.findall(
        r'<th scope="row">(.*?)</th><td>[^<]*</td><td>([^<]*)</td>', body, re.S)}
    assert found == expected


def test_an_empty_period_answers_cleanly(client, signed_in):
    _, site = signed_in
    html = page(client, site, days=7)
    assert "No banner displays or decisions in this period yet." in html
    assert figures(html)["interaction_rate"] == ("—", "No figure for the days before")
    assert len(rows(html, "daily-table")) == 7
    assert "No version was shown in this period." in html


@pytest.mark.parametrize("query, field, message", [
    ({"from": "2026-11-10", "to": "2026-11-01"}, "to", "The last day comes before the first."),
    ({"from": "2025-01-01", "to": "2026-11-01"}, "to", "Choose at most 400 days."),
    ({"from": "2026-11-01"}, "to", "Choose the last day as well."),
    ({"from": "yesterday", "to": "2026-11-01"}, "from", "Not a valid date value."),
    ({"days": "5"}, "days", "Not a valid choice."),
    ({"slice": "shoe-size"}, "slice", "Not a valid choice."),
])
def test_a_bad_range_is_a_form_error_that_writes_nothing(client, signed_in, row_counts, query,
                                                          field, message):
    _, site = signed_in
    before = row_counts()
    response = client.get(f"/dashboard/sites/{site.id}/analytics", query_string=query)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    if field in ("from", "to"):
        assert f'id="{field}-error"' in html and 'aria-invalid="true"' in html
    assert 'id="daily-table"' not in html
    download = client.get(f"/dashboard/sites/{site.id}/exports/consents.csv", query_string=query)
    assert download.status_code == 422 and message in download.get_data(as_text=True)
    assert row_counts() == before


EXPORTS = ("exports/consents.csv", "exports/consents.jsonl", "exports/stats.csv",
           "exports/stats.json")


@pytest.mark.parametrize("path", ["analytics", "analytics/trend", *EXPORTS])
def test_another_merchants_store_is_not_found_and_reads_nothing(client, signed_in, make_site,
                                                                row_counts, path):
    other = make_site()
    Shopper(client, other.site_key).sees(1)
    before = row_counts()
    response = client.get(f"/dashboard/sites/{other.id}/{path}")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    assert row_counts() == before  # not even their roll-ups brought up to date
    assert client.get(f"/dashboard/sites/999999/{path}").status_code == 404


@pytest.mark.parametrize("path", ["analytics", "analytics/trend", *EXPORTS])
def test_the_pages_and_downloads_need_a_signed_in_merchant(client, site, path):
    response = client.get(f"/dashboard/sites/{site.id}/{path}")
    assert response.status_code == 302 and "/dashboard/login" in response.location


def test_the_stores_list_loads_each_sparkline_after_the_page(client, signed_in, row_counts):
    _, site = signed_in
    before = row_counts()
    listing = client.get("/dashboard/sites").get_data(as_text=True)
    assert f'hx-get="/dashboard/sites/{site.id}/analytics/trend" hx-trigger="load"' in listing
    assert row_counts() == before  # the list itself reads no analytics
    shoppers = [Shopper(client, site.site_key) for _ in range(4)]
    for shopper in shoppers:
        shopper.sees(2)
    shoppers[0].decides("accept_all", 2)
    shoppers[1].decides("reject_all", 2)
    trend = client.get(f"/dashboard/sites/{site.id}/analytics/trend").get_data(as_text=True)
    totals = analytics.stats(site.id, riyadh_today() - timedelta(days=29), riyadh_today())["totals"]
    assert totals["interaction_rate"] == 0.5
    assert re.search(r'class="spark__value"[^>]*>50.0%<', trend)
    # Today is the last of 30 days: a lone day is drawn as a short dash at the far end.
    assert '<polyline points="100.0,12.0 101.0,12.0">' in trend


def test_consent_downloads_stream_the_services_records_with_bom_and_neutralised_cells(
        client, data):
    site, today = data
    first = today - timedelta(days=2)
    # A value a spreadsheet would run as a formula, as the public API accepts it.
    Shopper(client, site.site_key).decides("reject_all", 2, idempotency_key="-cmd:calc.exe")
    response = client.get(f"/dashboard/sites/{site.id}/exports/consents.csv",
                          query_string=span_of(today))
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["X-Export-Rows"] == "7" == str(
        analytics.count_consents(site.id, first, today))
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="consents-{site.site_key}-{first}-{today}.csv"')
    assert response.mimetype == "text/csv"
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    assert body == b"".join(analytics.export_consents(site.id, first, today, "csv"))
    records = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(records) == 7
    assert "'-cmd:calc.exe" in [row["idempotency_key"] for row in records]
    assert not [cell for row in records for cell in row.values()
                if cell and cell[0] in "=+-@\t\r"]

    lines = client.get(f"/dashboard/sites/{site.id}/exports/consents.jsonl",
                       query_string=span_of(today))
    assert lines.is_streamed and lines.headers["X-Export-Rows"] == "7"
    parsed = [json.loads(line) for line in lines.get_data(as_text=True).splitlines()]
    assert len(parsed) == 7 and "-cmd:calc.exe" in [row["idempotency_key"] for row in parsed]
    assert db.session.scalar(db.select(db.func.count()).select_from(ConsentRecord)) == 8


def test_figure_downloads_are_the_services_aggregates(client, data):
    site, today = data
    first = today - timedelta(days=2)
    daily = client.get(f"/dashboard/sites/{site.id}/exports/stats.csv",
                       query_string={**span_of(today), "group_by": "day"})
    assert daily.status_code == 200 and daily.is_streamed
    body = daily.get_data()
    assert body == b"".join(analytics.export_stats(site.id, first, today, ("day",), "csv"))
    table = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert table[0][:4] == ["day", "displays", "visitors_shown", "decisions"]
    second = first + timedelta(days=1)
    assert [row[:4] for row in table[1:]] == [[first.isoformat(), "3", "3", "3"],
                                              [second.isoformat(), "3", "3", "3"]]
    whole = client.get(f"/dashboard/sites/{site.id}/exports/stats.json",
                       query_string={**span_of(today), "group_by": "version,device"})
    assert whole.status_code == 200 and whole.mimetype == "application/json"
    assert json.loads(whole.get_data()) == analytics.stats(site.id, first, today,
                                                           ("version", "device"))


def test_an_unknown_grouping_of_the_figures_is_refused_cleanly(client, signed_in, row_counts):
    _, site = signed_in
    before = row_counts()
    response = client.get(f"/dashboard/sites/{site.id}/exports/stats.csv",
                          query_string={"days": 7, "group_by": "day,shoe-size"})
    assert response.status_code == 422
    assert "Unknown dimension: shoe-size." in response.get_data(as_text=True)
    assert row_counts() == before
