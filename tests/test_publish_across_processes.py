"""Every worker serves a new version within BANNER_CACHE_SECONDS of its publication, even
one in another process whose caches publishing cannot clear."""
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from banner.services.versions import publish

CACHE_SECONDS = 1.0
SLACK = 0.5  # a poll interval, a request and a scheduler hiccup
START_TIMEOUT = 30.0

SERVER = """
import sys
from werkzeug.serving import make_server
from banner import create_app

app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "SECRET_KEY": "test-secret",
                  "BANNER_CACHE_SECONDS": float(sys.argv[2]), "RATELIMIT_ENABLED": False})
server = make_server("127.0.0.1", 0, app, threaded=True)
print(server.server_port, flush=True)
server.serve_forever()
"""


def _first_line(process, timeout: float) -> str:
    """The process's first line of output, waiting at most timeout seconds."""
    lines = []
    reader = threading.Thread(target=lambda: lines.append(process.stdout.readline()),
                              daemon=True)
    reader.start()
    reader.join(timeout)
    if not lines or not lines[0].strip():
        raise AssertionError(f"The other server did not start: {process.poll()=}")
    return lines[0].strip()


@pytest.fixture
def other_worker(app, database_url):
    """Base URL of a second server in its own OS process, on the test database."""
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER, database_url, str(CACHE_SECONDS)],
        cwd=Path(__file__).resolve().parent.parent, env=os.environ.copy(),
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        yield f"http://127.0.0.1:{int(_first_line(process, START_TIMEOUT))}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        process.stdout.close()


def _served_version(url: str) -> int:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)["version"]


def test_another_process_serves_a_new_version_within_the_cache_time(
        other_worker, make_site, document, ctx):
    site = make_site()
    url = f"{other_worker}/v1/sites/{site.site_key}/banner?lang=en"
    assert _served_version(url) == 1  # rendered and now cached over there

    document["texts"]["en"]["title"] = "Cookies, briefly"
    assert publish(site, document).number == 2
    published = time.monotonic()

    deadline = published + CACHE_SECONDS + 10  # bounds the wait; the assertion is below
    while _served_version(url) != 2:
        assert time.monotonic() < deadline, "the other process never served version 2"
        time.sleep(0.02)
    assert time.monotonic() - published <= CACHE_SECONDS + SLACK
