"""Metrics from summed roll-up counts (README, "Consent analytics", defines each)."""
import math

from ...analytics_models import DECISION_MS_BUCKETS, DECISION_MS_EDGES

CATEGORIES = ("functional", "analytics", "advertising")


def rate(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide by."""
    return part / whole if whole else None


def percentile(histogram: list[int], fraction: float) -> int | None:
    """The upper edge of the bucket holding the nearest-rank percentile (the open last
    bucket answers with its lower edge); None without timed decisions."""
    total = sum(histogram)
    if not total:
        return None
    rank = math.ceil(fraction * total)
    seen = 0
    for bucket, count in enumerate(histogram):
        seen += count
        if seen >= rank:
            return DECISION_MS_EDGES[min(bucket, len(DECISION_MS_EDGES) - 1)]
    raise AssertionError("unreachable: rank <= total")


def metrics(c: dict) -> dict:
    """The METRICS shape of a set of counts (a dict of every ROLLUP_COUNTS and bucket)."""
    decided, shown = c["visitors_decided"], c["visitors_shown"]
    histogram = [c[name] for name in DECISION_MS_BUCKETS]
    return {
        "displays": c["displays"], "visitors_shown": shown,
        "decisions": c["decisions"], "visitors_decided": decided,
        "interaction_rate": rate(c["interacted"], shown),
        "ignore_rate": rate(shown - c["interacted"], shown),
        "accept_all_share": rate(c["accept_all"], decided),
        "reject_all_share": rate(c["reject_all"], decided),
        "custom_share": rate(c["custom"], decided),
        "opt_in": {name: rate(c[name], decided) for name in CATEGORIES},
        "any_optional_rate": rate(c["any_optional"], decided),
        "withdrawals": c["withdrawals"], "gpc_seen": c["gpc_seen"],
        "gpc_applied": c["gpc_applied"],
        "decision_ms": {"median": percentile(histogram, 0.5),
                        "p90": percentile(histogram, 0.9)},
        "first_layer": c["first_layer"], "preferences": c["preferences"],
    }
