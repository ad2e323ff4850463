"""Consent analytics of a store: how shoppers answer the banner over a period, against the
period before, per day, per banner version and per slice; re-consent; downloads."""
from babel.dates import format_interval
from flask import render_template, request
from flask_login import login_required

from ..errors import Invalid
from ..models import Site
from ..services import analytics
from . import bp
from .analytics_format import locale
from .analytics_query import PRESETS, SLICE_NAMES, SLICES, AnalyticsQuery, Period, read_query
from .analytics_sections import breakdown, daily, headline, reconsent, versions
from .context import form_errors, owned_site

PAGE = "dashboard/analytics/page.html"
BREAKDOWN = "dashboard/analytics/_breakdown_table.html"


def span(period: Period) -> str:
    """"1–30 Nov 2026" in the merchant's language."""
    return format_interval(period.start, period.end, "yMMMd", locale=locale())


def _sections(site: Site, period: Period, dimension: str) -> dict:
    by_day = analytics.stats(site.id, period.start, period.end, ("day",))
    before = period.previous()
    previous = analytics.stats(site.id, before.start, before.end)
    by_version = analytics.stats(site.id, period.start, period.end, ("version",))
    by_slice = analytics.stats(site.id, period.start, period.end, (dimension,))
    totals = by_day["totals"]
    return {"headline": headline(totals, previous["totals"]), "daily": daily(by_day, period),
            "versions": versions(by_version), "breakdown": breakdown(by_slice, dimension),
            "reconsent": reconsent(totals), "previous_span": span(before),
            "time_zone": by_day.get("time_zone", site.time_zone),
            "empty": not totals["displays"] and not totals["decisions"]}


def _render(site: Site, query: AnalyticsQuery, period: Period | None, status: int = 200,
            **sections):
    return render_template(
        PAGE, site=site, query=query, period=period, span=span(period) if period else None,
        presets=PRESETS, slices=SLICES, slice_names=SLICE_NAMES,
        dimension=query.slice.data, **sections), status


def _wants_breakdown_only() -> bool:
    # htmx swaps the breakdown's table when the slice changes: only that query runs.
    return bool(request.headers.get("HX-Request")) \
        and request.headers.get("HX-Target") == "breakdown-table"


@bp.get("/sites/<int:site_id>/analytics")
@login_required
def site_analytics(site_id: int):
    site = owned_site(site_id)
    query = read_query()
    if not query.validate():
        return _render(site, query, None, 422)
    period = query.period(site.time_zone)
    query.start.data, query.end.data = period.start, period.end  # a preset's days, shown
    dimension = query.slice.data
    try:
        if _wants_breakdown_only():
            by_slice = analytics.stats(site.id, period.start, period.end, (dimension,))
            return render_template(BREAKDOWN, breakdown=breakdown(by_slice, dimension),
                                   dimension=dimension, slice_names=SLICE_NAMES, span=span(period))
        sections = _sections(site, period, dimension)
    except Invalid as exc:  # the service's own limits, should the form's ever differ
        form_errors(query, exc)
        return _render(site, query, None, 422)
    return _render(site, query, period, **sections)
