from tests.helpers import consent, post_consent


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
