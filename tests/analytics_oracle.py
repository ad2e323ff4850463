"""Consent metrics computed the plain way, straight from consent_record and impression
rows in Python: what the roll-ups must agree with. Written apart from the service's SQL on
purpose (README, "Consent analytics", is the specification of both)."""
import math
from collections import defaultdict
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from banner.extensions import db
from banner.models import BannerVersion, ConsentRecord, Impression, Site

EDGES = (250, 500, 750, 1000, 1250, 1500, 2000, 2500, 3000, 4000, 5000, 6000, 7500, 10_000,
         12_500, 15_000, 20_000, 25_000, 30_000, 45_000, 60_000, 90_000, 120_000, 300_000,
         600_000)
DIMENSION = {"day": lambda row, day, number: day.isoformat(),
             "version": lambda row, day, number: number,
             "language": lambda row, day, number: row.language,
             "device": lambda row, day, number: row.device_type,
             "browser": lambda row, day, number: row.browser_family,
             "os": lambda row, day, number: row.os_family,
             "country": lambda row, day, number: row.country,
             "source": lambda row, day, number: getattr(row, "source", None),
             "policy": lambda row, day, number: row.policy_mode}


def _day(moment, zone):
    return moment.replace(tzinfo=UTC).astimezone(zone).date()


def _share(part, whole):
    return part / whole if whole else None


def _upper_edge(ms):
    for edge in EDGES:
        if ms < edge:
            return edge
    return EDGES[-1]


def _percentile(times, fraction):
    if not times:
        return None
    return _upper_edge(sorted(times)[math.ceil(fraction * len(times)) - 1])


def _metrics(g):
    decided, shown = len(g["last"]), g["shown"]
    interacted = sum(1 for item in g["last"] if item["interacted"])
    rows = [item["row"] for item in g["last"]]
    times = [row.decision_ms for row in rows if row.decision_ms is not None]
    return {
        "displays": g["displays"], "visitors_shown": shown, "decisions": g["records"],
        "visitors_decided": decided,
        "interaction_rate": _share(interacted, shown),
        "ignore_rate": _share(shown - interacted, shown),
        "accept_all_share": _share(sum(r.action == "accept_all" for r in rows), decided),
        "reject_all_share": _share(sum(r.action == "reject_all" for r in rows), decided),
        "custom_share": _share(sum(r.action == "custom" for r in rows), decided),
        "opt_in": {name: _share(sum(getattr(r, name) for r in rows), decided)
                   for name in ("functional", "analytics", "advertising")},
        "any_optional_rate": _share(sum(r.functional or r.analytics or r.advertising
                                        for r in rows), decided),
        "withdrawals": sum(r.action == "withdraw" for r in rows),
        "gpc_seen": sum(r.gpc for r in rows),
        "gpc_applied": sum(r.gpc and not r.advertising for r in rows),
        "decision_ms": {"median": _percentile(times, 0.5), "p90": _percentile(times, 0.9)},
        "first_layer": sum(r.source == "banner" for r in rows),
        "preferences": sum(r.source == "preferences" for r in rows),
    }


def _reconsent(records, zone, end, numbers, versions):
    """Per material version after the first: due and completed, as defined in README."""
    by_visitor = defaultdict(list)
    for row in records:
        by_visitor[row.visitor_id].append(row)
    cells = defaultdict(int)
    for rows in by_visitor.values():
        days = defaultdict(list)
        for row in rows:
            days[_day(row.recorded_at, zone)].append(row)
        for day, same_day in days.items():
            if day > end:
                continue
            last = max(same_day, key=lambda r: (r.recorded_at, r.id))
            earlier = [numbers[r.banner_version_id] for r in rows
                       if _day(r.recorded_at, zone) < day]
            cells[(numbers[last.banner_version_id], max(earlier, default=0))] += 1
    published = sorted(v.number for v in versions if v.status == "published")
    answer = []
    for v in sorted(versions, key=lambda v: v.number):
        if v.status != "published" or v.change_kind != "material" or v.number == published[0]:
            continue
        if not v.published_at < _end_of(end, zone):
            continue
        due = sum(n for (version, prior), n in cells.items() if prior == 0 and version < v.number)
        done = sum(n for (version, prior), n in cells.items() if 0 < prior < v.number <= version)
        answer.append({"version": v.number, "visitors_due": due, "completed": done,
                       "rate": _share(done, due)})
    return answer


def _end_of(day, zone):
    local = datetime.combine(day + timedelta(days=1), time(), zone)
    return local.astimezone(UTC).replace(tzinfo=None)


def oracle(site_id, start, end, group_by=()):
    """stats() computed from the raw rows."""
    db.session.rollback()
    site = db.session.get(Site, site_id)
    zone = ZoneInfo(site.time_zone)
    versions = db.session.scalars(db.select(BannerVersion).filter_by(site_id=site_id)).all()
    numbers = {v.id: v.number for v in versions}
    records = db.session.scalars(db.select(ConsentRecord).filter_by(site_id=site_id)).all()
    shown = db.session.scalars(db.select(Impression).filter_by(site_id=site_id)).all()
    groups = defaultdict(lambda: {"displays": 0, "shown": 0, "records": 0, "last": []})

    def key_of(row, day):
        return tuple(DIMENSION[d](row, day, numbers[row.banner_version_id]) for d in group_by)

    shown_days = defaultdict(list)
    for row in shown:
        day = _day(row.shown_at, zone)
        if start <= day <= end:
            shown_days[(row.visitor_id, day)].append(row)
    for (visitor, day), rows in shown_days.items():
        first = min(rows, key=lambda r: (r.shown_at, r.id))
        for row in rows:
            groups[key_of(row, day)]["displays"] += 1
        groups[key_of(first, day)]["shown"] += 1
    decided = defaultdict(list)
    for row in records:
        day = _day(row.recorded_at, zone)
        if start <= day <= end:
            decided[(row.visitor_id, day)].append(row)
            groups[key_of(row, day)]["records"] += 1
    for (visitor, day), rows in decided.items():
        last = max(rows, key=lambda r: (r.recorded_at, r.id))
        own = any(r.source != "gpc" for r in rows)
        groups[key_of(last, day)]["last"].append(
            {"row": last, "interacted": own and (visitor, day) in shown_days})
    total = {"displays": sum(g["displays"] for g in groups.values()),
             "shown": sum(g["shown"] for g in groups.values()),
             "records": sum(g["records"] for g in groups.values()),
             "last": [item for g in groups.values() for item in g["last"]]}
    totals = _metrics(total)
    totals["reconsent"] = _reconsent(records, zone, end, numbers, versions)
    listed = []
    if group_by:
        for key in sorted(groups, key=lambda k: tuple((v is None, v if v is not None else 0)
                                                      for v in k)):
            listed.append({"key": dict(zip(group_by, key)), "metrics": _metrics(groups[key])})
    return {"from": start.isoformat(), "to": end.isoformat(), "time_zone": site.time_zone,
            "group_by": list(group_by), "totals": totals, "groups": listed}
