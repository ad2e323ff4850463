"""Every worker serves a new version within BANNER_CACHE_SECONDS of its publication, even
one in another process whose caches publishing cannot clear."""
import time

import pytest

from banner.services.versions import publish
from tests.servers import app_process, request

CACHE_SECONDS = 1.0


@pytest.fixture
def other_worker(app, database_url):
    """Base URL of a second server in its own OS process, on the test database."""
    with app_process({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "test-secret",
                      "BANNER_CACHE_SECONDS": CACHE_SECONDS,
                      "RATELIMIT_ENABLED": False}) as base:
        yield base


def _served_version(url: str) -> int:
    status, body = request("GET", url)
    assert status == 200, body
    return body["version"]


def test_another_process_serves_a_new_version_within_the_cache_time(
        other_worker, make_site, document, ctx):
    site = make_site()
    url = f"{other_worker}/v1/sites/{site.site_key}/banner?lang=en"
    assert _served_version(url) == 1  # rendered and now cached over there

    document["texts"]["en"]["title"] = "Cookies, briefly"
    assert publish(site, document).number == 2
    published = time.monotonic()

    # The other process read version 1 before the publication, so its copy expires by
    # published + CACHE_SECONDS (CLOCK_MONOTONIC is one clock for every process). That
    # expiry is the behaviour under test, so this one wait is on the clock by design; past
    # it, one request must already get version 2 (no polling, no slack to race with).
    time.sleep(max(0.0, published + CACHE_SECONDS - time.monotonic()))
    assert _served_version(url) == 2
