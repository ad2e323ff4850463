"""The install check: fetch a store's page on the server (services/safe_fetch.py) and say
whether our tag is there, first in <head>, and which tracker tags still load without
consent."""
from dataclasses import dataclass, field
from html.parser import HTMLParser

from ..errors import Invalid
from .safe_fetch import fetch_page
from .tag_converter import JS_TYPES, STRICTEST_FIRST, convert, start_tag
from .tag_vendors import (Vendor, is_gtm_container, is_our_tag, known_hosts, our_tag_site,
                          vendors_in)

HEAD_TAGS = frozenset({"html", "head", "title", "meta", "link", "style", "script", "noscript",
                       "base", "template"})


@dataclass(frozen=True)
class Finding:
    """A tracker tag on the page that loads without consent, and its gated form."""

    vendors: tuple[str, ...]
    category: str
    original: str
    converted: str | None  # None: too long to convert here
    remove: bool = False  # a <noscript> pixel: remove it


@dataclass
class Report:
    url: str
    tag_found: bool = False  # our tag with this site's key
    other_keys: list[str] = field(default_factory=list)  # our tag with another key
    tag_in_head: bool = False
    tag_first: bool = False  # the first script of <head>
    tag_deferred: bool = False  # async, defer or module: it would not run first
    first_script: str | None = None  # what runs first instead
    ungated: list[Finding] = field(default_factory=list)


@dataclass
class _Element:
    tag: str
    attrs: dict
    markup: str  # rebuilt from the parse
    in_head: bool
    in_noscript: bool
    code: str = ""


class _PageScan(HTMLParser):
    """The page's scripts, iframes and images in document order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[_Element] = []
        self.in_head, self.noscript, self.script = True, 0, None

    def handle_starttag(self, tag, attrs):
        if tag not in HEAD_TAGS:  # a body element ends <head>, written or not
            self.in_head = False
        if tag == "noscript":
            self.noscript += 1
        elif tag in ("script", "iframe", "img"):
            element = _Element(tag, dict(attrs), start_tag(tag, attrs), self.in_head,
                               self.noscript > 0)
            self.elements.append(element)
            self.script = element if tag == "script" else None
            if tag == "iframe":
                element.markup += "</iframe>"

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False
        elif tag == "noscript":
            self.noscript = max(0, self.noscript - 1)
        elif tag == "script" and self.script is not None:
            self.script.markup += self.script.code + "</script>"
            self.script = None

    def handle_data(self, data):
        if self.script is not None:
            self.script.code += data


def _loads_tracker(element: _Element, hosts: dict[str, Vendor]) -> list[Vendor]:
    """The vendors an element loads without consent (none when gated or not code: a
    JSON-LD block naming the store's Facebook page loads nothing)."""
    attrs = element.attrs
    if element.tag == "script":
        if (attrs.get("type") or "").strip().lower() not in JS_TYPES or is_our_tag(attrs) \
                or is_gtm_container(attrs.get("src"), element.code):
            return []
        return vendors_in(hosts, attrs.get("src"), element.code)
    return [] if "data-consent" in attrs else vendors_in(hosts, attrs.get("src"))


def scan_page(html: str, page_url: str, site_key: str, vendors: list[dict] = ()) -> Report:
    """What the page's markup says about the install (pure: no network)."""
    parser = _PageScan()
    parser.feed(html)
    parser.close()
    report, hosts = Report(page_url), known_hosts(vendors)
    scripts = [e for e in parser.elements if e.tag == "script" and not e.in_noscript]
    ours = [e for e in scripts if is_our_tag(e.attrs)]
    mine = [e for e in ours if our_tag_site(e.attrs) == site_key]
    report.other_keys = sorted({our_tag_site(e.attrs) or "" for e in ours} - {site_key})
    if mine:
        tag = mine[0]
        report.tag_found, report.tag_in_head = True, tag.in_head
        report.tag_deferred = any(a in tag.attrs for a in ("async", "defer")) or \
            (tag.attrs.get("type") or "").lower() == "module"
        head = [e for e in scripts if e.in_head]
        report.tag_first = bool(head) and head[0] is tag
        if head and head[0] is not tag:
            report.first_script = head[0].attrs.get("src") or "inline"
    elements, grouped = parser.elements, set()
    for index, element in enumerate(elements):
        found = [] if index in grouped else _loads_tracker(element, hosts)
        if not found:
            continue
        names = tuple(v.name for v in found)
        category = next(c for c in STRICTEST_FIRST if c in {v.category for v in found})
        original = element.markup
        following = elements[index + 1] if index + 1 < len(elements) else None
        if element.tag == "script" and element.attrs.get("src") and following is not None \
                and following.tag == "script" and not following.attrs.get("src") \
                and "gtag(" in following.code and "data-consent" not in following.attrs:
            original += "\n" + following.markup  # gtag.js and its configuration go together
            grouped.add(index + 1)
        if element.in_noscript:
            report.ungated.append(Finding(names, category, f"<noscript>{original}</noscript>",
                                          None, remove=True))
            continue
        try:
            converted = convert(original, vendors=vendors).markup
        except Invalid:
            converted = None
        report.ungated.append(Finding(names, category, original, converted))
    return report


def check_install(url: str, site_key: str, vendors: list[dict] = (), allow_private: bool = False,
                  **limits) -> Report:
    """Fetch the store's page and report on the install; Unreachable when it cannot."""
    final_url, html = fetch_page(url, allow_private, **limits)
    return scan_page(html, final_url, site_key, vendors)
