"""On a phone the dashboard's menu is one strip that scrolls sideways: the page the
merchant is on must be in view in it, not cut off at the edge."""
import pytest

from banner.extensions import db
from banner.models import Site
from tests.browser.dashboard import VIEWPORTS, demo_merchant, sign_in_at  # noqa: F401

pytestmark = pytest.mark.browser


def visible_share(page, selector: str) -> float:
    """How much of the element's width lies inside the menu's visible box (0 to 1)."""
    return page.evaluate("""selector => {
        const menu = document.querySelector('.sidebar').getBoundingClientRect();
        const item = document.querySelector(selector).getBoundingClientRect();
        const shown = Math.min(item.right, menu.right) - Math.max(item.left, menu.left);
        return Math.max(0, shown) / item.width;
    }""", selector)


@pytest.mark.parametrize("lang", ["ar", "en"])
@pytest.mark.parametrize("entry", ["site_analytics", "site_settings"])
def test_the_current_page_is_in_view_in_the_phone_menu(page, live_server, app, demo_merchant,
                                                        lang, entry):
    with app.app_context():
        site_id = db.session.scalar(db.select(Site.id).filter_by(site_key="demo-electronics"))
    sign_in_at(page, live_server, lang, "phone")
    with app.test_request_context():
        from flask import url_for
        path = url_for(f"dashboard.{entry}", site_id=site_id)
    page.goto(live_server + path)
    current = '.sidebar [aria-current="page"]'
    assert page.locator(current).get_attribute("href") == path
    # The strip is wider than the phone: without scrolling it, this entry is cut off.
    assert page.evaluate("document.querySelector('.sidebar').scrollWidth") > VIEWPORTS[
        "phone"]["width"]
    assert visible_share(page, current) > 0.99  # whole, but for a fraction of a pixel


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_top_bar_is_one_line_on_a_phone(page, live_server, demo_merchant, lang):
    sign_in_at(page, live_server, lang, "phone")
    bar = page.locator(".topbar").bounding_box()
    buttons = [page.locator(".topbar__tools .button").nth(n).bounding_box() for n in (0, 1)]
    assert bar["height"] < 80  # one line is about 60 px; two lines made it 110
    assert abs(buttons[0]["y"] - buttons[1]["y"]) < 1  # side by side, not stacked
