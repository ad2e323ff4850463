"""Rate limits of public writes: per client network (an IPv6 /64 is one client), per site
for all clients together, and shared by every worker through Redis."""
import uuid

import pytest

from tests.helpers import consent, post_consent
from tests.servers import app_process, request

REDIS_URL = "redis://127.0.0.1:6379/0"


def test_public_writes_are_rate_limited_per_client(make_app, site, row_counts):
    limited = make_app(RATELIMIT_ENABLED=True, RATELIMIT_PUBLIC="3 per minute")
    client = limited.test_client()
    statuses = [post_consent(client, "test-store", consent()).status_code for _ in range(3)]
    assert statuses == [201, 201, 201]
    before = row_counts()
    refused = post_consent(client, "test-store", consent())
    assert refused.status_code == 429
    assert set(refused.json) == {"code", "name", "description", "errors"}
    assert "Retry-After" in refused.headers
    assert row_counts() == before
    # Reads are cacheable and never limited, even for a client past its write limit.
    assert client.get("/v1/sites/test-store/banner").status_code == 200
    other_client = post_consent(client, "test-store", consent(),
                                remote_addr="10.0.0.9")
    assert other_client.status_code == 201


def test_addresses_of_one_ipv6_64_share_a_limit(make_app, site, row_counts):
    limited = make_app(RATELIMIT_ENABLED=True, RATELIMIT_PUBLIC="2 per minute")
    client = limited.test_client()
    for address in ("2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff"):
        assert post_consent(client, "test-store", consent(), remote_addr=address) \
            .status_code == 201
    before = row_counts()
    assert post_consent(client, "test-store", consent(), remote_addr="2001:db8:1:2::99") \
        .status_code == 429
    assert row_counts() == before
    assert post_consent(client, "test-store", consent(), remote_addr="2001:db8:1:3::1") \
        .status_code == 201


def test_one_site_has_a_ceiling_for_all_clients_together(make_app, make_site, row_counts):
    make_site(site_key="flooded")
    make_site(site_key="quiet")
    limited = make_app(RATELIMIT_ENABLED=True, RATELIMIT_SITE="3 per minute")
    client = limited.test_client()
    for n in range(3):
        assert post_consent(client, "flooded", consent(), remote_addr=f"198.51.100.{n}") \
            .status_code == 201
    before = row_counts()
    assert post_consent(client, "flooded", consent(), remote_addr="198.51.100.77") \
        .status_code == 429
    assert row_counts() == before
    assert post_consent(client, "quiet", consent(), remote_addr="198.51.100.77") \
        .status_code == 201


@pytest.mark.parametrize("storage, shared", [(REDIS_URL, True), ("memory://", False)])
def test_limits_hold_across_worker_processes_with_redis(app, database_url, site, storage,
                                                        shared):
    config = {"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "test-secret",
              "RATELIMIT_ENABLED": True, "RATELIMIT_PUBLIC": "4 per minute",
              "RATELIMIT_STORAGE_URI": storage,
              "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}"}  # a fresh count per run
    with app_process(config) as first, app_process(config) as second:
        statuses = [request("POST", f"{base}/v1/sites/test-store/consents", consent())[0]
                    for base in (first, second, first, second, first)]
    # With Redis the two workers count together; in memory each counts alone (the
    # contrast shows the test would catch per-worker limits).
    assert statuses == ([201] * 4 + [429] if shared else [201] * 5)
