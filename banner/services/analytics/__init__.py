"""Consent analytics: rates from roll-ups kept exact, and streamed exports.

The roll-ups (rollups.py) are refreshed when stats are asked (freshness.py), rebuilt
for the days a purge or an erasure touches, and read by stats.py.
"""
from .exports import count_consents, export_consents, export_stats
from .freshness import rebuild_site, refresh
from .stats import DIMENSIONS, stats

__all__ = ["DIMENSIONS", "count_consents", "export_consents", "export_stats", "rebuild_site",
           "refresh", "stats"]
