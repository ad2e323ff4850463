"""The sections of the analytics page, shaped from the analytics service's answers: the
headline figures against the previous period, the daily chart, the versions compared,
the breakdown by one slice, and re-consent after material versions. Each chart's data
goes out with the same numbers as its table."""
from datetime import date, timedelta

from babel.dates import format_skeleton
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .analytics_format import change, locale, metric, show, slice_value
from .analytics_query import Period
from .publishing import category_name

OPTIONAL = ("functional", "analytics", "advertising")

# (metric, name, kind, which way is better: 1 up, -1 down, 0 neither)
HEADLINES = (
    ("interaction_rate", _l("Interaction rate"), "rate", 1),
    ("accept_all_share", _l("Accepted all"), "rate", 1),
    ("reject_all_share", _l("Rejected all"), "rate", -1),
    ("custom_share", _l("Chose categories"), "rate", 0),
    ("any_optional_rate", _l("Any optional consent"), "rate", 1),
    *((f"opt_in.{key}", None, "rate", 1) for key in OPTIONAL),
    ("decision_ms.median", _l("Median time to decide"), "ms", 0),
    ("displays", _l("Banner displays"), "count", 0),
    ("decisions", _l("Decisions"), "count", 1),
)
HELP = {"interaction_rate": _l("Visitors who decided, of the visitors shown the banner."),
        "any_optional_rate": _l("Decisions that allow at least one optional category."),
        "displays": _l("Counted once per visitor, banner version and day.")}


def opt_in_name(key: str) -> str:
    return _("%(category)s opt-in", category=category_name(key))


def _name(path: str, name) -> str:
    return str(name) if name else opt_in_name(path.split(".")[1])


def headline(now: dict, before: dict) -> list[dict]:
    """Each headline figure, with its change since the previous period of the same length."""
    figures = []
    for path, name, kind, better in HEADLINES:
        value, previous = metric(now, path), metric(before, path)
        moved = change(kind, value, previous)
        tone = "neutral"
        if moved and better and moved["direction"] != "flat":
            tone = "good" if (moved["direction"] == "up") == (better > 0) else "bad"
        figures.append({"key": path, "name": _name(path, name), "value": show(kind, value),
                        "previous": show(kind, previous), "change": moved, "tone": tone,
                        "help": HELP.get(path)})
    return figures


def day_label(day: date) -> str:
    return format_skeleton("MMMd", day, locale=locale())


DAILY = ("interaction_rate", *(f"opt_in.{key}" for key in OPTIONAL))


def daily(stats: dict, period: Period) -> dict:
    """One row per day of the period (a day without data is a gap, not a zero)."""
    by_day = {group["key"]["day"]: group["metrics"] for group in stats["groups"]}
    names = [_("Interaction rate"), *(opt_in_name(key) for key in OPTIONAL)]
    rows, series = [], [[] for _path in DAILY]
    for offset in range(period.days):
        day = period.start + timedelta(days=offset)
        metrics = by_day.get(day.isoformat(), {})
        values = [metric(metrics, path) for path in DAILY]
        for line, value in zip(series, values):
            line.append(value)
        rows.append({"day": day, "label": day_label(day),
                     "displays": show("count", metric(metrics, "displays") or 0),
                     "decisions": show("count", metric(metrics, "decisions") or 0),
                     "rates": [show("rate", value) for value in values]})
    chart = {"labels": [row["label"] for row in rows],
             "series": [{"key": path, "label": name, "values": values}
                        for path, name, values in zip(DAILY, names, series)]}
    return {"rows": rows, "names": names, "chart": chart}


VERSION_RATES = ("interaction_rate", "accept_all_share", "reject_all_share", "custom_share",
                 "any_optional_rate")


def versions(stats: dict) -> dict:
    """Rates per banner version, oldest first, so a change of wording shows its effect."""
    groups = sorted(stats["groups"], key=lambda group: int(group["key"]["version"]))
    rows = []
    for group in groups:
        number, metrics = int(group["key"]["version"]), group["metrics"]
        rows.append({"number": number, "displays": show("count", metrics["displays"]),
                     "decisions": show("count", metrics["decisions"]),
                     "rates": [show("rate", metric(metrics, path)) for path in VERSION_RATES],
                     "median": show("ms", metric(metrics, "decision_ms.median")),
                     "values": [metric(metrics, path) for path in VERSION_RATES]})
    names = [_("Interaction rate"), _("Accepted all"), _("Rejected all"),
             _("Chose categories"), _("Any optional consent")]
    chart = {"labels": [_("Version %(number)d", number=row["number"]) for row in rows],
             "series": [{"key": path, "label": name, "values": [row["values"][i] for row in rows]}
                        for i, (path, name) in enumerate(zip(VERSION_RATES, names))]}
    return {"rows": rows, "names": names, "chart": chart}


BREAKDOWN_RATES = ("interaction_rate", "accept_all_share", "reject_all_share", "custom_share",
                   *(f"opt_in.{key}" for key in OPTIONAL))


def breakdown(stats: dict, dimension: str) -> dict:
    """One row per value of the slice, the most decisions first."""
    groups = sorted(stats["groups"], key=lambda group: (-(group["metrics"]["decisions"] or 0),
                                                         -(group["metrics"]["displays"] or 0)))
    rows = [{"name": slice_value(dimension, group["key"].get(dimension)),
             "displays": show("count", group["metrics"]["displays"]),
             "decisions": show("count", group["metrics"]["decisions"]),
             "rates": [show("rate", metric(group["metrics"], path)) for path in BREAKDOWN_RATES]}
            for group in groups]
    names = [_("Interaction rate"), _("Accepted all"), _("Rejected all"), _("Chose categories"),
             *(opt_in_name(key) for key in OPTIONAL)]
    return {"rows": rows, "names": names}


def reconsent(totals: dict) -> list[dict]:
    """After each material version: visitors asked again, and how many answered."""
    return [{"number": int(item["version"]), "due": show("count", item["visitors_due"]),
             "completed": show("count", item["completed"]), "rate": show("rate", item["rate"]),
             "share": item["rate"]} for item in totals.get("reconsent") or []]
