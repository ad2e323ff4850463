"""Browser fixtures: the app served on a loopback port, Debian's Chromium driven by
Playwright, store pages on a fake origin, and every tracker host intercepted.

A test page lives at http://shop.localhost/... (fulfilled by Playwright, so the store and
the API are on different origins, as in production). Requests to the real tracker
hosts never leave the machine: they are answered with a stand-in script that records
itself in `window.__trackers` and sets the vendor's cookie, and are counted.
"""
import re
import select
import threading
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from tests.servers import closing_responses

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# *.localhost is loopback to Chromium, like our API here: no private-network block.
STORE_ORIGIN = "http://shop.localhost"

# Tracker host -> (name recorded by the stand-in, cookie it sets).
TRACKERS = {
    "www.googletagmanager.com": ("google-analytics", "_ga"),
    "www.google-analytics.com": ("google-analytics", "_ga"),
    "googleads.g.doubleclick.net": ("google-ads", "_gcl_au"),
    "www.googleadservices.com": ("google-ads", "_gcl_au"),
    "connect.facebook.net": ("meta", "_fbp"),
    "bat.bing.com": ("microsoft-uet", "_uetsid"),
    "analytics.tiktok.com": ("tiktok", "_ttp"),
    "sc-static.net": ("snapchat", "_scid"),
    "tr.snapchat.com": ("snapchat", "_scid"),
}


def stand_in(name: str, cookie: str) -> str:
    """What a tracker host answers in tests: it records that it ran and sets its cookie."""
    return (f"(window.__trackers=window.__trackers||[]).push({name!r});"
            f"document.cookie={cookie + '=1.2.3; Path=/; Max-Age=86400'!r};")


@dataclass
class Network:
    """Requests the page made to tracker hosts and to our API, in order."""

    trackers: list[str] = field(default_factory=list)  # tracker names, one per request
    api: list[tuple[str, str]] = field(default_factory=list)  # (method, path)
    urls: list[str] = field(default_factory=list)  # every request of the context, in order

    def posts(self, path_end: str) -> int:
        return sum(1 for method, path in self.api if method == "POST" and path.endswith(path_end))


class ConnectionCount:
    """Counts the connections a werkzeug server holds, from accept to close.

    A test's last API call (an impression, a decision's POST) can still be on the server
    when the test ends; the database must only be emptied once the server is idle, or
    that call lands in the next test's tables (or between two DELETEs)."""

    def __init__(self, server):
        self.server, self.open, self.changed = server, 0, threading.Condition()
        accept, shutdown = server.get_request, server.shutdown_request

        # Counted before accept() takes it off the listen backlog, so a connection is always
        # either waiting there or counted: none slips between the two.
        def get_request():
            self._add(1)
            try:
                return accept()
            except BaseException:
                self._add(-1)
                raise

        def shutdown_request(request):
            try:
                shutdown(request)
            finally:
                self._add(-1)
        server.get_request, server.shutdown_request = get_request, shutdown_request

    def _add(self, n: int) -> None:
        with self.changed:
            self.open += n
            self.changed.notify_all()

    def _waiting(self) -> bool:
        waiting, _, _ = select.select([self.server.socket], [], [], 0)
        return bool(waiting)

    def wait_idle(self, timeout: float = 5.0) -> None:
        """Returns once no connection is open or waiting in the listen backlog; woken by each
        accept and close. A waiting one is accepted (counted) by the server's own loop."""
        with self.changed:
            # Under the lock no accept can start, so the two readings agree.
            idle = self.changed.wait_for(lambda: self.open == 0 and not self._waiting(), timeout)
            if not idle:
                raise AssertionError(f"the live server still holds {self.open} connection(s)")


_servers: list[ConnectionCount] = []


@pytest.fixture(scope="session")
def live_server(app):
    """The test app on a free loopback port, in a thread, for the whole session."""
    server = make_server("127.0.0.1", 0, closing_responses(app), threaded=True)
    _servers.append(ConnectionCount(server))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture(autouse=True)
def _live_server_idle():
    """Set up before (so torn down after) the test's browser contexts, and before the
    database is emptied: waits until the server has answered everything they sent."""
    yield
    for count in _servers:
        count.wait_idle()


@pytest.fixture(scope="session")
def chromium():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def network():
    return Network()


@pytest.fixture
def store_pages():
    """path -> HTML (or (HTML, response headers)) served at http://shop.localhost/path;
    tests add their pages."""
    return {}


@pytest.fixture
def new_context(chromium, live_server, network, store_pages):
    """Makes fresh browser profiles whose requests stay on this machine (a second one is
    another visitor's browser); each is closed at the end of the test."""
    contexts = []
    api = urlsplit(live_server).netloc

    def make():
        context = chromium.new_context(locale="en-US", permissions=["local-network-access"])
        context.on("request", record)
        context.route(re.compile(r".*"), route)
        contexts.append(context)
        return context

    # Recorded from request events, which arrive in the order the page sent them (a route
    # handler can run later): once a request sent after them is seen (`settled`), every
    # earlier one is listed.
    def record(request):
        parts = urlsplit(request.url)
        network.urls.append(request.url)
        if parts.netloc in TRACKERS:
            network.trackers.append(TRACKERS[parts.netloc][0])
        elif parts.netloc == api:
            network.api.append((request.method, parts.path))

    def route(route):
        request = route.request
        parts = urlsplit(request.url)
        if parts.netloc in TRACKERS:
            name, cookie = TRACKERS[parts.netloc]
            return route.fulfill(status=200, content_type="text/javascript",
                                 body=stand_in(name, cookie))
        if f"{parts.scheme}://{parts.netloc}" == STORE_ORIGIN:
            html = store_pages.get(parts.path)
            if html is None:
                return route.fulfill(status=404, body="not found")
            html, headers = html if isinstance(html, tuple) else (html, {})
            return route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html,
                                 headers=headers)
        if parts.netloc == api:
            return route.fallback()
        return route.abort()  # nothing else may leave the machine

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def context(new_context):
    """A fresh browser profile whose requests stay on this machine."""
    return new_context()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.set_default_timeout(5000)
    return page


@pytest.fixture
def store_page(store_pages, live_server):
    """Builds a store page with the install tag first in <head>; returns its URL."""
    def make(body: str = "", site_key: str = "test-store", path: str = "/",
             head: str = "", lang: str = "en", tag_attrs: str = "",
             headers: dict | None = None) -> str:
        html = (f'<!doctype html><html lang="{lang}"><head>'
                f'<script src="{live_server}/static/snippet.js" data-site="{site_key}"{tag_attrs}>'
                f'</script><meta charset="utf-8"><title>Shop</title>{head}</head>'
                f'<body><h1>Shop</h1>{body}</body></html>')
        store_pages[path] = (html, headers) if headers else html
        return STORE_ORIGIN + path
    return make


@pytest.fixture
def shop_site(make_site, document):
    """The site the store pages use: test-store, allowing http://shop.localhost, with the
    built-in vendors in its catalogue. Pass a document to change its banner."""
    from banner.vendors import CATALOGUE, catalogue_vendor

    def make(doc: dict | None = None, site_key: str = "test-store", **settings):
        if doc is None:
            doc = document
            doc["vendors"] = [catalogue_vendor(key) for key in CATALOGUE]
        return make_site(site_key=site_key, origins=[STORE_ORIGIN], document=doc, **settings)
    return make


def banner_button(page, action: str):
    """A button of the banner's shadow root by its data-action hook."""
    return page.locator(f'#consent-banner [data-action="{action}"]:visible')


# --- Gated markup, what ran, and what the backend stored (snippet behaviour tests) ---

# A real tag URL of each tracker the stand-ins answer, by the name the stand-in records.
TAG_SRC = {
    "google-analytics": "https://www.googletagmanager.com/gtag/js?id=G-1",
    "google-ads": "https://www.googleadservices.com/pagead/conversion_async.js",
    "meta": "https://connect.facebook.net/en_US/fbevents.js",
    "microsoft-uet": "https://bat.bing.com/bat.js",
    "tiktok": "https://analytics.tiktok.com/i18n/pixel/events.js",
    "snapchat": "https://sc-static.net/scevent.min.js",
}
TAG_CATEGORY = {"google-analytics": "analytics", "google-ads": "advertising", "meta": "advertising",
                "microsoft-uet": "advertising", "tiktok": "advertising", "snapchat": "advertising"}
# Vendor cookies a refusal must clear: _ga*, _gid, _gcl_*, _fbp, _fbc, _uet*, _ttp, _scid*.
TRACKER_COOKIE = re.compile(r"^(_ga|_gid|_gcl_|_fbp$|_fbc$|_uet|_ttp$|_scid)")
# navigator.globalPrivacyControl as a browser with GPC switched on reports it.
GPC_ON = ("Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', "
          "{get: () => true, configurable: true});")
# window.dataLayer with gtag's Arguments objects turned into arrays.
DATA_LAYER = ("() => (window.dataLayer || []).map(e => "
              "Object.prototype.toString.call(e) === '[object Arguments]' ? Array.from(e) : e)")


def gated(name: str, category: str | None = None) -> str:
    """The gated form of a tracker's tag, as DESIGN.md section 5 tells merchants to write it."""
    return (f'<script type="text/plain" data-consent="{category or TAG_CATEGORY[name]}" '
            f'data-src="{TAG_SRC[name]}" async></script>')


def marker(name: str) -> str:
    """JS that records `name` in window.__trackers, where the stand-ins record themselves."""
    return f"(window.__trackers=window.__trackers||[]).push({name!r});"


def gated_inline(category: str, code: str, attrs: str = "") -> str:
    return f'<script type="text/plain" data-consent="{category}"{attrs}>{code}</script>'


def ran(page) -> list:
    """Names recorded by the stand-ins and marker scripts that ran on the page, in order."""
    return page.evaluate("window.__trackers || []")


def wait_ran(page, name: str) -> None:
    """Waits until a stand-in or marker has recorded `name` on the page."""
    page.wait_for_function("n => (window.__trackers || []).includes(n)", arg=name)


def tracker_cookies(context) -> set[str]:
    return {c["name"] for c in context.cookies() if TRACKER_COOKIE.match(c["name"])}


def data_layer(page) -> list:
    return page.evaluate(DATA_LAYER)


def consent_commands(page, kind: str | None = None) -> list[dict]:
    """The gtag('consent', kind, {...}) parameters pushed to dataLayer, in order."""
    return [e[2] for e in data_layer(page) if isinstance(e, list) and e[:1] == ["consent"]
            and (kind is None or e[1] == kind)]


def wait_banner(page) -> None:
    """Waits until the first layer of the banner is shown."""
    banner_button(page, "accept-all").wait_for()


def wait_decided(page) -> None:
    """Waits until the snippet holds a decision (ConsentBanner.get() is not null)."""
    page.wait_for_function("() => window.ConsentBanner && !!window.ConsentBanner.get()")


def wait_ready(page) -> dict | None:
    """Waits for ConsentBanner.ready: the stored choice (or its absence) applied to the page,
    gated elements present released or held, signals set, the banner shown if it must be.
    Returns what it resolved with (ConsentBanner.get())."""
    # A flag the promise sets, polled, rather than evaluate() on the promise itself: that
    # would hang past every timeout if it never resolved.
    return page.wait_for_function("""() => window.ConsentBanner && (window.__consentReady
        || void ConsentBanner.ready.then(s => { window.__consentReady = {state: s}; }))""") \
        .json_value()["state"]


_sentinels = iter(range(1, 1 << 30))


def settled(page) -> None:
    """Sends a request from the page and waits for its request event: requests are reported
    in the order they were sent, so every one the page sent before is in `network` now."""
    url = f"{STORE_ORIGIN}/__settled/{next(_sentinels)}"
    with page.expect_request(url):
        page.evaluate("url => { fetch(url).catch(() => {}); }", url)


# Gated elements the snippet still holds back: scripts still text/plain, embeds and
# pixels without their src.
HELD = """() => [...document.querySelectorAll('[data-consent]')]
  .filter(el => el.tagName === 'SCRIPT' ? el.type === 'text/plain' : !el.hasAttribute('src'))
  .map(el => el.dataset.src || el.getAttribute('src') || el.textContent.trim())"""


def held(page) -> list[str]:
    """What gated elements of the page are still held: their URL (or inline code), in order."""
    return page.evaluate(HELD)


QUEUE = "JSON.parse(localStorage.getItem('consent_banner_queue') || '[]')"


def wait_delivered(page, timeout: float = 5.0) -> None:
    """Waits until the snippet is ready and its outbox is empty: every decision it queued
    has had the backend's answer."""
    wait_ready(page)
    page.wait_for_function(f"() => {QUEUE}.length === 0", timeout=timeout * 1000)


@pytest.fixture
def backend(context, live_server):
    """Takes parts of the API off the air for this browser context and back:
    `backend.down("/consents", method="POST")`, `backend.up()`. Refused requests are
    aborted like a dropped connection and listed in `backend.refused`."""
    class Backend:
        def __init__(self):
            self.refused: list[str] = []
            self._rules: list[tuple[str, str | None]] = []
            self._on = False

        def _route(self, route):
            request = route.request
            path = urlsplit(request.url).path
            for path_end, method in self._rules:
                if path.endswith(path_end) and method in (None, request.method):
                    self.refused.append(f"{request.method} {path}")
                    return route.abort("connectionrefused")
            return route.fallback()

        def down(self, path_end: str = "", method: str | None = None) -> None:
            """Refuses API requests whose path ends with path_end ("" refuses all of /v1)."""
            self._rules.append((path_end, method))
            if not self._on:
                context.route(f"{live_server}/v1/**", self._route)
                self._on = True

        def up(self) -> None:
            self._rules.clear()
            if self._on:
                context.unroute(f"{live_server}/v1/**", self._route)
                self._on = False
    return Backend()


@pytest.fixture
def consent_records(ctx, page):
    """Polls the database for the consent records of a site (delivery is asynchronous):
    `consent_records(count=1)` returns them oldest first as plain dicts once there are
    at least `count`, or whatever is there once the page has delivered everything it
    queued (ready, then its outbox empty: each item leaves it on the backend's answer, so
    its row is committed), waiting at most `timeout` seconds; timeout=0 reads at once."""
    from banner.extensions import db
    from banner.models import CATEGORIES, BannerVersion, ConsentRecord, Site

    def fetch(site_key: str) -> list[dict]:
        db.session.rollback()  # a fresh snapshot: the live server writes in other threads
        rows = db.session.execute(
            db.select(ConsentRecord, BannerVersion.number)
            .join(BannerVersion, BannerVersion.id == ConsentRecord.banner_version_id)
            .join(Site, Site.id == ConsentRecord.site_id).where(Site.site_key == site_key)
            .order_by(ConsentRecord.recorded_at, ConsentRecord.client_time)).all()
        return [{"action": r.action, "source": r.source, "language": r.language, "version": n,
                 "choices": {k: getattr(r, k) for k in CATEGORIES}, "gpc": r.gpc,
                 "visitor_id": str(r.visitor_id), "page_url": r.page_url,
                 "age_confirmed": r.age_confirmed} for r, n in rows]

    def records(count: int = 1, timeout: float = 5.0, site_key: str = "test-store") -> list[dict]:
        found = fetch(site_key)
        if len(found) < count and timeout:
            try:
                wait_delivered(page, timeout)
            except PlaywrightTimeoutError:
                pass  # still queued: the caller's assertion on what is stored says so
            found = fetch(site_key)
        return found
    return records
