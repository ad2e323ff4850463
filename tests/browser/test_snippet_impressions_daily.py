"""A banner display counts once per visitor, version and day of the site: the snippet posts
it again once the server's `until` (the start of the site's next day) has passed, never
before, and keeps nothing of a post that failed, so that the next display posts it again."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from banner.extensions import db
from banner.models import Impression, utcnow
from banner.services import impressions
from tests.browser.conftest import settled, wait_banner, wait_ready
from tests.browser.snippet_helpers import answered_impression, is_impression

pytestmark = pytest.mark.browser

SEEN = "JSON.parse(localStorage.getItem('consent_banner_seen'))"
RIYADH = ZoneInfo("Asia/Riyadh")


def days_counted(site) -> list:
    db.session.rollback()
    return db.session.scalars(db.select(Impression.day).filter_by(site_id=site.id)
                              .order_by(Impression.day)).all()


def seen_after(page, after_ms: int = 0) -> int:
    """Waits until the snippet has kept a server's answer whose `until` is past after_ms (it
    keeps it once it has read the body, after the response event); returns that `until`."""
    return page.wait_for_function(
        f"t => {{ const seen = {SEEN}; return seen && seen.until > t && seen.until; }}",
        arg=after_ms).json_value()


def test_a_display_on_the_sites_next_day_is_posted_and_counted_again(
        page, network, shop_site, store_page, monkeypatch):
    site = shop_site(time_zone="Asia/Riyadh")
    url = store_page()
    with page.expect_response(answered_impression):
        page.goto(url)
    until = seen_after(page)
    assert page.evaluate(SEEN) == {"key": "test-store1", "until": until}
    # The answer's `until` is the next midnight in Riyadh.
    midnight = datetime.fromtimestamp(until / 1000, RIYADH)
    assert midnight.time().isoformat() == "00:00:00"
    assert 0 < until - page.evaluate("Date.now()") <= 86_400_000

    # Shown again the same day (the visitor ignored it): nothing posted.
    page.reload()
    wait_ready(page)
    wait_banner(page)
    settled(page)
    assert network.posts("/impressions") == 1

    # The site's next day: the server a day on, and `until` passed for the page (moved back
    # in its storage rather than the page's clock forward).
    tomorrow = utcnow() + timedelta(days=1)
    monkeypatch.setattr(impressions, "utcnow", lambda: tomorrow)
    page.evaluate(f"localStorage.setItem('consent_banner_seen', "
                  f"JSON.stringify({{...{SEEN}, until: Date.now() - 1}}))")
    with page.expect_response(answered_impression):
        page.reload()
    assert seen_after(page, until) - until == 86_400_000  # Riyadh keeps no DST
    wait_banner(page)
    settled(page)
    assert network.posts("/impressions") == 2
    first, second = days_counted(site)
    assert second - first == timedelta(days=1)


def test_a_display_whose_post_failed_is_posted_at_the_next_one(page, network, backend,
                                                               shop_site, store_page):
    site = shop_site()
    url = store_page()
    backend.down("/impressions", method="POST")
    with page.expect_event("requestfailed", is_impression):
        page.goto(url)
    wait_banner(page)
    assert page.evaluate(SEEN) is None  # nothing kept of a display that was not counted
    assert days_counted(site) == []

    backend.up()
    with page.expect_response(answered_impression):
        page.reload()
    page.wait_for_function(f"() => !!{SEEN}")
    page.reload()
    wait_ready(page)
    wait_banner(page)
    settled(page)
    assert network.posts("/impressions") == 2  # the refused one and its retry, no more
    assert len(days_counted(site)) == 1
