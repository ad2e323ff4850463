"""Recognising vendors in pasted or fetched markup: a tag's hosts and the IDs in its code,
against the built-in catalogue and the site's own vendors."""
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from ..vendors import CATALOGUE

HOST = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+",
                  re.I)
# gtag.js serves Analytics (G-) and Ads (AW-, DC-) from the same host: the ID tells them apart.
GOOGLE_ID = re.compile(r"""['"=](G|AW|DC)-[A-Z0-9]{4,}""")
GOOGLE_VENDOR = {"G": "google-analytics", "AW": "google-ads", "DC": "google-ads"}


@dataclass(frozen=True)
class Vendor:
    key: str
    name: str
    category: str


def known_hosts(vendors: list[dict] = ()) -> dict[str, Vendor]:
    """Host -> vendor: the built-in catalogue, then the site's own vendors, which win
    (the banner discloses them under the category the merchant chose)."""
    found = {}
    for key, vendor in [*CATALOGUE.items(), *((v["key"], v) for v in vendors)]:
        for host in vendor["hosts"]:
            found[host.lower()] = Vendor(key, vendor["name"], vendor["category"])
    return found


def split_url(url: str | None):
    """The parts of a URL; a malformed one (pasted markup can hold anything) has none."""
    try:
        return urlsplit((url or "").strip())
    except ValueError:
        return urlsplit("")


def host_of(url: str | None) -> str | None:
    return (split_url(url).hostname or "").lower() or None


def _google_vendors(text: str) -> set[str]:
    return {GOOGLE_VENDOR[match.group(1)] for match in GOOGLE_ID.finditer(text)}


def vendors_in(hosts: dict[str, Vendor], url: str | None = None, code: str = "") -> list[Vendor]:
    """The known vendors an element loads: its URL's host, hosts named in its code."""
    found = {}
    names = [host_of(url)] if url else []
    names += [match.group(0).lower() for match in HOST.finditer(code)]
    for name in names:
        if name in hosts:
            found[hosts[name].key] = hosts[name]
    ids = code + "".join(" =" + value for value in
                         parse_qs(split_url(url).query).get("id", []))
    google = _google_vendors(ids)
    if google and (found.keys() & set(GOOGLE_VENDOR.values()) or "gtag(" in code):
        found.pop("google-analytics", None)  # its host serves both: the IDs decide
        by_key = {vendor.key: vendor for vendor in hosts.values()}
        for key in sorted(google):
            fallback = CATALOGUE[key]
            found[key] = by_key.get(key) or Vendor(key, fallback["name"], fallback["category"])
    return list(found.values())


# The per-site script (one round trip) and the static snippet with data-site.
SITE_SCRIPT = re.compile(r"/v1/sites/([^/]+)/snippet\.js\Z")


def our_tag_site(attrs: dict) -> str | None:
    """The site key of our install tag, or None when attrs are not our tag."""
    path = split_url(attrs.get("src")).path
    per_site = SITE_SCRIPT.search(path)
    if per_site:
        return attrs.get("data-site") or per_site.group(1)
    if path.endswith("/static/snippet.js") and "data-site" in attrs:
        return attrs["data-site"]
    return None


def is_our_tag(attrs: dict) -> bool:
    return our_tag_site(attrs) is not None


def is_gtm_container(url: str | None, code: str) -> bool:
    return "googletagmanager.com/gtm.js" in (url or "") + code
