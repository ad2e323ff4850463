"""What we keep of a visitor's network identity: never the raw IP."""
import hashlib
import hmac
import ipaddress

_V4_MASK = (2**32 - 1) ^ (2**8 - 1)      # keep /24
_V6_MASK = (2**128 - 1) ^ (2**80 - 1)    # keep /48


def anonymise_ip(ip: str | None, mode: str, salt: str, secret: str) -> str | None:
    """truncate: IPv4 /24, IPv6 /48; hash: keyed, per-site hash; none: nothing."""
    if not ip or mode == "none":
        return None
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return None
    if mode == "truncate":
        # The network address by masking the integer: building an ip_network per
        # request was a visible share of a consent write's CPU.
        kept = _V4_MASK if address.version == 4 else _V6_MASK
        return str(type(address)(int(address) & kept))
    if mode == "hash":
        # Keyed with the app secret and a per-site salt: not reversible by brute force
        # over the IPv4 space without the secret, and not joinable across sites.
        key = f"{secret}:{salt}".encode()
        return hmac.new(key, address.packed, hashlib.sha256).hexdigest()[:32]
    raise ValueError(f"unknown IP mode {mode!r}")


def clean_country(value: str | None) -> str | None:
    """An ISO 3166 alpha-2 code from a proxy header; CDNs use XX/T1 for unknown/Tor."""
    if value and len(value) == 2 and value.isalpha() and value.upper() not in ("XX", "T1"):
        return value.upper()
    return None
