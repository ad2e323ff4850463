"""The API reference page (/docs/api): HTML that renders /v1/openapi.json with the ReDoc
bundle served from here, long-cached, and nothing loaded from elsewhere."""
import re

from banner.api.docs import REDOC_VERSION

BUNDLE = f"/docs/vendor/redoc/{REDOC_VERSION}/redoc.standalone.js"


def test_page_renders_the_openapi_document_with_the_local_bundle(client):
    response = client.get("/docs/api")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert 'spec-url="/v1/openapi.json"' in html
    assert f'<script src="{BUNDLE}"></script>' in html
    # No external resource: every src and href is on this origin (or inline data).
    for url in re.findall(r'(?:src|href)="([^"]*)"', html):
        assert url.startswith("/") and not url.startswith("//") or url.startswith("data:"), url


def test_page_keeps_no_session_and_allows_only_this_origin(client):
    response = client.get("/docs/api")
    assert "Set-Cookie" not in response.headers
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy
    assert "https:" not in policy and "*" not in policy


def test_bundle_is_served_as_javascript_and_cached_for_good(client):
    response = client.get(BUNDLE, buffered=True)
    assert response.status_code == 200
    assert response.mimetype in ("text/javascript", "application/javascript")
    assert response.cache_control.public and response.cache_control.immutable
    assert response.cache_control.max_age >= 365 * 86400
    assert b"Redoc" in response.data[:1000]


def test_bundle_ships_with_its_licences(client):
    folder = f"/docs/vendor/redoc/{REDOC_VERSION}"
    licence = client.get(f"{folder}/LICENSE", buffered=True).get_data(as_text=True)
    assert "MIT License" in licence and "Rebilly" in licence
    bundled = client.get(f"{folder}/redoc.standalone.js.LICENSE.txt", buffered=True)
    assert f'Version: "{REDOC_VERSION}"' in bundled.get_data(as_text=True)


def test_another_version_of_the_bundle_is_not_found(client):
    assert client.get("/docs/vendor/redoc/0.0.1/redoc.standalone.js").status_code == 404
    assert client.get(f"/docs/vendor/redoc/{REDOC_VERSION}/../../../vendors.py").status_code == 404
