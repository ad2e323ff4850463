"""Factories for consent records and displays at chosen times (the API stamps them with
the current time; analytics tests need days, boundaries and versions of their own)."""
import random
import uuid
from datetime import datetime, timedelta

from banner.extensions import db
from banner.models import BannerVersion, ConsentRecord, Impression

OPTIONAL = ("functional", "analytics", "advertising")
ACTION_CHOICES = {"accept_all": (True, True, True), "reject_all": (False, False, False),
                  "withdraw": (False, False, False), "gpc": (False, False, False)}


def version_id(site, number: int) -> int:
    return db.session.scalar(db.select(BannerVersion.id).filter_by(site_id=site.id,
                                                                   number=number))


def add_record(site, when: datetime, visitor: uuid.UUID, action="custom", choices=None,
               version=1, source="banner", gpc=False, decision_ms=None, language="ar",
               device="desktop", browser="Chrome", os="Windows", country="SA",
               policy="opt_in", commit=True) -> ConsentRecord:
    functional, analytics, advertising = choices or ACTION_CHOICES.get(action,
                                                                       (False, True, False))
    record = ConsentRecord(
        id=uuid.uuid4(), site_id=site.id, visitor_id=visitor,
        banner_version_id=version_id(site, version), action=action, necessary=True,
        functional=functional, analytics=analytics, advertising=advertising,
        language=language, source=source, gpc=gpc, country=country, policy_mode=policy,
        device_type=device, browser_family=browser, os_family=os, decision_ms=decision_ms,
        recorded_at=when)
    db.session.add(record)
    if commit:
        db.session.commit()
    return record


def add_display(site, when: datetime, visitor: uuid.UUID, version=1, language="ar",
                device="desktop", browser="Chrome", os="Windows", country="SA",
                policy="opt_in", commit=True) -> Impression:
    from zoneinfo import ZoneInfo

    from banner.services.analytics.days import local_day
    display = Impression(site_id=site.id, banner_version_id=version_id(site, version),
                         visitor_id=visitor, day=local_day(when, ZoneInfo(site.time_zone)),
                         shown_at=when, language=language, device_type=device,
                         browser_family=browser, os_family=os, country=country,
                         policy_mode=policy)
    db.session.add(display)
    if commit:
        db.session.commit()
    return display


def random_traffic(site, start: datetime, days: int, visitors: int, seed: int,
                   versions=(1,)) -> None:
    """A seeded mix of displays and decisions around the clock (midnight in the site's
    zone included), with visitors who change their mind, come back, or only look."""
    rng = random.Random(seed)
    slices = [{"device": "mobile", "browser": "Mobile Safari", "os": "iOS"},
              {"device": "desktop", "browser": "Chrome", "os": "Windows"},
              {"device": "tablet", "browser": "Chrome", "os": "Android"},
              {"device": None, "browser": None, "os": None}]
    from zoneinfo import ZoneInfo

    from banner.services.analytics.days import local_day
    zone, shown = ZoneInfo(site.time_zone), set()
    for _ in range(visitors):
        visitor = uuid.uuid4()
        where = dict(rng.choice(slices), country=rng.choice(["SA", "AE", "US", None]),
                     language=rng.choice(["ar", "en"]))
        where["policy"] = {"US": "opt_out", None: None}.get(where["country"], "opt_in")
        moment = start + timedelta(minutes=rng.randrange(days * 24 * 60))
        for _ in range(rng.randint(1, 4)):
            version = rng.choice(versions)
            display = (visitor, local_day(moment, zone), version)
            if rng.random() < 0.8 and display not in shown:  # once a day, as the API does
                shown.add(display)
                add_display(site, moment, visitor, version=version, commit=False, **where)
            for _ in range(rng.choice([0, 1, 1, 1, 2, 3])):
                moment += timedelta(seconds=rng.randint(1, 4000))
                action = rng.choice(["accept_all", "accept_all", "reject_all", "custom",
                                     "withdraw", "gpc"])
                choices = None
                if action == "custom":
                    choices = tuple(rng.random() < 0.5 for _ in OPTIONAL)
                source = "gpc" if action == "gpc" else rng.choice(
                    ["banner", "banner", "preferences", "api"])
                add_record(site, moment, visitor, action=action, choices=choices,
                           version=version, source=source,
                           gpc=action == "gpc" or rng.random() < 0.1,
                           decision_ms=rng.choice([None, rng.randint(0, 700_000),
                                                   rng.randint(200, 20_000)]),
                           commit=False, **where)
            moment += timedelta(hours=rng.randint(1, 30))
    db.session.commit()
