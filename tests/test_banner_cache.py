"""Banner caches: one rendering per (site, language), bounded LRU, stale while the
database is down, and junk query strings cost neither renders nor the real entries."""
import json
import time

import pytest
from werkzeug.test import create_environ
from sqlalchemy.exc import IntegrityError, OperationalError

from banner.cache import LRUCache, app_cache
from banner.services import banners
from banner.services.banners import prepared_banner


@pytest.fixture
def renders(monkeypatch):
    """Counts renderings by (site key, language)."""
    counted = {}
    localise = banners.localise

    def counting(site_key, number, material, document, language, policy=None):
        counted[(site_key, language)] = counted.get((site_key, language), 0) + 1
        return localise(site_key, number, material, document, language, policy)
    monkeypatch.setattr(banners, "localise", counting)
    return counted


def unreachable() -> OperationalError:
    return OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))


def test_junk_languages_neither_render_nor_evict_the_real_entry(make_app, site, renders):
    # Entries outlive the test (one that takes longer than BANNER_CACHE_SECONDS would
    # see the entry expire, which is not what is measured).
    app = make_app(BANNER_CACHE_SECONDS=3600)
    client = app.test_client()
    assert client.get("/v1/sites/test-store/banner?lang=ar").status_code == 200
    etag = client.get("/v1/sites/test-store/banner?lang=ar").headers["ETag"]
    environ = create_environ("/v1/sites/test-store/banner")
    for n in range(20_000):  # straight into the WSGI app: the test client costs more
        answers = []
        body = b"".join(app(dict(environ, QUERY_STRING=f"lang=xx-{n}"),
                            lambda status, headers, exc_info=None: answers.append(
                                (status, dict(headers)))))
        assert answers[0][0] == "200 OK"
    # The site's default language answers every unknown one, from the same rendering.
    assert answers[0][1]["ETag"] == etag and json.loads(body)["language"] == "ar"
    with app.app_context():
        assert prepared_banner("test-store", b"lang=ar") is not None
    assert client.get("/v1/sites/test-store/banner?lang=en").status_code == 200
    assert renders == {("test-store", "ar"): 1, ("test-store", "en"): 1}


def test_junk_query_strings_are_not_kept_by_the_fast_path(client, site):
    client.get("/v1/sites/test-store/banner?lang=ar")
    queries = app_cache("banner_queries")
    kept = len(queries)
    for n in range(500):
        client.get(f"/v1/sites/test-store/banner?lang=ar&utm={n}")
        client.get(f"/v1/sites/test-store/banner?lang=AR-{n}")
    assert len(queries) == kept


def test_every_spelling_of_a_language_shares_one_rendering(client, site, renders):
    for query in ("lang=ar", "lang=AR", "lang=ar-SA", "lang=ar_sa", "", "lang=zz"):
        assert client.get(f"/v1/sites/test-store/banner?{query}").json["language"] == "ar"
    assert renders == {("test-store", "ar"): 1}


def test_each_site_renders_its_own_banner(client, make_site, renders):
    for key in ("store-one", "store-two"):
        make_site(site_key=key)
        for _ in range(3):
            assert client.get(f"/v1/sites/{key}/banner?lang=ar").json["site"] == key
    assert renders == {("store-one", "ar"): 1, ("store-two", "ar"): 1}


def test_the_cache_evicts_the_least_recently_used_entry_not_everything():
    cache = LRUCache(seconds=60, max_items=3)
    for key in "abc":
        cache.put(key, key.upper())
    assert cache.get("a") == "A"  # now the most recently used
    cache.put("d", "D")
    assert [cache.get(key) for key in "abcd"] == ["A", None, "C", "D"]
    assert len(cache) == 3


def test_a_stale_value_is_served_while_the_database_is_unreachable(app, ctx, monkeypatch):
    cache = LRUCache(seconds=10, stale_seconds=100)
    start = time.monotonic()
    assert cache.get_or_set("k", lambda: "good") == "good"

    def down():
        raise unreachable()
    monkeypatch.setattr(time, "monotonic", lambda: start + 50)
    assert cache.get_or_set("k", down) == "good"
    # Asked again only after another period, not on every request of the outage.
    assert cache.get_or_set("k", lambda: pytest.fail("asked too soon")) == "good"
    monkeypatch.setattr(time, "monotonic", lambda: start + 61)
    assert cache.get_or_set("k", lambda: "fresh") == "fresh"


def test_stale_values_have_a_bound_and_other_errors_are_not_hidden(app, ctx, monkeypatch):
    cache = LRUCache(seconds=10, stale_seconds=100)
    start = time.monotonic()
    cache.get_or_set("k", lambda: "good")

    def refused():
        raise IntegrityError("INSERT", {}, ValueError("duplicate"))

    def down():
        raise unreachable()
    monkeypatch.setattr(time, "monotonic", lambda: start + 20)
    with pytest.raises(IntegrityError):
        cache.get_or_set("k", refused)
    monkeypatch.setattr(time, "monotonic", lambda: start + 111)
    with pytest.raises(OperationalError):
        cache.get_or_set("k", down)


def test_the_banner_is_served_stale_when_the_database_is_down(app, client, site, monkeypatch):
    first = client.get("/v1/sites/test-store/banner?lang=ar")
    assert "stale-if-error=86400" in first.headers["Cache-Control"]
    start, seconds = time.monotonic(), app.config["BANNER_CACHE_SECONDS"]

    def down(*args, **kwargs):
        raise unreachable()
    monkeypatch.setattr(banners, "latest_published", down)
    monkeypatch.setattr("banner.services.sites.db.session.scalar", down)
    monkeypatch.setattr(time, "monotonic", lambda: start + seconds + 1)
    for query in ("lang=ar", "lang=ar-SA"):
        response = client.get(f"/v1/sites/test-store/banner?{query}")
        assert response.status_code == 200 and response.data == first.data
    # A day into the outage, past the last good copy's bound: 503, not 500.
    monkeypatch.setattr(time, "monotonic", lambda: start + 86400 + seconds + 1)
    response = client.get("/v1/sites/test-store/banner?lang=ar")
    assert response.status_code == 503 and response.json["code"] == 503
    assert int(response.headers["Retry-After"]) > 0
