"""What was changed, by whom, when: read-only, as the log is append-only."""
from ...services import audit
from .account_schemas import AuditEventPageSchema
from .auth import admin_blueprint, principal, requires
from .schemas import PageQuerySchema

bp = admin_blueprint("Audit", __name__, "What was changed, by whom, when.")


@bp.get("/audit")
@requires("sites:read")
@bp.arguments(PageQuerySchema, location="query", as_kwargs=True)
@bp.response(200, AuditEventPageSchema)
def list_audit_events(cursor: str | None, limit: int):
    """The merchant's audit events, newest first."""
    return audit.list_events(principal().actor.merchant_id, cursor, limit)
