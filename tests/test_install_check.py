"""The install check against store pages served on 127.0.0.1: what it reports about the
tag and ungated trackers, and the fetches it refuses (SSRF, size, time, redirects)."""
import threading

import pytest
from werkzeug.wrappers import Request, Response

from banner.services import safe_fetch
from banner.services.install_check import check_install
from banner.services.safe_fetch import Unreachable, fetch_page
from tests.servers import wsgi_thread

KEY = "shop-key"
TAG = f'<script src="https://consent.example/static/snippet.js" data-site="{KEY}"></script>'
GTAG = ('<script async src="https://www.googletagmanager.com/gtag/js?id=G-ABC1234"></script>\n'
        "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}"
        "gtag('js', new Date());gtag('config', 'G-ABC1234');</script>")
GATED = ('<script type="text/plain" data-consent="analytics" '
         'data-src="https://www.googletagmanager.com/gtag/js?id=G-ABC1234"></script>')


def page(head: str, body: str = "") -> str:
    return f"<!doctype html><html><head>{head}<title>Shop</title></head><body>{body}</body></html>"


@pytest.fixture
def store():
    """A store on 127.0.0.1: path -> Response (or a callable making one)."""
    routes, release = {}, threading.Event()

    @Request.application
    def app(request):
        found = routes.get(request.path)
        if found is None:
            return Response("not found", 404)
        return found if isinstance(found, Response) else found()

    with wsgi_thread(app) as base:
        def add(path, body="", status=200, content_type="text/html; charset=utf-8", **headers):
            routes[path] = Response(body, status, headers, content_type=content_type)
            return base + path
        add.routes, add.base, add.release = routes, base, release
        yield add
        release.set()  # before the server stops: slow pages wait on it


def test_a_correct_page_has_the_tag_first_and_nothing_ungated(store):
    url = store("/", page(TAG + GATED, '<iframe data-consent="functional" data-src='
                                          '"https://www.youtube.com/embed/x"></iframe>'))
    report = check_install(url, KEY, allow_private=True)
    assert report.tag_found and report.tag_in_head and report.tag_first
    assert not report.tag_deferred and report.ungated == [] and report.other_keys == []


@pytest.mark.parametrize("tag", [
    f'<script src="https://consent.example/v1/sites/{KEY}/snippet.js" data-site="{KEY}"></script>',
    f'<script src="https://consent.example/v1/sites/{KEY}/snippet.js"></script>'])
def test_the_per_site_script_is_our_tag_with_or_without_data_site(store, tag):
    url = store("/", page(tag + GATED))
    report = check_install(url, KEY, allow_private=True)
    assert (report.tag_found, report.tag_first, report.other_keys) == (True, True, [])
    other = check_install(url, "another-key", allow_private=True)
    assert (other.tag_found, other.other_keys) == (False, [KEY])


def test_a_tag_after_another_script_is_found_but_not_first(store):
    url = store("/late", page('<script src="/theme.js"></script>' + TAG))
    report = check_install(url, KEY, allow_private=True)
    assert report.tag_found and not report.tag_first and report.first_script == "/theme.js"


def test_a_tag_in_the_body_or_deferred_or_of_another_store_is_reported(store):
    report = check_install(store("/b", page("", TAG.replace(">", " defer>", 1))), KEY,
                           allow_private=True)
    assert report.tag_found and not report.tag_in_head and report.tag_deferred
    other = check_install(store("/o", page(TAG.replace(KEY, "someone-else"))), KEY,
                          allow_private=True)
    assert not other.tag_found and other.other_keys == ["someone-else"]


def test_an_ungated_gtag_is_reported_with_its_gated_version(store):
    url = store("/gtag", page(TAG + GTAG, '<img src="https://www.facebook.com/tr?id=1">'
                                          '<noscript><img src="https://www.facebook.com/tr?id=2">'
                                          '</noscript>'))
    report = check_install(url, KEY, allow_private=True)
    assert report.tag_first
    gtag, pixel, noscript = report.ungated
    assert gtag.vendors == ("Google Analytics",) and gtag.category == "analytics"
    assert "gtag('config'" in gtag.original  # the loader and its configuration together
    assert gtag.converted.count('type="text/plain" data-consent="analytics"') == 2
    assert 'data-src="https://www.googletagmanager.com/gtag/js?id=G-ABC1234"' in gtag.converted
    assert pixel.category == "advertising" and 'data-consent="advertising"' in pixel.converted
    assert noscript.remove and noscript.converted is None


def test_redirects_are_followed_and_the_final_address_reported(store):
    final = store("/home", page(TAG))
    url = store("/", status=302, Location="/home")
    assert check_install(url, KEY, allow_private=True).url == final


@pytest.mark.parametrize("url", ["ftp://example.com/", "file:///etc/passwd",
                                 "javascript:alert(1)", "http://user:pw@example.com/",
                                 "http://[oops/", "http://example.com:99999/", "x" * 2001])
def test_only_http_and_https_addresses_are_fetched(url):
    with pytest.raises(Unreachable) as refused:
        fetch_page(url)
    assert refused.value.reason == "scheme"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "10.0.0.8", "192.168.1.1",
                                  "169.254.169.254", "[::1]", "0.0.0.0", "[::ffff:127.0.0.1]",
                                  "100.64.0.1", "224.0.0.1"])
def test_private_loopback_link_local_and_reserved_addresses_are_refused(host):
    with pytest.raises(Unreachable) as refused:
        fetch_page(f"http://{host}:9/")  # the discard port: nothing is ever sent
    assert refused.value.reason == "address"


def test_the_local_store_is_refused_when_private_addresses_are_not_allowed(store):
    with pytest.raises(Unreachable) as refused:
        check_install(store("/", page(TAG)), KEY)
    assert refused.value.reason == "address"


def test_a_redirect_to_a_private_address_is_refused(store, monkeypatch):
    # The store's own address counts as public here, as a real store's would.
    monkeypatch.setattr(safe_fetch, "is_public", lambda address: address == "127.0.0.1")
    assert check_install(store("/ok", page(TAG)), KEY).tag_found
    url = store("/", status=301, Location="http://169.254.169.254/latest/meta-data/")
    with pytest.raises(Unreachable) as refused:
        check_install(url, KEY)
    assert refused.value.reason == "address"


def test_too_many_redirects_are_refused(store):
    url = store("/loop", status=302, Location="/loop")
    with pytest.raises(Unreachable) as refused:
        fetch_page(url, allow_private=True)
    assert refused.value.reason == "redirects"


def test_a_page_over_the_size_cap_is_refused_with_or_without_its_length(store):
    big = page("", "x" * safe_fetch.MAX_BYTES)
    with pytest.raises(Unreachable) as refused:
        fetch_page(store("/big", big), allow_private=True)
    assert refused.value.reason == "too_big"

    def streamed():  # no Content-Length: the cap applies while reading
        return Response((chunk for chunk in [big[:1000]] + [big[1000:]]),
                        content_type="text/html")
    store.routes["/stream"] = streamed
    with pytest.raises(Unreachable) as refused:
        fetch_page(store.base + "/stream", allow_private=True)
    assert refused.value.reason == "too_big"


def test_a_store_that_does_not_answer_in_time_is_given_up(store):
    def stuck():
        store.release.wait(10)  # released when the test ends
        return Response("late", content_type="text/html")
    store.routes["/slow"] = stuck
    with pytest.raises(Unreachable) as refused:
        fetch_page(store.base + "/slow", allow_private=True, timeout=0.3)
    assert refused.value.reason == "timeout"


@pytest.mark.parametrize("status, content_type, reason", [
    (200, "application/json", "not_html"), (500, "text/html", "status"),
    (404, "text/html", "status")])
def test_errors_and_other_content_are_reported(store, status, content_type, reason):
    url = store("/x", "{}", status=status, content_type=content_type)
    with pytest.raises(Unreachable) as refused:
        fetch_page(url, allow_private=True)
    assert refused.value.reason == reason


def test_an_unknown_host_is_reported():
    with pytest.raises(Unreachable) as refused:
        fetch_page("https://no-such-host.invalid/")
    assert refused.value.reason == "host"


def test_json_ld_and_already_gated_tags_are_not_trackers(store):
    json_ld = ('<script type="application/ld+json">{"sameAs": '
               '["https://www.facebook.com/alvoip"]}</script>')
    report = check_install(store("/", page(TAG + json_ld + GATED)), KEY, allow_private=True)
    assert report.ungated == []
