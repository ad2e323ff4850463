"""A shopper decides while the database is down: the choice applies at once, waits in
the snippet's queue while the API answers 503, and is stored exactly once when the
database returns. The API is gunicorn with the production config on a PostgreSQL
database of this module's own, behind a TCP proxy the test cuts."""
import pytest

from tests.browser.conftest import (QUEUE, banner_button, gated_inline, marker, wait_banner,
                                    wait_ran)
from tests.processes import fresh_database, gunicorn, proxy_to_postgres, scalar
from tests.traffic import request

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def database():
    with fresh_database("banner_outage_browser") as url:
        yield url


@pytest.fixture(scope="module")
def proxy():
    with proxy_to_postgres() as proxy:
        yield proxy


@pytest.fixture(scope="module")
def live_server(database, proxy, tmp_path_factory):
    """This module's API (the browser fixtures route the page's API requests to it)."""
    log = tmp_path_factory.mktemp("outage") / "gunicorn.log"
    with gunicorn(proxy.url(database), log, workers=1, threads=8,
                  env={"BANNER_CACHE_SECONDS": "0.5"}) as server:
        yield server.base


def health(live_server: str) -> int:
    return request(int(live_server.rsplit(":", 1)[1]), "GET", "/healthz").status


def actions(database: str) -> list[str]:
    """The actions of the stored consent records."""
    return (scalar(database, "SELECT string_agg(action, ',') FROM consent_record") or "").split(",")


def test_a_choice_made_during_an_outage_applies_at_once_and_is_stored_once_after(
        page, proxy, database, live_server, store_page):
    answers = []
    page.on("response", lambda r: answers.append(r.status) if r.url.endswith("/consents")
            else None)
    url = store_page(gated_inline("analytics", marker("analytics-tag")))
    page.goto(url)
    wait_banner(page)

    proxy.cut()  # every connection dropped before it returns: the next query fails
    assert health(live_server) == 503
    with page.expect_response(lambda r: r.url.endswith("/consents")) as answer:
        banner_button(page, "accept-all").click()
    assert answer.value.status == 503
    assert answer.value.headers["retry-after"]
    wait_ran(page, "analytics-tag")  # applied at once, recorded or not
    assert page.evaluate("ConsentBanner.get().categories.analytics") is True
    assert [item["action"] for item in page.evaluate(QUEUE)] == ["accept_all"]
    assert scalar(database, "SELECT count(*) FROM consent_record") == 0

    proxy.restore()
    # The failed queries invalidated the pool: the next check-out connects anew.
    assert health(live_server) == 200
    # The snippet's own retry (backing off from 2 s) delivers it; nothing is re-clicked. It
    # leaves the outbox on the backend's answer, so the row is committed by then.
    page.wait_for_function(f"() => {QUEUE}.length === 0", timeout=40_000)
    assert scalar(database, "SELECT count(*) FROM consent_record") == 1
    page.reload()
    wait_ran(page, "analytics-tag")  # the stored choice applies on the next page
    assert page.evaluate(QUEUE) == []
    # Every attempt before the last was refused with 503, the last one stored it: once.
    assert answers[-1] == 201 and set(answers[:-1]) == {503}
    assert actions(database) == ["accept_all"]
