"""Consent rates and streamed exports of a site."""
from flask import current_app, stream_with_context

from ...services import analytics
from .auth import admin_blueprint, current_site, requires
from .stats_schemas import RangeQuerySchema, StatsOutSchema, StatsQuerySchema

bp = admin_blueprint("Analytics", __name__, "Consent rates and exports: streamed, no cap.")
TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson",
         "json": "application/json"}


def _download(chunks, name: str, fmt: str):
    """A streamed attachment: the view's session stays open until the last chunk."""
    response = current_app.response_class(stream_with_context(chunks), content_type=TYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _name(kind: str, start, end) -> str:
    return f"{current_site().site_key}-{kind}-{start.isoformat()}-{end.isoformat()}"


@bp.get("/sites/<int:site_id>/stats")
@requires("stats:read")
@bp.arguments(StatsQuerySchema, location="query", as_kwargs=True)
@bp.response(200, StatsOutSchema)
@bp.refusals(404, 422)
def get_stats(site_id: int, start, end, group_by: list[str]):
    """Consent rates of a range of days, in total and per group."""
    answer = analytics.stats(current_site().id, start, end, tuple(group_by))
    return answer, 200, {"Cache-Control": "no-store"}


def _consents_export(fmt: str):
    def export(site_id: int, start, end):
        chunks = analytics.export_consents(current_site().id, start, end, fmt)
        return _download(chunks, _name("consents", start, end), fmt)
    export.__name__ = f"export_consents_{fmt}"
    export.__doc__ = f"Every consent record of the range, streamed as {fmt.upper()}."
    return export


def _stats_export(fmt: str):
    def export(site_id: int, start, end, group_by: list[str]):
        chunks = analytics.export_stats(current_site().id, start, end, tuple(group_by), fmt)
        return _download(chunks, _name("stats", start, end), fmt)
    export.__name__ = f"export_stats_{fmt}"
    export.__doc__ = f"The consent rates of the range as {fmt.upper()}."
    return export


for _fmt in ("csv", "jsonl"):
    bp.get(f"/sites/<int:site_id>/exports/consents.{_fmt}")(requires("stats:read")(
        bp.arguments(RangeQuerySchema, location="query", as_kwargs=True)(
            bp.response(200, content_type=TYPES[_fmt], description="A file download")(
                bp.refusals(404, 422)(_consents_export(_fmt))))))

for _fmt in ("csv", "json"):
    bp.get(f"/sites/<int:site_id>/exports/stats.{_fmt}")(requires("stats:read")(
        bp.arguments(StatsQuerySchema, location="query", as_kwargs=True)(
            bp.response(200, content_type=TYPES[_fmt], description="A file download")(
                bp.refusals(404, 422)(_stats_export(_fmt))))))
