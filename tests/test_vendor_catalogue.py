"""The built-in vendor catalogue (banner/vendors.py) is the one source of truth: the admin
API lists it, banner documents copy from it, and the served snippet is filled from it."""
import re
from pathlib import Path

import pytest

from banner.documents import default_document, validate_document
from banner.vendors import CATALOGUE, by_category, catalogue, catalogue_vendor

SNIPPET = Path(__file__).resolve().parent.parent / "static" / "snippet.js"
# Hosts the catalogue had before it grew: scripts stores load from them stay held.
EARLIER_HOSTS = {
    "www.googletagmanager.com", "www.google-analytics.com", "region1.google-analytics.com",
    "googleads.g.doubleclick.net", "www.googleadservices.com", "pagead2.googlesyndication.com",
    "connect.facebook.net", "www.facebook.com", "bat.bing.com", "analytics.tiktok.com",
    "sc-static.net", "tr.snapchat.com"}
# Cookie names the vendors document, by the vendor that sets them.
VENDOR_COOKIES = [
    ("google-analytics", "_ga"), ("google-analytics", "_ga_ABC123"), ("google-analytics", "_gid"),
    ("google-ads", "_gcl_au"), ("meta", "_fbp"), ("meta", "_fbc"), ("microsoft-uet", "_uetsid"),
    ("microsoft-uet", "_uetvid"), ("tiktok", "_ttp"), ("tiktok", "ttcsid_C123"),
    ("snapchat", "_scid"), ("snapchat", "_scid_r"), ("linkedin", "li_fat_id"),
    ("linkedin", "li_sugr"), ("x-twitter", "_twclid"), ("x-twitter", "muc_ads"),
    ("pinterest", "_pin_unauth"), ("pinterest", "_derived_epik"), ("hotjar", "_hjSessionUser_1"),
    ("hotjar", "_hjSession_1"), ("microsoft-clarity", "_clck"), ("microsoft-clarity", "_clsk"),
    ("youtube", "VISITOR_INFO1_LIVE")]
# A store's own cookies, which no withdrawal may touch.
STORE_COOKIES = ["cart", "session", "_shopify_y", "lang", "_fbpx", "_clckx", "hotjar_ok"]
HOSTNAME = re.compile(r"^([a-z0-9-]{1,63}\.)+[a-z]{2,63}$")


def test_catalogue_has_the_twelve_built_in_vendors():
    assert list(CATALOGUE) == ["google-analytics", "google-ads", "meta", "microsoft-uet",
                               "tiktok", "snapchat", "linkedin", "x-twitter", "pinterest",
                               "hotjar", "microsoft-clarity", "youtube"]
    for vendor in catalogue():
        assert set(vendor) == {"key", "name", "category", "hosts", "cookies", "privacy_url"}
        assert vendor["category"] in ("analytics", "advertising", "functional")
        assert vendor["hosts"] and vendor["cookies"], vendor["key"]
        assert all(HOSTNAME.match(host) for host in vendor["hosts"]), vendor["key"]
        assert vendor["privacy_url"].startswith("https://")


def test_no_host_is_lost_and_each_belongs_to_one_vendor():
    hosts = [host for vendor in catalogue() for host in vendor["hosts"]]
    assert len(hosts) == len(set(hosts))  # one category per host in the snippet
    assert EARLIER_HOSTS <= set(hosts)


def test_cookie_patterns_read_the_same_in_python_and_javascript():
    # No backslashes, flags or lookbehinds: the same source means the same in both.
    for vendor in catalogue():
        for pattern in vendor["cookies"]:
            assert pattern.startswith("^") and not re.search(r"[\\/]|\(\?", pattern), pattern
            re.compile(pattern)


@pytest.mark.parametrize("key, cookie", VENDOR_COOKIES)
def test_cookie_patterns_match_the_names_the_vendor_documents(key, cookie):
    assert any(re.search(p, cookie) for p in CATALOGUE[key]["cookies"])


@pytest.mark.parametrize("cookie", STORE_COOKIES)
def test_cookie_patterns_leave_the_stores_own_cookies_alone(cookie):
    refusable = [p for entry in by_category().values() for p in entry["cookies"]]
    assert not any(re.search(p, cookie) for p in refusable)


def test_catalogue_vendor_is_what_a_banner_document_accepts():
    doc = default_document()
    doc["vendors"] = [catalogue_vendor(key) for key in CATALOGUE]
    assert validate_document(doc)["vendors"] == doc["vendors"]
    assert catalogue_vendor("meta") == {
        "key": "meta", "name": "Meta Pixel", "category": "advertising",
        "hosts": ["connect.facebook.net", "www.facebook.com"],
        "privacy_url": "https://www.facebook.com/privacy/policy/"}


def test_served_snippet_holds_every_host_and_cookie_pattern(client):
    served = client.get("/static/snippet.js", buffered=True).get_data(as_text=True)
    for vendor in catalogue():
        for value in vendor["hosts"] + vendor["cookies"]:
            assert value in served, (vendor["key"], value)


def test_readable_source_holds_no_copy_of_the_catalogue():
    source = SNIPPET.read_text(encoding="utf-8")
    for vendor in catalogue():
        for host in vendor["hosts"]:
            assert host not in source, host


def test_admin_api_lists_every_vendor_with_its_cookies(client, make_owner):
    owner = make_owner(scopes=["sites:read"])
    response = client.get("/v1/admin/vendors", headers=owner.headers)
    assert response.status_code == 200, response.json
    assert response.json["next"] is None
    assert response.json["items"] == catalogue()
    assert len(response.json["items"]) == 12


def test_admin_api_vendors_needs_a_key(client):
    response = client.get("/v1/admin/vendors")
    assert response.status_code == 401 and response.json["code"] == 401


def test_admin_api_vendors_needs_the_sites_read_scope(client, make_owner):
    owner = make_owner(scopes=["stats:read"])
    response = client.get("/v1/admin/vendors", headers=owner.headers)
    assert response.status_code == 403 and response.json["errors"] == {"scope": ["sites:read"]}


def test_vendors_are_documented_in_openapi(client):
    spec = client.get("/v1/openapi.json").json
    operation = spec["paths"]["/v1/admin/vendors"]["get"]
    assert operation["operationId"] == "list_vendors"
    assert operation["security"] == [{"bearerAuth": ["sites:read"]}]
    item = spec["components"]["schemas"]["VendorOut"]
    assert set(item["required"]) == {"key", "name", "category", "hosts", "cookies",
                                     "privacy_url"}
