"""Publishing, history and differences between versions."""
from ...services import drafts, versions
from .auth import admin_blueprint, current_site, principal, requires
from .banner_schemas import (PublishInSchema, VersionDetailOutSchema, VersionDiffOutSchema,
                             VersionPageSchema)
from .schemas import PageQuerySchema

bp = admin_blueprint("Versions", __name__, "Publishing, history and differences between versions.")


@bp.post("/sites/<int:site_id>/versions")
@requires("publish")
@bp.arguments(PublishInSchema)
@bp.response(201, VersionDetailOutSchema)
@bp.refusals(400, 404, 409, 413, 415)
def publish_version(data: dict, site_id: int):
    """Publish the draft as the next version; material asks every visitor again."""
    return drafts.publish_draft(current_site(), data["change"], data["note"], principal().actor)


@bp.get("/sites/<int:site_id>/versions")
@requires("sites:read")
@bp.arguments(PageQuerySchema, location="query", as_kwargs=True)
@bp.response(200, VersionPageSchema)
@bp.refusals(404)
def list_versions(cursor: str | None, limit: int, site_id: int):
    """The published versions, newest first."""
    return versions.list_versions(current_site().id, cursor, limit)


@bp.get("/sites/<int:site_id>/versions/<int:number>")
@requires("sites:read")
@bp.response(200, VersionDetailOutSchema)
@bp.refusals(404)
def get_version(site_id: int, number: int):
    """One published version with its document."""
    return versions.get_version(current_site().id, number)


@bp.get("/sites/<int:site_id>/versions/<int:a>/diff/<int:b>")
@requires("sites:read")
@bp.response(200, VersionDiffOutSchema)
@bp.refusals(404)
def diff_versions(site_id: int, a: int, b: int):
    """What changed from version a to version b."""
    return versions.diff_versions(current_site().id, a, b)
