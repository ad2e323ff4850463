"""The analytics promise end to end, as on the demo: shoppers click through the demo store
in their own browsers, and the merchant sees the rates move on the dashboard and downloads
what was recorded."""
import csv
import io

import pytest

from banner.extensions import db
from banner.models import Site
from tests.browser.conftest import banner_button, wait_banner
from tests.browser.dashboard import demo_merchant, sign_in  # noqa: F401

pytestmark = pytest.mark.browser
SITE_KEY = "demo-electronics"


def shopper_decides(new_context, live_server: str, action: str) -> None:
    """A new shopper's browser opens the demo store, is shown the banner and answers it;
    returns once both the display and the decision were answered by the server."""
    page = new_context().new_page()
    with page.expect_response(lambda r: r.url.endswith("/impressions")) as shown:
        page.goto(f"{live_server}/demo/{SITE_KEY}")
        wait_banner(page)
    assert shown.value.ok
    with page.expect_response(lambda r: r.url.endswith("/consents")) as recorded:
        banner_button(page, action).click()
    assert recorded.value.status == 201


def figure(page, metric: str) -> str:
    return page.locator(f'[data-metric="{metric}"] .figure__value').inner_text()


def test_shoppers_answering_the_demo_store_move_the_merchants_rates(page, new_context, app,
                                                                     live_server, demo_merchant,
                                                                     tmp_path):
    with app.app_context():
        site_id = db.session.scalar(db.select(Site.id).filter_by(site_key=SITE_KEY))
    analytics = f"{live_server}/dashboard/sites/{site_id}/analytics"
    sign_in(page, live_server, "en")
    page.goto(analytics)
    assert figure(page, "decisions") == "0"

    for action in ("accept-all", "accept-all", "reject-all"):
        shopper_decides(new_context, live_server, action)
    page.goto(analytics)
    assert figure(page, "displays") == "3"
    assert figure(page, "decisions") == "3"
    assert figure(page, "interaction_rate") == "100.0%"
    assert figure(page, "accept_all_share") == "66.7%"

    with page.expect_download() as download:
        page.locator('a[href*="/exports/consents.csv"]').click()
    path = tmp_path / "consents.csv"
    download.value.save_as(path)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert sorted(row["action"] for row in rows) == ["accept_all", "accept_all", "reject_all"]
