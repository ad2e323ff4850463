"""Consent analytics in Chromium: shoppers answer the demo store's banner through the public
API; the merchant sees the charts drawn with their tables, switches the breakdown's slice,
and downloads the consent records with a progress bar into a file whose rows are the
records; both languages at phone and desktop width pass axe, with screenshots."""
import csv
import io
import json
from datetime import timedelta

import pytest

from banner.extensions import db
from banner.models import ConsentRecord, Site
from banner.services import analytics
from tests.browser.dashboard import (LANGUAGES, VIEWPORTS, axe_violations, demo_merchant,  # noqa: F401
                                     screenshot, sign_in, sign_in_at)
from tests.dashboard_analytics_data import DESKTOP, Shopper, riyadh_today
from tests.helpers import IPHONE, NONE

pytestmark = pytest.mark.browser
SITE_KEY = "demo-electronics"


@pytest.fixture
def answered(app, demo_merchant):
    """Twelve shoppers shown the demo store's banner today, seven of whom decided; returns
    the store's id."""
    client = app.test_client()
    with app.app_context():
        site_id = db.session.scalar(db.select(Site.id).filter_by(site_key=SITE_KEY))
    for n in range(12):
        shopper = Shopper(client, SITE_KEY, user_agent=DESKTOP if n % 3 == 0 else IPHONE)
        shopper.sees(1, language="ar" if n % 2 else "en")
        if n < 4:
            shopper.decides("accept_all", 1, decision_ms=1800 + 400 * n)
        elif n < 6:
            shopper.decides("reject_all", 1, decision_ms=2500)
        elif n < 7:
            shopper.decides("custom", 1, choices={**NONE, "analytics": True},
                            source="preferences", decision_ms=9000)
    return site_id


def totals(app, site_id: int) -> dict:
    today = riyadh_today()
    with app.app_context():
        return analytics.stats(site_id, today - timedelta(days=29), today)["totals"]


def open_analytics(page, live_server: str, site_id: int, query: str = "") -> None:
    page.goto(f"{live_server}/dashboard/sites/{site_id}/analytics{query}")
    page.locator('#daily-chart[data-drawn="true"]').wait_for(state="attached")
    page.locator('#versions-chart[data-drawn="true"]').wait_for(state="attached")


def test_charts_tables_slice_switch_and_a_download_with_progress(page, live_server, app,
                                                                 answered, tmp_path):
    sign_in(page, live_server, "en")
    open_analytics(page, live_server, answered)
    expected = totals(app, answered)
    assert expected["interaction_rate"] == 7 / 12
    figure = page.locator('[data-metric="interaction_rate"] .figure__value')
    assert figure.inner_text() == "58.3%"
    assert page.locator("#daily-table tbody tr").count() == 30
    assert page.locator("#daily-table tbody tr").last.locator("td").nth(2).text_content() == "58.3%"
    assert page.locator("#versions-table tbody tr").count() == 1

    # The slice switch swaps the table only (htmx), and the address follows.
    with page.expect_response(lambda r: "/analytics?" in r.url
                              and r.request.headers.get("hx-request") == "true") as swapped:
        page.locator("#slice").select_option("browser")
    assert swapped.value.status == 200
    table = page.locator('#breakdown-table[data-slice="browser"]')
    table.wait_for()
    names = table.locator("tbody th").all_inner_texts()
    assert sorted(names) == ["Chrome", "Mobile Safari"]
    assert "slice=browser" in page.url

    # The download reads the stream, shows its progress against X-Export-Rows, then saves.
    page.evaluate("""() => { window.__progress = [];
        document.addEventListener('export-progress', e => window.__progress.push(e.detail)); }""")
    link = page.locator('a[href*="/exports/consents.csv"]')
    with page.expect_download() as download:
        link.click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    content = path.read_bytes()
    assert content.startswith("\ufeff".encode())  # Excel reads the UTF-8 with its BOM
    records = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    with app.app_context():
        stored = {str(r.id) for r in db.session.scalars(
            db.select(ConsentRecord).join(Site).where(Site.site_key == SITE_KEY))}
    assert len(records) == len(stored) == 7
    assert {row["id"] for row in records} == stored
    progress = page.evaluate("window.__progress")
    assert progress and progress[-1]["rows"] == progress[-1]["total"] == 7
    assert page.locator("#export-status").inner_text() == "Saved: 7 rows."
    assert page.locator(".export-progress progress").get_attribute("value") == "1"


def test_the_json_lines_download_has_one_record_per_line(page, live_server, app, answered,
                                                        tmp_path):
    sign_in(page, live_server, "en")
    open_analytics(page, live_server, answered)
    with page.expect_download() as download:
        page.locator('a[href*="/exports/consents.jsonl"]').click()
    path = tmp_path / "consents.jsonl"
    download.value.save_as(path)
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 7
    assert sorted(line["action"] for line in lines).count("accept_all") == 4


@pytest.mark.parametrize("device", VIEWPORTS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_analytics_and_stores_list_read_in_either_language_and_pass_axe(page, live_server, app,
                                                                        answered, lang,
                                                                        device):
    sign_in_at(page, live_server, lang, device)
    sparks = page.locator(".spark svg")  # loaded after the list, one per store
    sparks.nth(1).wait_for(state="attached")
    assert page.locator(f'.spark[data-site="{answered}"] .spark__value').inner_text() \
        .startswith("58.3")
    screenshot(page, "stores-sparklines", lang, device)
    assert axe_violations(page) == ""

    open_analytics(page, live_server, answered)
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    page.locator("details.numbers summary").click()  # the daily table, opened
    screenshot(page, "analytics", lang, device)
    assert axe_violations(page) == ""
    page.goto(f"{live_server}/dashboard/sites/{answered}/analytics?from=2026-11-10&to=2026-11-01")
    assert page.locator("#to-error").is_visible()
    assert axe_violations(page) == ""
