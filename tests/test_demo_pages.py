"""The demo storefronts (`make demo`): two store pages with the install tag first in
<head>, every tracker as gated markup pointing at a local stand-in, the same for every
visitor, and nothing served for keys that are not demo stores."""
from html.parser import HTMLParser

import pytest

from banner.demo.stores import STORES, TRACKER_TAGS
from banner.services.demo import DEMO_SITES, seed_demo
from banner.vendors import CATALOGUE

STANDIN_PATH = "/demo/static/trackers/"
CATEGORIES = {"necessary", "functional", "analytics", "advertising"}
# The only scripts a demo page may run without consent: the snippet (the site's own
# install script, DESIGN.md section 5) and the panel.
UNGATED = ["/v1/sites/{site_key}/snippet.js", "/demo/static/demo.js"]


class Page(HTMLParser):
    """The parts of a page these tests read: <html> attributes, the first element of
    <head>, and every <script> with its attributes and inline text."""

    def __init__(self, html: str):
        super().__init__()
        self.html: dict = {}
        self.head_first: tuple[str, dict] | None = None
        self.scripts: list[tuple[dict, str]] = []
        self._in_head = self._in_script = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html = attrs
        elif tag == "head":
            self._in_head = True
        elif self._in_head and self.head_first is None:
            self.head_first = (tag, attrs)
        if tag == "script":
            self.scripts.append((attrs, ""))
            self._in_script = True

    def handle_endtag(self, tag):
        self._in_head = self._in_head and tag != "head"
        self._in_script = self._in_script and tag != "script"

    def handle_data(self, data):
        if self._in_script:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)


@pytest.fixture
def demo(ctx):
    """The demo merchant and sites, as `flask banner seed-demo` makes them."""
    seed_demo()


def get_page(client, path: str) -> Page:
    response = client.get(path)
    assert response.status_code == 200
    return Page(response.get_data(as_text=True))


def is_gated(attrs: dict) -> bool:
    return attrs.get("type") == "text/plain" and attrs.get("data-consent") in CATEGORIES


def test_every_seeded_demo_site_has_a_storefront():
    assert STORES.keys() == DEMO_SITES.keys()


@pytest.mark.parametrize("site_key", DEMO_SITES)
def test_store_page_is_arabic_right_to_left_and_cacheable(client, demo, site_key):
    response = client.get(f"/demo/{site_key}")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = Page(response.get_data(as_text=True))
    assert (page.html["lang"], page.html["dir"]) == ("ar", "rtl")
    cache = response.headers["Cache-Control"]
    assert "public" in cache and "max-age=60" in cache
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("site_key", DEMO_SITES)
def test_install_tag_is_the_first_element_of_head(client, demo, site_key):
    tag, attrs = get_page(client, f"/demo/{site_key}").head_first
    assert tag == "script"
    assert attrs["src"] == f"/v1/sites/{site_key}/snippet.js" and attrs["data-site"] == site_key
    assert "async" not in attrs and "defer" not in attrs  # consent defaults before any tag


@pytest.mark.parametrize("site_key", DEMO_SITES)
def test_every_tracker_is_gated(client, demo, site_key):
    scripts = get_page(client, f"/demo/{site_key}").scripts
    running = [attrs.get("src") for attrs, _ in scripts if not is_gated(attrs)]
    assert running == [src.format(site_key=site_key) for src in UNGATED]
    for attrs, text in scripts:
        assert STANDIN_PATH not in attrs.get("src", "")
        if STANDIN_PATH in attrs.get("data-src", "") + text:
            assert is_gated(attrs), attrs


@pytest.mark.parametrize("site_key", DEMO_SITES)
def test_each_vendor_of_the_banner_is_gated_under_its_category(client, demo, site_key):
    """The page carries exactly the vendors its published banner discloses."""
    banner = client.get(f"/v1/sites/{site_key}/banner?lang=ar").json
    scripts = get_page(client, f"/demo/{site_key}").scripts
    gated_code = {attrs["data-consent"]: [] for attrs, _ in scripts if is_gated(attrs)}
    for attrs, text in scripts:
        if is_gated(attrs):
            gated_code[attrs["data-consent"]].append(attrs.get("data-src", "") + text)
    assert banner["vendors"]
    for vendor in banner["vendors"]:
        standin, ids = TRACKER_TAGS[vendor["key"]]
        code = " ".join(gated_code[CATALOGUE[vendor["key"]]["category"]])
        assert STANDIN_PATH + standin in code and ids[site_key] in code, vendor["key"]


def test_electronics_store_switches_to_english(client, demo):
    page = get_page(client, "/demo/demo-electronics?lang=en")
    assert (page.html["lang"], page.html["dir"]) == ("en", "ltr")
    assert page.head_first[1]["data-lang"] == "en"


def test_subscriptions_store_is_arabic_only(client, demo):
    page = get_page(client, "/demo/demo-subscriptions?lang=en")
    assert (page.html["lang"], page.html["dir"]) == ("ar", "rtl")


def test_store_page_is_the_same_for_every_visitor(client, demo):
    one = client.get("/demo/demo-subscriptions", headers={
        "User-Agent": "Mozilla/5.0 (iPhone)", "Cookie": "consent_banner=x; _ga=GA1.1.1.1",
        "Accept-Language": "en"}, environ_base={"REMOTE_ADDR": "1.2.3.4"})
    two = client.get("/demo/demo-subscriptions", environ_base={"REMOTE_ADDR": "5.6.7.8"})
    assert one.data == two.data
    assert "Vary" not in one.headers


def test_index_links_both_stores(client):
    html = client.get("/demo/").get_data(as_text=True)
    for site_key in DEMO_SITES:
        assert f'href="/demo/{site_key}"' in html


@pytest.mark.parametrize("path", ["/demo/nope", "/demo/test-store", "/demo/demo-electronics/x"])
def test_only_the_demo_stores_are_served(client, site, path):
    """Even a real site key (test-store) has no demo page."""
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("standin", sorted({standin for standin, _ in TRACKER_TAGS.values()}))
def test_stand_in_scripts_are_served(client, standin):
    with client.get(STANDIN_PATH + standin) as response:  # a file response: closed after
        assert response.status_code == 200
        assert response.mimetype == "text/javascript"
        assert b"demo:tracker" in response.data  # it announces itself to the panel


def test_panel_script_and_styles_are_served(client):
    for path in ["/demo/static/demo.js", "/demo/static/store.css", "/demo/static/panel.css"]:
        with client.get(path) as response:
            assert response.status_code == 200, path
