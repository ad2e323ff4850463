"""Per-process caches of what the public endpoints read from the database, kept on the
app so each app (and test) has its own.

Each cache is bounded and evicts the least recently used entry, so junk keys cost only
their own slot. An entry is fresh for BANNER_CACHE_SECONDS (or until a deadline the
caller gives), then loaded again. When that load fails because the database cannot be
reached, the last good value is served instead, for at most BANNER_STALE_IF_ERROR
seconds past its freshness, and the database is asked again only every
BANNER_CACHE_SECONDS: an outage costs neither the banner nor a connection attempt per
request.
"""
import math
import threading
import time
from collections import OrderedDict
from typing import Any, Callable

from flask import current_app
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

DEFAULT_STALE_IF_ERROR = 86400  # a day: long enough to ride out an outage overnight
NEVER = math.inf  # seconds of a cache whose entries stay valid until replaced or evicted


def database_unreachable(exc: BaseException) -> bool:
    """Whether exc means the database could not be reached or answer in time (as opposed
    to refusing a statement): the request may succeed later, so it is a 503."""
    if isinstance(exc, (OperationalError, InterfaceError, PoolTimeout)):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


class LRUCache:
    """A bounded LRU map of (fresh until, stale until, value), safe across threads."""

    def __init__(self, seconds: float, max_items: int = 10_000, stale_seconds: float = 0.0,
                 name: str = "cache"):
        self.seconds = seconds
        self.max_items = max_items
        self.stale_seconds = stale_seconds
        self.name = name
        self._items: OrderedDict[Any, tuple[float, float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key):
        """The cached value if still fresh, else None."""
        hit = self._items.get(key)
        if hit is None or hit[0] <= time.monotonic():
            return None
        self._touch(key)
        return hit[2]

    def fresh_until(self, key) -> float:
        """The monotonic time past which key is loaded again (0 when absent)."""
        hit = self._items.get(key)
        return hit[0] if hit is not None else 0.0

    def put(self, key, value, fresh_until: float | None = None) -> None:
        """Keep value, fresh for the cache's seconds or until fresh_until if sooner."""
        fresh = time.monotonic() + self.seconds
        if fresh_until is not None:
            fresh = min(fresh, fresh_until)
        self._store(key, (fresh, fresh + self.stale_seconds, value))

    def get_or_set(self, key, make: Callable[[], Any],
                   until: Callable[[Any], float] | None = None):
        """The fresh cached value, or make()'s, kept for the cache's seconds or, when
        until is given, no later than until(value) (a monotonic time). If make() finds
        the database unreachable, the stale value while it may still be served."""
        now = time.monotonic()
        hit = self._items.get(key)
        if hit is not None and hit[0] > now:
            self._touch(key)
            return hit[2]
        try:
            value = make()
        except Exception as exc:
            if hit is None or now >= hit[1] or not database_unreachable(exc):
                raise
            # Ask again after another period, not on every request of the outage.
            self._store(key, (min(now + self.seconds, hit[1]), hit[1], hit[2]))
            current_app.logger.warning("Database unreachable (%s): serving %s %r stale",
                                       type(exc).__name__, self.name, key)
            return hit[2]
        self.put(key, value, until(value) if until else None)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def _touch(self, key) -> None:
        try:
            self._items.move_to_end(key)
        except KeyError:  # evicted by another thread meanwhile: nothing to refresh
            pass

    def _store(self, key, entry) -> None:
        with self._lock:
            self._items[key] = entry
            self._items.move_to_end(key)
            while len(self._items) > self.max_items:
                self._items.popitem(last=False)


def stale_if_error() -> float:
    """Seconds past its freshness a value may still be served while the database is down."""
    return current_app.config.get("BANNER_STALE_IF_ERROR", DEFAULT_STALE_IF_ERROR)


def app_cache(name: str, max_items: int = 10_000, stale: bool = True,
              seconds: float | None = None) -> LRUCache:
    """The named cache of the current app (made on first use with these settings)."""
    caches = current_app.extensions.setdefault("banner_caches", {})
    cache = caches.get(name)
    if cache is None:
        if seconds is None:
            seconds = current_app.config["BANNER_CACHE_SECONDS"]
        cache = caches.setdefault(name, LRUCache(seconds, max_items,
                                                 stale_if_error() if stale else 0.0, name))
    return cache


def clear_caches() -> None:
    """Forget every cached value of the current app (stale copies included)."""
    for cache in current_app.extensions.get("banner_caches", {}).values():
        cache.clear()

