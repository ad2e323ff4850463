"""Proof of one visitor's consent, and erasure."""
from ...services import erasure, proof
from ..base import visitor_uuid
from .account_schemas import ErasureReceiptOutSchema, VisitorProofOutSchema
from .auth import admin_blueprint, current_site, principal, requires

bp = admin_blueprint("Visitors", __name__, "Proof of one visitor's consent, and erasure.")


@bp.get("/sites/<int:site_id>/visitors/<visitor:visitor_id>")
@requires("proof:read")
@bp.response(200, VisitorProofOutSchema)
@bp.refusals(404, 422)
def get_visitor_proof(site_id: int, visitor_id: str):
    """Every record of the visitor's consent, each with the exact version shown."""
    return proof.visitor_proof(current_site(), visitor_uuid(visitor_id))


@bp.delete("/sites/<int:site_id>/visitors/<visitor:visitor_id>")
@requires("erase")
@bp.response(200, ErasureReceiptOutSchema, description="Erased; the receipt names no one")
@bp.refusals(404, 422)
def erase_visitor(site_id: int, visitor_id: str):
    """Erase the visitor's records and current state, keeping only counts and a receipt."""
    return erasure.erase_visitor(current_site(), visitor_uuid(visitor_id), principal().actor)
