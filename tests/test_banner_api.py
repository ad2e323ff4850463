import time

import pytest

from banner.services.versions import publish
from banner.vendors import catalogue_vendor


def test_arabic_banner_is_localised_and_right_to_left(client, site):
    response = client.get("/v1/sites/test-store/banner?lang=ar")
    assert response.status_code == 200
    body = response.json
    assert (body["version"], body["language"], body["dir"]) == (1, "ar", "rtl")
    assert body["texts"]["accept_all"] == "قبول الكل"
    assert [c["key"] for c in body["categories"]] == [
        "necessary", "functional", "analytics", "advertising"]
    assert [c["required"] for c in body["categories"]] == [True, False, False, False]
    assert body["categories"][0]["label"] == "ضرورية"
    assert response.headers["Content-Language"] == "ar"


def test_english_banner_is_left_to_right(client, site):
    body = client.get("/v1/sites/test-store/banner?lang=en").json
    assert (body["language"], body["dir"], body["texts"]["reject_all"]) == ("en", "ltr", "Reject all")


@pytest.mark.parametrize("requested, default, expected", [
    ("en-GB", "ar", "en"),   # base language of a regional tag
    ("fr", "ar", "ar"),      # not offered: the site default
    (None, "en", "en"),      # nothing asked: the site default
])
def test_language_falls_back_to_site_default(client, make_site, requested, default, expected):
    make_site(site_key="fallback", default_language=default)
    query = f"?lang={requested}" if requested else ""
    assert client.get(f"/v1/sites/fallback/banner{query}").json["language"] == expected


def test_language_falls_back_to_english_when_default_is_not_offered(client, make_site, document):
    document.update(languages=["fr", "en"], default_language="fr")
    document["texts"]["fr"] = {**document["texts"]["en"], "title": "Vos cookies"}
    del document["texts"]["ar"]
    make_site(site_key="intl", default_language="ar", document=document)
    assert client.get("/v1/sites/intl/banner?lang=de").json["language"] == "en"


def test_the_legal_age_message_comes_in_the_banners_language(client, make_site, document):
    document.update(languages=["ar", "en", "fr"])
    document["texts"]["fr"] = {**document["texts"]["en"], "title": "Vos cookies"}
    make_site(site_key="ages", document=document)
    texts = {lang: client.get(f"/v1/sites/ages/banner?lang={lang}").json["texts"]["age_required"]
             for lang in ("ar", "en", "fr")}
    assert "السن القانونية" in texts["ar"] and "legal age" in texts["en"]
    assert texts["fr"] == texts["en"]  # no French message of our own yet: English


def test_banner_is_cacheable_and_answers_304_to_its_etag(client, site):
    first = client.get("/v1/sites/test-store/banner?lang=ar")
    cache = first.headers["Cache-Control"]
    assert "public" in cache and "max-age=300" in cache and "stale-while-revalidate" in cache
    assert "Set-Cookie" not in first.headers
    etag = first.headers["ETag"]
    again = client.get("/v1/sites/test-store/banner?lang=ar", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    other = client.get("/v1/sites/test-store/banner?lang=en", headers={"If-None-Match": etag})
    assert other.status_code == 200


def test_banner_is_the_same_for_every_visitor(client, site):
    one = client.get("/v1/sites/test-store/banner?lang=ar", headers={
        "User-Agent": "Mozilla/5.0 (iPhone)", "Cookie": "a=b"}, environ_base={"REMOTE_ADDR": "1.2.3.4"})
    two = client.get("/v1/sites/test-store/banner?lang=ar", environ_base={"REMOTE_ADDR": "5.6.7.8"})
    assert one.data == two.data and one.headers["ETag"] == two.headers["ETag"]


def test_publishing_changes_the_banner_and_reports_the_material_version(client, site, document):
    client.get("/v1/sites/test-store/banner?lang=en")  # warm the cache
    document["texts"]["en"]["title"] = "Cookies, briefly"
    publish(site, document)
    body = client.get("/v1/sites/test-store/banner?lang=en").json
    assert (body["version"], body["material_version"]) == (2, 1)
    document["vendors"] = [catalogue_vendor("meta")]
    publish(site, document)
    body = client.get("/v1/sites/test-store/banner?lang=en").json
    assert (body["version"], body["material_version"]) == (3, 3)
    assert body["vendors"][0]["hosts"] == ["connect.facebook.net", "www.facebook.com"]


def test_cors_allows_only_the_sites_origins(client, site):
    allowed = client.get("/v1/sites/test-store/banner", headers={"Origin": "https://store.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://store.example"
    assert "Origin" in allowed.headers["Vary"]
    other = client.get("/v1/sites/test-store/banner", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


@pytest.mark.parametrize("path", ["/v1/sites/test-store/banner?lang=ar",
                                  "/v1/sites/test-store/consents/not-a-uuid",
                                  "/v1/sites/no-such-store/banner"])
def test_every_api_response_varies_on_origin_once(client, site, path):
    for headers in ({}, {"Origin": "https://store.example"}):
        assert client.get(path, headers=headers).headers.getlist("Vary") == ["Origin"]
    etag = client.get(path).headers.get("ETag")
    if etag:
        not_modified = client.get(path, headers={"If-None-Match": etag})
        assert not_modified.status_code == 304
        assert not_modified.headers.getlist("Vary") == ["Origin"]


def test_cors_preflight_for_json_posts(client, site):
    response = client.options("/v1/sites/test-store/consents", headers={
        "Origin": "https://store.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert response.status_code == 200
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in response.headers["Access-Control-Allow-Headers"]


def test_unknown_site_is_404_in_the_error_shape(client, site):
    response = client.get("/v1/sites/no-such-store/banner")
    assert response.status_code == 404
    assert set(response.json) == {"code", "name", "description", "errors"}
    assert response.json["code"] == 404


def test_malformed_language_is_refused(client, site):
    response = client.get("/v1/sites/test-store/banner?lang=<script>")
    assert response.status_code == 422
    assert "lang" in response.json["errors"]


def test_snippet_is_served_long_cacheable_to_any_origin(client):
    response = client.get("/static/snippet.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "max-age=3600" in response.headers["Cache-Control"]
    response.close()


def test_query_strings_naming_the_same_language_share_one_rendering(client, site):
    responses = [client.get(f"/v1/sites/test-store/banner?{query}")
                 for query in ("lang=ar", "lang=AR", "lang=ar-SA", "lang=ar&utm=x", "lang=ar")]
    assert {(r.status_code, r.headers["ETag"], r.data) for r in responses} == {
        (200, responses[0].headers["ETag"], responses[0].data)}
    assert responses[0].json["language"] == "ar"


def test_a_refused_query_stays_refused(client, site):
    for _ in range(2):
        response = client.get("/v1/sites/test-store/banner?lang=%3Cscript%3E")
        assert response.status_code == 422 and response.json["errors"] == {
            "lang": ["Not a language tag."]}


def test_a_worker_asks_the_database_again_once_its_rendering_expires(
        app, client, site, document, monkeypatch):
    """Another worker publishes (this one's caches are not cleared): the change shows
    once BANNER_CACHE_SECONDS have passed since the rendering, whichever query string
    asked for it, and not later."""
    start, seconds = time.monotonic(), app.config["BANNER_CACHE_SECONDS"]
    before = client.get("/v1/sites/test-store/banner?lang=EN").json["texts"]["title"]
    monkeypatch.setattr(time, "monotonic", lambda: start + seconds / 2)
    url = "/v1/sites/test-store/banner?lang=en"  # first asked now, rendered at the start
    assert client.get(url).json["texts"]["title"] == before
    monkeypatch.setattr("banner.services.versions.clear_caches", lambda: None)
    document["texts"]["en"]["title"] = "Cookies, briefly"
    publish(site, document)
    monkeypatch.setattr(time, "monotonic", lambda: start + seconds - 0.5)
    assert client.get(url).json["texts"]["title"] == before
    monkeypatch.setattr(time, "monotonic", lambda: start + seconds + 0.5)
    assert client.get(url).json["texts"]["title"] == "Cookies, briefly"
