"""The install check: fetch a store's page on the server and say whether our tag is there,
first in <head>, and which tracker tags still load without consent.

The URL comes from a merchant, so the fetch is guarded against reaching our own network
(SSRF): http(s) only, every address of the host checked after resolving it and the
connection made to that checked address, each redirect checked again, a deadline and a
size cap."""
import http.client
import ipaddress
import socket
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from ..errors import Invalid
from .tag_converter import (JS_TYPES, STRICTEST_FIRST, Vendor, convert, is_gtm_container, is_our_tag,
                            known_hosts, start_tag, vendors_in)

TIMEOUT = 8.0  # seconds for the whole check, redirects included
MAX_BYTES = 2_000_000
MAX_REDIRECTS = 3
MAX_URL = 2000
USER_AGENT = "ConsentBanner-InstallCheck/1.0"
REDIRECTS = (301, 302, 303, 307, 308)
HEAD_TAGS = frozenset({"html", "head", "title", "meta", "link", "style", "script", "noscript",
                       "base", "template"})


class Unreachable(Invalid):
    """The page could not be checked; reason is one of: scheme, host, address, timeout,
    connection, status, redirects, not_html, too_big."""

    def __init__(self, reason: str, message: str, **params):
        super().__init__(message, {"url": [message]})
        self.reason, self.params = reason, params


def is_public(address: str) -> bool:
    """Whether an address is on the public internet (not private, loopback, link-local,
    reserved, multicast or unspecified); IPv4 inside IPv6 is judged as IPv4."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _addresses(host: str, port: int, allow_private: bool) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise Unreachable("host", f"{host} could not be found.", host=host) from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    # Every address must be public: a name may resolve to a public and a private one.
    if not allow_private and not all(is_public(address) for address in addresses):
        raise Unreachable("address", f"{host} is on a private network.", host=host)
    return addresses


def _pinned(scheme: str, host: str, port: int, address: str, timeout: float):
    """A connection to the address checked beforehand, not to whatever the name resolves
    to by the time it connects (DNS rebinding); TLS still verifies the host name."""
    tls = scheme == "https"

    class Pinned(http.client.HTTPSConnection if tls else http.client.HTTPConnection):
        def connect(self):
            sock = socket.create_connection((address, self.port), self.timeout)
            self.sock = self._context.wrap_socket(sock, server_hostname=self.host) if tls \
                else sock
    return Pinned(host, port, timeout=timeout)


def normalise_url(url: str) -> str:
    url = (url or "").strip()
    if len(url) > MAX_URL:
        raise Unreachable("scheme", "The address is too long.")
    return url if "://" in url else "https://" + url  # "mystore.sa" means the https site


def _one_request(url: str, allow_private: bool, deadline: float, max_bytes: int):
    """(status, location, body, charset) of one GET; body None for a redirect."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:  # a bad port or a broken [IPv6] host
        raise Unreachable("scheme", "The address is not valid.") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username \
            or parts.password:
        raise Unreachable("scheme", "Only http and https addresses can be checked.")
    address = _addresses(parts.hostname, port, allow_private)[0]
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise Unreachable("timeout", "The store did not answer in time.")
    connection = _pinned(parts.scheme, parts.hostname, port, address, remaining)
    response = None
    try:
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request("GET", path, headers={
            "User-Agent": USER_AGENT, "Accept": "text/html", "Accept-Encoding": "identity"})
        response = connection.getresponse()
        if response.status in REDIRECTS:
            return response.status, response.getheader("Location"), None, None
        if not 200 <= response.status < 300:
            raise Unreachable("status", f"The store answered {response.status}.",
                              status=response.status)
        content_type = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
        if content_type not in ("text/html", "application/xhtml+xml"):
            raise Unreachable("not_html", "The address is not an HTML page.")
        if int(response.getheader("Content-Length") or 0) > max_bytes:
            raise Unreachable("too_big", "The page is too big to check.")
        chunks, size = [], 0
        while chunk := response.read(65536):
            size += len(chunk)
            if size > max_bytes:
                raise Unreachable("too_big", "The page is too big to check.")
            if time.monotonic() > deadline:  # a server that trickles bytes
                raise Unreachable("timeout", "The store did not answer in time.")
            chunks.append(chunk)
        charset = response.headers.get_content_charset() or "utf-8"
        return response.status, None, b"".join(chunks), charset
    except (TimeoutError, socket.timeout):
        raise Unreachable("timeout", "The store did not answer in time.") from None
    except (OSError, http.client.HTTPException) as exc:
        raise Unreachable("connection", f"The store could not be reached ({exc}).") from None
    finally:
        if response is not None:
            response.close()  # it holds the socket once the connection hands it over
        connection.close()


def fetch_page(url: str, allow_private: bool = False, timeout: float = TIMEOUT,
               max_bytes: int = MAX_BYTES, max_redirects: int = MAX_REDIRECTS) -> tuple[str, str]:
    """(final URL, HTML) of a store page, or Unreachable saying why not."""
    url, deadline = normalise_url(url), time.monotonic() + timeout
    for _ in range(max_redirects + 1):
        status, location, body, charset = _one_request(url, allow_private, deadline, max_bytes)
        if body is None:
            if not location:
                raise Unreachable("status", f"The store answered {status}.", status=status)
            try:
                url = urljoin(url, location.strip())  # checked again on the next turn
            except ValueError:
                raise Unreachable("status", "The store redirects to an invalid address.",
                                  status=status) from None
            continue
        try:
            return url, body.decode(charset, errors="replace")
        except LookupError:  # a charset Python does not know
            return url, body.decode("utf-8", errors="replace")
    raise Unreachable("redirects", "The page redirects too many times.")


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
    mine = [e for e in ours if e.attrs.get("data-site") == site_key]
    report.other_keys = sorted({e.attrs.get("data-site") or "" for e in ours} - {site_key})
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
