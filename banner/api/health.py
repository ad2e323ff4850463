"""Liveness/readiness for load balancers: answers 503 when the database is unreachable."""
from flask import Blueprint, current_app
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from .errors import RETRY_AFTER_SECONDS

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def health():
    try:
        db.session.execute(db.text("SELECT 1"))
    except SQLAlchemyError as exc:
        # One line, no traceback: load balancers probe every few seconds during an outage.
        current_app.logger.warning("Health check: database unreachable (%s)",
                                   type(exc).__name__)
        db.session.rollback()
        return ({"status": "unavailable", "database": "unreachable"}, 503,
                {"Cache-Control": "no-store", "Retry-After": str(RETRY_AFTER_SECONDS)})
    return {"status": "ok", "database": "ok"}, 200, {"Cache-Control": "no-store"}
