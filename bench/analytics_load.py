"""Synthetic consent traffic for bench/analytics.py, loaded with COPY.

Visitors arrive over DAYS days on several sites (one large, several smaller), come back
on later days now and then, see the banner on most visits, and decide on most of those:
accepting, refusing, customising, sometimes changing their mind, withdrawing, or sending
GPC. Devices, browsers, countries, languages and the policy that applied follow a skewed,
storefront-like mix; times follow the day in the site's time zone (midnight included).
"""
import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

DAYS = 90
SITES = (("bench-large", "Asia/Riyadh", 0.40), ("bench-medium", "Asia/Riyadh", 0.25),
         ("bench-gulf", "Asia/Dubai", 0.15), ("bench-europe", "Europe/Berlin", 0.12),
         ("bench-small", "Asia/Riyadh", 0.08))
CLIENTS = [  # (weight, device, browser, os)
    (30, "mobile", "Mobile Safari", "iOS"), (28, "mobile", "Chrome Mobile", "Android"),
    (6, "mobile", "Samsung Internet", "Android"), (4, "mobile", "Chrome Mobile iOS", "iOS"),
    (12, "desktop", "Chrome", "Windows"), (4, "desktop", "Edge", "Windows"),
    (3, "desktop", "Firefox", "Windows"), (5, "desktop", "Safari", "Mac OS X"),
    (2, "desktop", "Chrome", "Mac OS X"), (4, "tablet", "Mobile Safari", "iOS"),
    (1, "tablet", "Chrome", "Android"), (1, "other", "Other", "Other")]
COUNTRIES = [(55, "SA"), (12, "AE"), (5, "KW"), (3, "QA"), (8, "EG"), (5, "US"), (3, "GB"),
             (2, "DE"), (4, "IN"), (3, None)]
OPT_IN = {"SA", "AE", "KW", "QA", "GB", "DE", None}
ARABIC = {"SA", "AE", "KW", "QA", "EG"}
# (weight, action, source, functional, analytics, advertising)
DECISIONS = [(50, "accept_all", "banner", 1, 1, 1), (18, "reject_all", "banner", 0, 0, 0),
             (5, "accept_all", "preferences", 1, 1, 1), (3, "reject_all", "preferences", 0, 0, 0),
             (6, "custom", "preferences", 1, 0, 0), (5, "custom", "preferences", 1, 1, 0),
             (3, "custom", "preferences", 0, 1, 0), (2, "custom", "api", 1, 1, 0),
             (2, "withdraw", "api", 0, 0, 0)]
HOURS = [1, 1, 1, 1, 1, 1, 2, 3, 4, 5, 6, 6, 6, 6, 6, 6, 7, 8, 9, 10, 10, 9, 7, 4]  # local


def _picker(rng, table):
    weights = [row[0] for row in table]
    rows = [row[1:] if len(row) > 2 else row[1] for row in table]
    return lambda: rng.choices(rows, weights)[0]


def _hex(rng) -> str:
    return f"{rng.getrandbits(128):032x}"


def _time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def generate(records: int, site_ids: dict, version_ids: dict, end: datetime, seed: int,
             write_record, write_display) -> int:
    """About `records` consent records (and their displays) through the write callbacks,
    as COPY text lines; returns the records written."""
    rng = random.Random(seed)
    client, country_of, decision = (_picker(rng, CLIENTS), _picker(rng, COUNTRIES),
                                     _picker(rng, DECISIONS))
    start = end - timedelta(days=DAYS)
    written = 0
    for key, zone_name, share in SITES:
        zone, site_id, target = ZoneInfo(zone_name), site_ids[key], int(records * share)
        versions = version_ids[key]  # [(number, id, from)] oldest first
        count = 0
        while count < target:
            device, browser, os_family = client()
            country = country_of()
            language = "ar" if country in ARABIC and rng.random() < 0.8 else "en"
            policy = "opt_in" if country in OPT_IN else "opt_out"
            gpc = rng.random() < 0.04
            visitor = _hex(rng)
            day = rng.randrange(DAYS)
            for _ in range(rng.choices((1, 2, 3), (70, 20, 10))[0]):
                if day >= DAYS:
                    break
                local = datetime.combine((start + timedelta(days=day)).date(),
                                         datetime.min.time(), zone)
                moment = (local + timedelta(hours=rng.choices(range(24), HOURS)[0],
                                            seconds=rng.randrange(3600)))
                moment = moment.astimezone(UTC).replace(tzinfo=None)
                if moment >= end:
                    break
                version = next(v for v in reversed(versions) if v[2] <= moment)
                common = (str(site_id), visitor, str(version[1]))
                slice_ = (language, device, browser, os_family, country or r"\N", policy)
                shown = rng.random() < 0.88
                if shown:
                    write_display("\t".join((*common, local.date().isoformat(), _time(moment),
                                             *slice_)) + "\n")
                steps = rng.choices((0, 1, 2), (22 if shown else 90, 70, 8))[0]
                if gpc and shown:
                    count += 1
                    written += 1
                    write_record(_record(rng, common, moment, ("gpc", "gpc", 0, 0, 0), True,
                                         None, slice_))
                for _ in range(steps):
                    moment += timedelta(seconds=rng.randint(1, 90))
                    ms = int(rng.lognormvariate(8.0, 0.9)) if shown else None
                    write_record(_record(rng, common, moment, decision(), gpc, ms, slice_))
                    count += 1
                    written += 1
                day += rng.randint(1, 20)
    return written


def _record(rng, common, moment, choice, gpc, ms, slice_) -> str:
    action, source, functional, analytics, advertising = choice
    if gpc:
        advertising = 0
    language, device, browser, os_family, country, policy = slice_
    return "\t".join((
        _hex(rng), *common, action, "t", "tf"[not functional], "tf"[not analytics],
        "tf"[not advertising], language, source, r"\N", "tf"[not gpc],
        f"https://store.example/products/item-{rng.randrange(500)}", country, policy,
        r"\N", device, browser, os_family, "192.0.2.0", _hex(rng), _time(moment),
        r"\N" if ms is None else str(ms), _time(moment), f"{rng.getrandbits(256):064x}")) + "\n"


RECORD_COLUMNS = ("id", "site_id", "visitor_id", "banner_version_id", "action", "necessary",
                  "functional", "analytics", "advertising", "language", "source",
                  "age_confirmed", "gpc", "page_url", "country", "policy_mode", "policy_rule",
                  "device_type", "browser_family", "os_family", "ip", "idempotency_key",
                  "client_time", "decision_ms", "recorded_at", "record_hash")
DISPLAY_COLUMNS = ("site_id", "visitor_id", "banner_version_id", "day", "shown_at",
                   "language", "device_type", "browser_family", "os_family", "country",
                   "policy_mode")
