"""What the snippet sends for the consent analytics (issue 9): the time from the banner
shown to the decision with each consent, and the visitor with each impression."""
import json

import pytest

from tests.browser.conftest import banner_button, wait_banner
from tests.browser.snippet_helpers import consent_posted, is_impression

pytestmark = pytest.mark.browser

SLACK = 2000  # real milliseconds the test itself takes, on a loaded machine


@pytest.fixture
def clocked_page(page, shop_site, store_page):
    """The store page open with its clock installed: performance.now() jumps ahead when
    the test says so (and runs on as usual)."""
    shop_site()
    page.clock.install()
    page.goto(store_page())
    return page


def reject_after(page, ms: int) -> int | None:
    """Lets ms pass on the page's clock, rejects all: the decision time posted with it."""
    page.clock.run_for(ms)
    with consent_posted(page) as posted:
        banner_button(page, "reject-all").click()
    return posted.value()["decision_ms"]


def test_decision_time_runs_from_the_banner_shown_to_the_decision(clocked_page):
    wait_banner(clocked_page)
    clocked_page.clock.run_for(4200)
    banner_button(clocked_page, "customize").click()
    assert 5500 <= reject_after(clocked_page, 1300) < 5500 + SLACK


def test_decision_time_is_null_when_the_banner_was_not_shown(page, shop_site, store_page):
    shop_site()
    page.goto(store_page())
    with consent_posted(page) as first:
        page.evaluate("ConsentBanner.acceptAll()")  # the banner was shown: measured
    assert isinstance(first.value()["decision_ms"], int)
    banner_button(page, "open").wait_for()  # the banner gave way to the re-open button
    with consent_posted(page) as second:
        page.evaluate("ConsentBanner.rejectAll()")  # a theme's own control, banner hidden
    assert second.value()["decision_ms"] is None


def test_reopened_preferences_time_the_next_decision_from_their_opening(clocked_page):
    banner_button(clocked_page, "accept-all").click()
    clocked_page.clock.run_for(60_000)  # a minute on the page with the banner out of the way
    banner_button(clocked_page, "open").click()
    assert 2000 <= reject_after(clocked_page, 2000) < 2000 + SLACK


def test_impression_names_the_visitor_who_then_decides(page, shop_site, store_page):
    shop_site()
    with page.expect_request(is_impression) as impression:
        page.goto(store_page())
    with consent_posted(page) as posted:
        banner_button(page, "accept-all").click()
    shown_to = json.loads(impression.value.post_data)["visitor_id"]
    assert shown_to == posted.value()["visitor_id"] == page.evaluate(
        "ConsentBanner.get().visitorId")
