"""The audit log: what a merchant, or one of its keys, changed. Append-only."""
from dataclasses import dataclass

from ..extensions import db
from ..models import AuditEvent
from .pagination import Page, paginate

ACTIONS = ("site.created", "site.updated", "draft.saved", "version.published",
           "visitor.erased", "key.created", "key.revoked")


@dataclass(frozen=True)
class Actor:
    """Who acts: the merchant account and how it is named in the log."""

    merchant_id: int
    label: str  # "key <prefix>" for an API key, the email for a dashboard login


def record(actor: Actor, action: str, site_id: int | None = None, **details) -> AuditEvent:
    """Add an event to the current transaction: it commits with the change it logs."""
    assert action in ACTIONS, action
    event = AuditEvent(merchant_id=actor.merchant_id, site_id=site_id, action=action,
                       actor=actor.label, details=details)
    db.session.add(event)
    return event


def list_events(merchant_id: int, cursor: str | None = None, limit: int = 50) -> Page:
    """The merchant's events, newest first."""
    return paginate(db.select(AuditEvent).filter_by(merchant_id=merchant_id), AuditEvent.id,
                    cursor, limit)
