"""The per-site install script, GET /v1/sites/{site_key}/snippet.js: the served snippet
with the site's published banner for each of its languages in place, one request for a
first visit, cached like the banner and changed by publishing."""
import gzip
import json

import pytest

from banner.services.sites import create_site
from banner.services.versions import publish
from banner.snippet import MAP_URL

SCRIPT = "/v1/sites/test-store/snippet.js"
FIRST_VISIT_BUDGET = 12 * 1024  # bytes, gzip: the snippet and the banners of every language


def _slot(static: bytes, script: bytes) -> dict:
    """The object the script carries where the static snippet has {} (the last argument
    of the wrapper's call): the two must differ in nothing else."""
    at = static.rindex(b",{}")
    before, after = static[:at + 1], static[at + 3:]
    assert script.startswith(before) and script.endswith(after)
    return json.loads(script[len(before):len(script) - len(after)])


def test_script_carries_the_published_banner_of_each_language(client, site):
    response = client.get(SCRIPT)
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    banners = _slot(client.get("/static/snippet.js").data, response.data)
    assert list(banners) == ["ar", "en"]
    for lang in ("ar", "en"):
        assert banners[lang] == client.get(f"/v1/sites/test-store/banner?lang={lang}").json
    assert banners["ar"]["texts"]["accept_all"] == "قبول الكل"


@pytest.mark.parametrize("default, order", [("ar", ["ar", "en"]), ("en", ["en", "ar"])])
def test_the_banner_answered_without_a_language_comes_first(client, make_site, default, order):
    make_site(site_key="ordered", default_language=default)
    script = client.get("/v1/sites/ordered/snippet.js").data
    banners = _slot(client.get("/static/snippet.js").data, script)
    assert list(banners) == order
    assert next(iter(banners.values())) == client.get("/v1/sites/ordered/banner").json


def test_script_is_the_served_snippet_with_its_map(client, site):
    response = client.get(SCRIPT)
    static = client.get("/static/snippet.js")
    # Everything but the last line (where the data go) is the snippet as built, so the
    # snippet's source map applies to the script unchanged.
    assert response.data.split(b"\n")[:-2] == static.data.split(b"\n")[:-2]
    assert response.headers.get("SourceMap") == static.headers.get("SourceMap") == MAP_URL


def test_publishing_changes_the_script_and_its_etag(client, site, document):
    first = client.get(SCRIPT)
    document["texts"]["en"]["title"] = "Cookies, briefly"
    publish(site, document)
    second = client.get(SCRIPT)
    assert second.headers["ETag"] != first.headers["ETag"]
    banners = _slot(client.get("/static/snippet.js").data, second.data)
    assert (banners["en"]["texts"]["title"], banners["en"]["version"]) == ("Cookies, briefly", 2)
    assert banners["ar"]["version"] == 2


def test_script_answers_304_to_its_etag(client, site):
    etag = client.get(SCRIPT).headers["ETag"]
    again = client.get(SCRIPT, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag and "public" in again.headers["Cache-Control"]
    assert again.headers["Access-Control-Allow-Origin"] == "*"
    assert client.get(SCRIPT, headers={"If-None-Match": '"other"'}).status_code == 200


def test_script_is_publicly_cacheable_for_a_short_time_and_sets_no_cookie(client, site, app):
    response = client.get(SCRIPT, headers={"Cookie": "session=abc"})
    cache = response.cache_control
    assert cache.public and cache.max_age == app.config["BANNER_MAX_AGE"] <= 600
    assert "stale-while-revalidate" in response.headers["Cache-Control"]
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")


def test_script_is_the_same_for_every_visitor_and_loads_from_any_origin(client, site):
    one = client.get(SCRIPT, headers={"Origin": "https://store.example", "Cookie": "a=b",
                                      "User-Agent": "Mozilla/5.0 (iPhone)"},
                     environ_base={"REMOTE_ADDR": "1.2.3.4"})
    two = client.get(SCRIPT, headers={"Origin": "https://evil.example"},
                     environ_base={"REMOTE_ADDR": "5.6.7.8"})
    assert one.data == two.data and one.headers["ETag"] == two.headers["ETag"]
    # The same headers as /static/snippet.js: a script any page may load; no Vary on Origin.
    for response in (one, two):
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "Vary" not in response.headers


def test_unknown_site_is_a_json_404_and_writes_nothing(client, site, row_counts):
    before = row_counts()
    response = client.get("/v1/sites/no-such-store/snippet.js")
    assert response.status_code == 404 and response.mimetype == "application/json"
    assert set(response.json) == {"code", "name", "description", "errors"}
    assert response.json["code"] == 404
    assert response.headers["Cache-Control"] == "no-store"
    assert row_counts() == before


def test_site_without_a_published_banner_gets_the_snippet_with_nothing_preloaded(
        client, make_merchant):
    merchant = make_merchant()
    create_site(merchant.id, "New store", ["https://new.example"], site_key="new-store")
    response = client.get("/v1/sites/new-store/snippet.js")
    assert response.status_code == 200
    assert response.data == client.get("/static/snippet.js").data
    assert response.cache_control.public and response.cache_control.max_age <= 600


def test_first_visit_fits_the_budget(client, site):
    size = len(gzip.compress(client.get(SCRIPT).data, compresslevel=9))
    assert size <= FIRST_VISIT_BUDGET, f"{size} B gzip -9 for the snippet and both banners"


@pytest.fixture
def country_header(app):
    app.config["COUNTRY_HEADER"] = "CF-IPCountry"
    yield "CF-IPCountry"
    app.config["COUNTRY_HEADER"] = None


def test_with_region_rules_the_script_varies_on_the_country_like_the_banner(
        client, make_site, document, country_header):
    document["behaviour"].update(default_mode="opt_in", region_rules=[
        {"countries": ["SA"], "mode": "opt_out"}])
    make_site(site_key="regions", document=document)
    path = "/v1/sites/regions/snippet.js"
    static = client.get("/static/snippet.js").data
    saudi = client.get(path, headers={country_header: "SA"})
    other = client.get(path, headers={country_header: "FR"})
    banner_vary = client.get("/v1/sites/regions/banner?lang=en",
                             headers={country_header: "SA"}).headers["Vary"]
    assert country_header in banner_vary
    assert saudi.headers["Vary"] == other.headers["Vary"] == country_header
    assert _slot(static, saudi.data)["en"]["policy"]["mode"] == "opt_out"
    assert _slot(static, other.data)["en"]["policy"]["mode"] == "opt_in"
    assert _slot(static, saudi.data)["ar"] == client.get(
        "/v1/sites/regions/banner?lang=ar", headers={country_header: "SA"}).json
    assert saudi.headers["ETag"] != other.headers["ETag"]


def test_without_region_rules_the_country_changes_nothing(client, site, country_header):
    saudi = client.get(SCRIPT, headers={country_header: "SA"})
    other = client.get(SCRIPT, headers={country_header: "FR"})
    assert saudi.data == other.data and "Vary" not in saudi.headers
