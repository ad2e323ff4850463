"""The production gunicorn config (banner/gunicorn_conf.py): gthread workers, bounded
timeouts, no forwarded header believed unless proxies are declared, and logs that never
name a client's address."""
import http.client
import json
import logging
import os
import socket
import subprocess

import pytest

from banner import ROOT
from tests.processes import BIN, fresh_database, gunicorn, scalar
from tests.traffic import ORIGIN, SITE_KEY, consent_body

CLIENT = "127.0.0.2"  # loopback too, but not the address gunicorn itself listens on


def resolved(**env) -> dict:
    """The settings gunicorn resolves from the config file, by name."""
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("FORWARDED_ALLOW_IPS", "TRUSTED_PROXY_COUNT",
                                  "GUNICORN_CMD_ARGS", "WEB_CONCURRENCY")}
    out = subprocess.run(
        [str(BIN / "gunicorn"), "--print-config", "-c", "python:banner.gunicorn_conf",
         "wsgi:app"], cwd=ROOT, capture_output=True, text=True, check=True,
        env={**environment, "SECRET_KEY": "test-secret", **env}).stdout
    return {name.strip(): value.strip() for name, _, value in
            (line.partition("=") for line in out.splitlines()) if value}


def test_workers_are_threaded_with_bounded_timeouts():
    settings = resolved()
    assert settings["worker_class"] == "gthread" and int(settings["threads"]) >= 4
    assert int(settings["workers"]) >= 2
    assert 0 < int(settings["graceful_timeout"]) < 30 and 0 < int(settings["timeout"]) <= 60
    assert settings["control_socket_disable"] == "True"


@pytest.mark.parametrize("env, trusted", [
    ({}, "[]"),  # not even loopback, gunicorn's own default
    ({"TRUSTED_PROXY_COUNT": "0"}, "[]"),
    ({"TRUSTED_PROXY_COUNT": "1"}, "['*']"),
    ({"TRUSTED_PROXY_COUNT": "1", "FORWARDED_ALLOW_IPS": "10.0.0.0/8"}, "['10.0.0.0/8']"),
])
def test_forwarded_headers_are_believed_only_from_declared_proxies(env, trusted):
    assert resolved(**env)["forwarded_allow_ips"] == trusted


def test_the_address_filter_truncates_addresses_and_nothing_else():
    from banner.gunicorn_conf import HideClientAddresses
    record = logging.LogRecord("flask-limiter", logging.INFO, __file__, 1,
                               "ratelimit %s (%s) exceeded at %s, v1.2, 12:30:01 from %s",
                               ("2 per 1 minute", "203.0.113.77", "consents",
                                "2001:db8:1234:5678::9"), None)
    HideClientAddresses().filter(record)
    assert record.getMessage() == ("ratelimit 2 per 1 minute (203.0.113.0) exceeded at "
                                   "consents, v1.2, 12:30:01 from 2001:db8:1234::")


@pytest.fixture(scope="module")
def database():
    with fresh_database("banner_logs") as url:
        yield url


def send(port: int, raw: bytes) -> bytes:
    """Raw bytes from CLIENT to the server; what it answered."""
    with socket.create_connection(("127.0.0.1", port), source_address=(CLIENT, 0)) as sock:
        sock.sendall(raw)
        sock.shutdown(socket.SHUT_WR)
        return b"".join(iter(lambda: sock.recv(65536), b""))


def request(port: int, method: str, path: str, body: str | None = None, **headers) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, source_address=(CLIENT, 0))
    try:
        conn.request(method, path, body, headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def test_no_log_line_names_a_client_address(database, tmp_path):
    access = tmp_path / "access.log"
    with gunicorn(database, tmp_path / "error.log", workers=1,
                  env={"RATELIMIT_ENABLED": "1", "RATELIMIT_PUBLIC": "2 per minute"},
                  args=("--access-logfile", str(access))) as server:
        assert send(server.port, b"NOT A REQUEST\r\n\r\n").startswith(b"HTTP/1.1 400")
        assert request(server.port, "GET", f"/v1/sites/{SITE_KEY}/banner?lang=ar") == 200
        assert request(server.port, "GET", "/no/such/page?email=a@b.example") == 404
        body = json.dumps(consent_body())
        statuses = [request(server.port, "POST", f"/v1/sites/{SITE_KEY}/consents", body,
                            Origin=ORIGIN, **{"Content-Type": "text/plain",
                                              "X-Forwarded-For": "198.51.100.23"})
                    for _ in range(3)]
        assert statuses == [201, 200, 429]
    logs = access.read_text() + server.log_text()
    assert "Invalid request from ip=127.0.0.0" in logs  # the malformed request, rewritten
    assert "127.0.0.0 " in access.read_text()  # the access log keeps the network only
    assert CLIENT not in logs and "198.51.100" not in logs
    assert "email=" not in logs  # no query strings either
    # X-Forwarded-For came from no declared proxy: the record keeps the peer's network.
    assert scalar(database, "SELECT ip FROM consent_record") == "127.0.0.0"
