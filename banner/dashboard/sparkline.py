"""The stores list's sparklines: each store's interaction rate over the last 30 days, as
the points of a small SVG drawn on the server.

The list loads each one after the page (htmx, on load): the list stays quick however many
stores there are, and showing it reads nothing of the analytics (bringing a store's
roll-ups up to date writes, and only the sparkline's own request should)."""
from datetime import timedelta

from flask import render_template
from flask_login import login_required

from ..models import Site
from ..services import analytics
from . import bp
from .analytics_format import rate
from .analytics_query import DEFAULT_DAYS, last_days
from .context import owned_site

WIDTH, HEIGHT = 100, 24  # the SVG's viewBox; CSS gives it its size


def _segments(values: list[float | None]) -> list[str]:
    """SVG polyline points, one polyline per run of days with a rate (a gap is no line)."""
    step = WIDTH / max(len(values) - 1, 1)
    runs, run = [], []
    for index, value in enumerate(values):
        if value is None:
            if run:
                runs.append(run)
            run = []
            continue
        run.append((round(index * step, 2), round(HEIGHT - value * HEIGHT, 2)))
    if run:
        runs.append(run)
    # A lone day is drawn as a short dash so it shows at all.
    return [" ".join(f"{x},{y}" for x, y in (r if len(r) > 1 else [r[0], (r[0][0] + 1, r[0][1])]))
            for r in runs]


def interaction_trend(site: Site) -> dict:
    """The last 30 days of one store, in its time zone: the daily points and the rate."""
    period = last_days(DEFAULT_DAYS, site.time_zone)
    stats = analytics.stats(site.id, period.start, period.end, ("day",))
    by_day = {group["key"]["day"]: group["metrics"]["interaction_rate"]
              for group in stats["groups"]}
    values = [by_day.get((period.start + timedelta(days=offset)).isoformat())
              for offset in range(period.days)]
    overall = stats["totals"]["interaction_rate"]
    return {"lines": _segments(values), "rate": rate(overall), "known": overall is not None,
            "width": WIDTH, "height": HEIGHT}


@bp.get("/sites/<int:site_id>/analytics/trend")
@login_required
def interaction_sparkline(site_id: int):
    site = owned_site(site_id)
    return render_template("dashboard/analytics/_sparkline.html", site=site,
                           trend=interaction_trend(site))
