"""Downloads of the analytics page: the raw consent records (CSV, JSON Lines) and the
aggregates (CSV, JSON), streamed from the analytics service as it produces them, so a
long range never sits in memory here. X-Export-Rows tells the page's progress bar how
many records to expect (the aggregates are a few hundred rows at most: no count first)."""
from itertools import chain

from flask import Response, request, stream_with_context
from flask_login import login_required

from ..errors import Invalid
from ..services import analytics
from . import bp
from .analytics_query import read_query
from .context import owned_site
from .errors import error_page

MIMETYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson",
             "json": "application/json"}


def _period(site):
    query = read_query()
    if not query.validate():
        raise Invalid("; ".join(str(e) for errors in query.errors.values() for e in errors),
                      query.errors)
    return query.period(site.time_zone)


def _group_by() -> tuple[str, ...]:
    names = [name for value in request.args.getlist("group_by") for name in value.split(",")]
    return tuple(name.strip() for name in names if name.strip()) or ("day",)


def _stream(chunks, filename: str, fmt: str, rows: int | None = None) -> Response:
    # The first chunk is produced before the answer starts, so a refusal raised on the
    # way in is still a clean error page and not a cut-off download.
    chunks = iter(chunks)
    first = next(chunks, b"")
    body = stream_with_context(chain((first,), chunks))
    headers = {"Content-Disposition": f'attachment; filename="{filename}"',
               "Cache-Control": "no-store"}
    if rows is not None:
        headers["X-Export-Rows"] = str(rows)
    return Response(body, mimetype=MIMETYPES[fmt], headers=headers)


@bp.get("/sites/<int:site_id>/exports/consents.<any(csv, jsonl):fmt>")
@login_required
def export_consents(site_id: int, fmt: str):
    site = owned_site(site_id)
    try:
        period = _period(site)
        rows = analytics.count_consents(site.id, period.start, period.end)
        chunks = analytics.export_consents(site.id, period.start, period.end, fmt)
        name = f"consents-{site.site_key}-{period.start}-{period.end}.{fmt}"
        return _stream(chunks, name, fmt, rows)
    except Invalid as exc:
        return error_page(422, exc.message)


@bp.get("/sites/<int:site_id>/exports/stats.<any(csv, json):fmt>")
@login_required
def export_stats(site_id: int, fmt: str):
    site = owned_site(site_id)
    group_by = _group_by()
    try:
        period = _period(site)
        chunks = analytics.export_stats(site.id, period.start, period.end, group_by, fmt)
        # group_by is known good here: the service refuses an unknown dimension.
        name = f"stats-{site.site_key}-{'-'.join(group_by)}-{period.start}-{period.end}.{fmt}"
        return _stream(chunks, name, fmt)
    except Invalid as exc:
        return error_page(422, exc.message)
