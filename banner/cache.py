"""A tiny per-process TTL cache, kept on the app so each app (and test) has its own."""
import threading
import time
from typing import Any, Callable

from flask import current_app


class TTLCache:
    def __init__(self, seconds: float, max_items: int = 10_000):
        self.seconds = seconds
        self.max_items = max_items
        self._items: dict[Any, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key):
        """The cached value if still fresh, else None."""
        hit = self._items.get(key)
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]
        return None

    def get_or_set(self, key, make: Callable[[], Any], until: Callable[[Any], float] | None = None):
        """The cached value, or make()'s, kept for the cache's seconds or, when until is
        given, no later than until(value) (a monotonic time)."""
        now = time.monotonic()
        hit = self._items.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        value = make()
        with self._lock:
            if len(self._items) >= self.max_items:
                self._items.clear()  # crude, but bounded; misses only cost a query
            expires = now + self.seconds
            self._items[key] = (min(expires, until(value)) if until else expires, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def app_cache(name: str) -> TTLCache:
    """The named cache of the current app."""
    caches = current_app.extensions.setdefault("banner_caches", {})
    if name not in caches:
        caches[name] = TTLCache(current_app.config["BANNER_CACHE_SECONDS"])
    return caches[name]


def clear_caches() -> None:
    for cache in current_app.extensions.get("banner_caches", {}).values():
        cache.clear()
