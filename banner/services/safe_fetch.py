"""Fetching a page whose address a merchant gave, guarded against reaching our own
network (SSRF): http(s) only, every address of the host checked after resolving it and
the connection made to that checked address, each redirect checked again, a deadline and
a size cap."""
import http.client
import ipaddress
import socket
import time
from urllib.parse import urljoin, urlsplit

from ..errors import Invalid

TIMEOUT = 8.0  # seconds for the whole check, redirects included
MAX_BYTES = 2_000_000
MAX_REDIRECTS = 3
MAX_URL = 2000
USER_AGENT = "ConsentBanner-InstallCheck/1.0"
REDIRECTS = (301, 302, 303, 307, 308)


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
