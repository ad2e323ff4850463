"""Shoppers for the dashboard's analytics tests: banner displays and decisions written
through the public API, at times the test chooses (the consent and display services read
the clock that `Clock` sets), so a data set spans days and a day boundary."""
import json
import secrets
import uuid
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from banner.services import consents, impressions
from tests.helpers import ALL, IPHONE, NONE

DESKTOP = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/120.0.0.0 Safari/537.36")
RIYADH = ZoneInfo("Asia/Riyadh")


def riyadh_today() -> date:
    return datetime.now(RIYADH).date()


def riyadh(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """A moment of a Riyadh day, as the naive UTC the services store."""
    local = datetime.combine(day, time(hour, minute, second), RIYADH)
    return local.astimezone(timezone.utc).replace(tzinfo=None)


class Clock:
    """The time the public API records displays and decisions at."""

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch

    def set(self, moment: datetime) -> None:
        for module in (consents, impressions):
            self.monkeypatch.setattr(module, "utcnow", lambda: moment)


class Shopper:
    """One visitor of a store: sees banners and decides, each at a given moment (or now,
    without a clock)."""

    def __init__(self, client, site_key: str, clock: Clock | None = None,
                 user_agent: str = IPHONE):
        self.client, self.site_key, self.clock = client, site_key, clock
        self.visitor, self.secret = str(uuid.uuid4()), secrets.token_urlsafe(24)
        self.headers = {"User-Agent": user_agent, "Content-Type": "text/plain"}

    def _at(self, moment: datetime | None) -> None:
        if moment is not None:
            self.clock.set(moment)

    def sees(self, version: int, moment: datetime | None = None, language: str = "ar") -> None:
        self._at(moment)
        response = self.client.post(
            f"/v1/sites/{self.site_key}/impressions", headers=self.headers,
            data=json.dumps({"version": version, "language": language,
                             "visitor_id": self.visitor}))
        assert response.status_code == 204, response.get_data(as_text=True)

    def decides(self, action: str, version: int, moment: datetime | None = None,
                choices: dict | None = None, source: str = "banner",
                decision_ms: int | None = None, language: str = "ar", **extra) -> None:
        self._at(moment)
        choices = choices or {"accept_all": ALL, "reject_all": NONE}[action]
        body = {"visitor_id": self.visitor, "visitor_secret": self.secret, "version": version,
                "action": action, "choices": choices, "language": language,
                "source": source, "decision_ms": decision_ms, **extra}
        response = self.client.post(f"/v1/sites/{self.site_key}/consents",
                                    headers=self.headers, data=json.dumps(body))
        assert response.status_code == 201, response.get_data(as_text=True)


def hand_made_data_set(client, site_key: str, clock: Clock, today: date) -> None:
    """The data set whose figures tests/test_dashboard_analytics.py writes out by hand.

    Period shown: today - 2 .. today (Riyadh); the period before it: today - 5 .. today - 3.
    Version 1 is shown on the first day, version 2 (material) on the second."""
    first, second, before = today - timedelta(days=2), today - timedelta(days=1), \
        today - timedelta(days=3)
    f, g = (Shopper(client, site_key, clock) for _ in range(2))
    f.sees(1, riyadh(before, 10))
    f.decides("reject_all", 1, riyadh(before, 10, 1), decision_ms=3000)
    g.sees(1, riyadh(before, 11))  # and leaves without deciding

    a, c, e = (Shopper(client, site_key, clock) for _ in range(3))
    b, d = (Shopper(client, site_key, clock, DESKTOP) for _ in range(2))
    for _ in range(3):  # a display posted three times counts once
        a.sees(1, riyadh(first, 9))
    a.decides("accept_all", 1, riyadh(first, 9, 0, 5), decision_ms=2000)
    b.sees(1, riyadh(first, 10))
    b.decides("reject_all", 1, riyadh(first, 10, 0, 4), decision_ms=4000)
    b.decides("custom", 1, riyadh(first, 10, 5), choices={**NONE, "analytics": True},
              source="preferences", decision_ms=6000)  # changed their mind: counts once
    c.sees(1, riyadh(first, 12))  # ignores the banner
    # 01:30 in Riyadh is 22:30 UTC of the day before: it counts on the second day.
    d.sees(2, riyadh(second, 1, 30), language="en")
    d.decides("accept_all", 2, riyadh(second, 1, 30, 3), decision_ms=3000, language="en")
    e.sees(2, riyadh(second, 14))
    e.decides("reject_all", 2, riyadh(second, 14, 0, 2), decision_ms=2000)
    a.sees(2, riyadh(second, 15))  # asked again by the material version 2
    a.decides("accept_all", 2, riyadh(second, 15, 0, 10), decision_ms=10000)
