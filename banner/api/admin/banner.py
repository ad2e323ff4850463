"""The draft banner document and its preview."""
from flask import request

from ...schemas import BannerOutSchema
from ...services import drafts
from .auth import admin_blueprint, current_site, principal, requires
from .banner_schemas import BannerDocumentSchema, DraftOutSchema, PreviewInSchema

bp = admin_blueprint("Banner", __name__, "The draft banner document and its preview.")

# A document in ten languages with a hundred vendors outgrows the app-wide body limit,
# which is sized for consent payloads.
MAX_DOCUMENT_BYTES = 512 * 1024


@bp.before_request
def allow_whole_documents():
    """Let a draft PUT carry a whole document (after the key is checked)."""
    if request.method == "PUT":
        request.max_content_length = MAX_DOCUMENT_BYTES


@bp.get("/sites/<int:site_id>/banner/draft")
@requires("sites:read")
@bp.response(200, DraftOutSchema)
@bp.refusals(404)
def get_draft(site_id: int):
    """The draft document; made from the live version on first access."""
    return drafts.get_draft(current_site())


@bp.put("/sites/<int:site_id>/banner/draft")
@requires("sites:write")
@bp.arguments(BannerDocumentSchema)
@bp.response(200, DraftOutSchema)
@bp.refusals(400, 404, 413, 415)
def save_draft(document: dict, site_id: int):
    """Replace the whole draft document (validated as a whole; visitors see nothing yet)."""
    return drafts.save_draft(current_site(), document, principal().actor)


@bp.post("/sites/<int:site_id>/banner/preview")
@requires("sites:read")
@bp.arguments(PreviewInSchema)
@bp.response(200, BannerOutSchema)
@bp.refusals(400, 404, 413, 415)
def preview_draft(data: dict, site_id: int):
    """The draft in one language, exactly as the public banner will serve it."""
    return drafts.preview(current_site(), data["language"])
