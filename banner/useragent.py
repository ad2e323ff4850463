"""Device, browser and OS families from a User-Agent, cached: parsing is slow."""
from functools import lru_cache
from typing import NamedTuple

from user_agents import parse

MAX_UA_LENGTH = 512  # longer strings are junk or attacks, not browsers


class Device(NamedTuple):
    device_type: str
    browser_family: str
    os_family: str


@lru_cache(maxsize=4096)
def _parse(ua_string: str) -> Device:
    ua = parse(ua_string)
    if ua.is_bot:
        kind = "bot"
    elif ua.is_tablet:
        kind = "tablet"
    elif ua.is_mobile:
        kind = "mobile"
    elif ua.is_pc:
        kind = "desktop"
    else:
        kind = "other"
    return Device(kind, ua.browser.family[:64], ua.os.family[:64])


def parse_device(ua_string: str | None) -> Device:
    """Parsed families; 'other' for a missing or oversized header."""
    if not ua_string or len(ua_string) > MAX_UA_LENGTH:
        return Device("other", "Other", "Other")
    return _parse(ua_string)
