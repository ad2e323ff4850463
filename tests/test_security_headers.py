"""Security headers on every response; no caching unless the response chose it."""
import pytest


@pytest.mark.parametrize("path", ["/v1/sites/test-store/banner", "/static/snippet.js",
                                  "/v1/openapi.json", "/healthz", "/v1/nothing-here",
                                  "/demo/demo-electronics", "/v1/admin/sites"])
def test_every_response_says_nosniff_and_limits_the_referrer(client, site, path):
    response = client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.parametrize("path", ["/v1/openapi.json", "/healthz", "/v1/nothing-here",
                                  "/v1/admin/sites", "/v1/sites/test-store/consents/x"])
def test_responses_that_did_not_choose_caching_are_not_stored(client, site, path):
    assert client.get(path).headers["Cache-Control"] == "no-store"


def test_the_cacheable_responses_keep_their_caching(client, site):
    banner = client.get("/v1/sites/test-store/banner").headers["Cache-Control"]
    snippet = client.get("/static/snippet.js").headers["Cache-Control"]
    assert banner.startswith("public") and "public" in snippet


def test_html_error_pages_get_a_strict_policy_and_no_framing(client):
    response = client.get("/nothing-here", headers={"Accept": "text/html"})
    assert response.status_code == 404 and response.mimetype == "text/html"
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self';" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"


def test_demo_store_pages_allow_a_stores_inline_tags_but_no_other_origin(client, app, ctx):
    from banner.services.demo import seed_demo
    seed_demo()
    policy = client.get("/demo/demo-electronics").headers["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in policy and "frame-ancestors 'none'" in policy
    assert "http" not in policy  # nothing from another origin
