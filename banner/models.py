"""Database models (DESIGN.md section 3). Every tenant table carries site_id.

Timestamps are naive UTC: SQLite has no time zones, and one convention on both
databases keeps comparisons and exports identical.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime, timezone

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

# Importing the models registers every table with db.metadata, the analytics ones too.
from . import analytics_models  # noqa: F401
from .extensions import db

CATEGORIES = ("necessary", "functional", "analytics", "advertising")
ACTIONS = ("accept_all", "reject_all", "custom", "withdraw", "gpc", "expire")
SOURCES = ("banner", "preferences", "api", "gpc")
PLATFORMS = ("shopify", "salla", "custom")
IP_MODES = ("truncate", "hash", "none")
CHANGE_KINDS = ("minor", "material")
SCOPES = ("sites:read", "sites:write", "publish", "proof:read", "erase", "stats:read",
          "keys:manage")


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Merchant(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    # The dashboard's language, chosen by the merchant and remembered.
    language: Mapped[str] = mapped_column(sa.String(8), default="ar", server_default="ar")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    sites: Mapped[list[Site]] = relationship(back_populates="merchant")


class LoginAttempt(db.Model):
    """A dashboard sign-in attempt, kept briefly to slow down password guessing per
    account and per client network. Neither the email nor the address is stored."""

    __table_args__ = (sa.Index("ix_login_attempt_account", "account", "attempted_at"),
                      sa.Index("ix_login_attempt_client", "client", "attempted_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(sa.String(64))  # keyed hash of the email
    client: Mapped[str] = mapped_column(sa.String(64))   # keyed hash of the client network
    succeeded: Mapped[bool]
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiKey(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(sa.ForeignKey("merchant.id"), index=True)
    name: Mapped[str | None] = mapped_column(sa.String(80))
    prefix: Mapped[str] = mapped_column(sa.String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(sa.String(64))
    scopes: Mapped[list] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class Site(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(sa.ForeignKey("merchant.id"), index=True)
    site_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    allowed_origins: Mapped[list] = mapped_column(sa.JSON, default=list)
    platform: Mapped[str] = mapped_column(sa.String(16), default="custom")
    default_language: Mapped[str] = mapped_column(sa.String(8), default="ar")
    time_zone: Mapped[str] = mapped_column(sa.String(64), default="Asia/Riyadh",
                                           server_default="Asia/Riyadh")
    retention_days: Mapped[int] = mapped_column(default=5 * 365)
    ip_mode: Mapped[str] = mapped_column(sa.String(16), default="truncate")
    # Per-site random salt so hashed IPs cannot be joined across sites.
    ip_salt: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    merchant: Mapped[Merchant] = relationship(back_populates="sites")


class BannerVersion(db.Model):
    """A banner document; once published it never changes (records point at it).

    The site's one draft is a row too, numbered as the version it will be published as.
    """

    __table_args__ = (
        sa.UniqueConstraint("site_id", "number"),
        sa.Index("uq_banner_version_one_draft", "site_id", unique=True,
                 sqlite_where=sa.text("status = 'draft'"),
                 postgresql_where=sa.text("status = 'draft'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("site.id"), index=True)
    number: Mapped[int]
    status: Mapped[str] = mapped_column(sa.String(16), default="draft")
    change_kind: Mapped[str] = mapped_column(sa.String(16), default="material")
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    document: Mapped[dict] = mapped_column(sa.JSON)
    change_note: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]


class ConsentRecord(db.Model):
    """Append-only proof of one consent decision."""

    __table_args__ = (
        sa.Index("ix_consent_record_site_visitor", "site_id", "visitor_id", "recorded_at"),
        sa.Index("ix_consent_record_site_recorded", "site_id", "recorded_at"),
        # Keys are the visitor's own: another visitor's key can neither replay nor block.
        sa.UniqueConstraint("site_id", "visitor_id", "idempotency_key"),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("site.id"))
    visitor_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    banner_version_id: Mapped[int] = mapped_column(sa.ForeignKey("banner_version.id"))
    action: Mapped[str] = mapped_column(sa.String(16))
    necessary: Mapped[bool]
    functional: Mapped[bool]
    analytics: Mapped[bool]
    advertising: Mapped[bool]
    language: Mapped[str] = mapped_column(sa.String(8))
    source: Mapped[str] = mapped_column(sa.String(16))
    age_confirmed: Mapped[bool | None]
    gpc: Mapped[bool] = mapped_column(default=False)
    page_url: Mapped[str | None] = mapped_column(sa.String(2048))
    country: Mapped[str | None] = mapped_column(sa.String(2))
    # The region policy that applied (DESIGN.md section 5): opt_in or opt_out, and the
    # position of the version's region rule that chose it (None: the default mode).
    # Records from before policies took effect have neither.
    policy_mode: Mapped[str | None] = mapped_column(sa.String(8))
    policy_rule: Mapped[int | None]
    device_type: Mapped[str | None] = mapped_column(sa.String(16))
    browser_family: Mapped[str | None] = mapped_column(sa.String(64))
    os_family: Mapped[str | None] = mapped_column(sa.String(64))
    ip: Mapped[str | None] = mapped_column(sa.String(64))
    idempotency_key: Mapped[str | None] = mapped_column(sa.String(64))
    client_time: Mapped[datetime | None]
    # Milliseconds from the banner shown to this decision, as the snippet measured them.
    decision_ms: Mapped[int | None]
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Tamper evidence: record_hash covers this record's content and prev_hash, the
    # visitor's previous record_hash (None for the first). Older records have neither.
    prev_hash: Mapped[str | None] = mapped_column(sa.String(64))
    record_hash: Mapped[str | None] = mapped_column(sa.String(64))


class VisitorConsent(db.Model):
    """Current state per (site, visitor): the latest record, upserted."""

    site_id: Mapped[int] = mapped_column(sa.ForeignKey("site.id"), primary_key=True)
    visitor_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    consent_record_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    banner_version_id: Mapped[int] = mapped_column(sa.ForeignKey("banner_version.id"))
    version: Mapped[int]
    necessary: Mapped[bool]
    functional: Mapped[bool]
    analytics: Mapped[bool]
    advertising: Mapped[bool]
    updated_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    # sha256 of the visitor's secret, registered by its first write (or adopted by the
    # first write that carries one): later writes must present the same secret.
    secret_hash: Mapped[str | None] = mapped_column(sa.String(64))
    # record_hash of the visitor's latest record: the next record chains to it.
    last_hash: Mapped[str | None] = mapped_column(sa.String(64))


class Impression(db.Model):
    """One banner display: a visitor shown a version on a day (in the site's time zone),
    counted once however often it is posted. The denominator of consent rates."""

    __table_args__ = (
        sa.UniqueConstraint("site_id", "day", "visitor_id", "banner_version_id"),
        # Roll-ups read a day's displays by time; erasure and interaction checks by visitor.
        sa.Index("ix_impression_site_shown", "site_id", "shown_at"),
        sa.Index("ix_impression_site_visitor", "site_id", "visitor_id", "shown_at"),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"),
                                    primary_key=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("site.id"))
    banner_version_id: Mapped[int] = mapped_column(sa.ForeignKey("banner_version.id"))
    visitor_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    day: Mapped[date]
    shown_at: Mapped[datetime] = mapped_column(default=utcnow)
    language: Mapped[str] = mapped_column(sa.String(8))
    device_type: Mapped[str | None] = mapped_column(sa.String(16))
    browser_family: Mapped[str | None] = mapped_column(sa.String(64))
    os_family: Mapped[str | None] = mapped_column(sa.String(64))
    country: Mapped[str | None] = mapped_column(sa.String(2))
    policy_mode: Mapped[str | None] = mapped_column(sa.String(8))


class AuditEvent(db.Model):
    """What a merchant (or one of its keys) did. Append-only."""

    __table_args__ = (sa.Index("ix_audit_event_merchant", "merchant_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(sa.ForeignKey("merchant.id"))
    site_id: Mapped[int | None] = mapped_column(sa.ForeignKey("site.id"))
    action: Mapped[str] = mapped_column(sa.String(32))
    actor: Mapped[str] = mapped_column(sa.String(300))  # "key <prefix>" or the merchant's email
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ErasureReceipt(db.Model):
    """Proof that a visitor's records were erased, holding nothing personal."""

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("site.id"), index=True)
    visitor_hash: Mapped[str] = mapped_column(sa.String(64))
    records_removed: Mapped[int]
    actor: Mapped[str] = mapped_column(sa.String(300))
    erased_at: Mapped[datetime] = mapped_column(default=utcnow)


class ErasedDecisions(db.Model):
    """Counts of erased consent records, without identities, so that consent rates stay
    exact after an erasure: analytics add these to the records that remain."""

    __table_args__ = (sa.UniqueConstraint(
        "site_id", "banner_version_id", "day", "action", "source", "language", "device_type",
        "functional", "analytics", "advertising", name="uq_erased_decisions_segment"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("site.id"))
    banner_version_id: Mapped[int] = mapped_column(sa.ForeignKey("banner_version.id"))
    day: Mapped[date]
    action: Mapped[str] = mapped_column(sa.String(16))
    source: Mapped[str] = mapped_column(sa.String(16))
    language: Mapped[str] = mapped_column(sa.String(8))
    device_type: Mapped[str] = mapped_column(sa.String(16))
    functional: Mapped[bool]
    analytics: Mapped[bool]
    advertising: Mapped[bool]
    count: Mapped[int] = mapped_column(default=0)
