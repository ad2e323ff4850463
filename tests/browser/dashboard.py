"""Helpers of the dashboard's browser tests: signing in, the language, screenshots of
every page at phone and desktop width, and axe scans."""
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from banner.services.demo import DEMO_EMAIL, DEMO_PASSWORD, seed_demo

OUTPUT = Path(__file__).resolve().parent.parent / "output"
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
LANGUAGES = ("ar", "en")


@pytest.fixture
def demo_merchant(app):
    """The demo merchant and its two stores, as `make demo` seeds them."""
    with app.app_context():
        seed_demo()
    return DEMO_EMAIL, DEMO_PASSWORD


def use_language(page, lang: str) -> None:
    """Switch the dashboard to lang with its own toggle, if it shows the other one."""
    if page.locator("html").get_attribute("lang") != lang:
        with page.expect_navigation():
            page.locator('form[action$="/dashboard/language"] button').click()
    assert page.locator("html").get_attribute("lang") == lang


def sign_in(page, live_server: str, lang: str = "en", email: str = DEMO_EMAIL,
            password: str = DEMO_PASSWORD) -> None:
    """Sign in through the login page, in lang; lands on the stores list."""
    page.goto(f"{live_server}/dashboard/login")
    use_language(page, lang)
    page.locator('input[name="email"]').fill(email)
    page.locator('input[name="password"]').fill(password)
    with page.expect_navigation():
        page.locator('form button[type="submit"]').last.click()
    assert page.url.endswith("/dashboard/sites"), page.url
    use_language(page, lang)  # the account's remembered language wins after sign-in


def sign_in_at(page, live_server: str, lang: str, device: str) -> None:
    """sign_in on a page as wide as device (a key of VIEWPORTS): the tests that read each
    page in every language at phone and desktop width start so."""
    page.set_viewport_size(VIEWPORTS[device])
    sign_in(page, live_server, lang)


def screenshot(page, name: str, lang: str, device: str) -> Path:
    """A full-page screenshot in the tests' output folder, to look at."""
    OUTPUT.mkdir(exist_ok=True)
    path = OUTPUT / f"dashboard-{name}-{lang}-{device}.png"
    # From the top: a page scrolled by the test would show its sticky header mid-page.
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    return path


def axe_violations(page) -> str:
    """axe's report of the page's violations; empty when there are none."""
    results = Axe().run(page)
    return "" if results.violations_count == 0 else results.generate_report()
