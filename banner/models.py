"""Database models (DESIGN.md section 3). Every tenant table carries site_id.

Timestamps are naive UTC: SQLite has no time zones, and one convention on both
databases keeps comparisons and exports identical.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime, timezone

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db

CATEGORIES = ("necessary", "functional", "analytics", "advertising")
ACTIONS = ("accept_all", "reject_all", "custom", "withdraw", "gpc", "expire")
SOURCES = ("banner", "preferences", "api", "gpc")
PLATFORMS = ("shopify", "salla", "custom")
IP_MODES = ("truncate", "hash", "none")
CHANGE_KINDS = ("minor", "material")


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Merchant(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    sites: Mapped[list[Site]] = relationship(back_populates="merchant")


class ApiKey(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(sa.ForeignKey("merchant.id"), index=True)
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
    retention_days: Mapped[int] = mapped_column(default=5 * 365)
    ip_mode: Mapped[str] = mapped_column(sa.String(16), default="truncate")
    # Per-site random salt so hashed IPs cannot be joined across sites.
    ip_salt: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    merchant: Mapped[Merchant] = relationship(back_populates="sites")


class BannerVersion(db.Model):
    """A banner document; once published it never changes (records point at it)."""

    __table_args__ = (sa.UniqueConstraint("site_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("site.id"), index=True)
    number: Mapped[int]
    status: Mapped[str] = mapped_column(sa.String(16), default="draft")
    change_kind: Mapped[str] = mapped_column(sa.String(16), default="material")
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    document: Mapped[dict] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]


class ConsentRecord(db.Model):
    """Append-only proof of one consent decision."""

    __table_args__ = (
        sa.Index("ix_consent_record_site_visitor", "site_id", "visitor_id", "recorded_at"),
        sa.Index("ix_consent_record_site_recorded", "site_id", "recorded_at"),
        sa.UniqueConstraint("site_id", "idempotency_key"),
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
    device_type: Mapped[str | None] = mapped_column(sa.String(16))
    browser_family: Mapped[str | None] = mapped_column(sa.String(64))
    os_family: Mapped[str | None] = mapped_column(sa.String(64))
    ip: Mapped[str | None] = mapped_column(sa.String(64))
    idempotency_key: Mapped[str | None] = mapped_column(sa.String(64))
    client_time: Mapped[datetime | None]
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


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


class Impression(db.Model):
    """Daily roll-up of banner displays: the denominator of consent rates."""

    __table_args__ = (
        sa.UniqueConstraint("site_id", "banner_version_id", "day", "language", "device_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("site.id"))
    banner_version_id: Mapped[int] = mapped_column(sa.ForeignKey("banner_version.id"))
    day: Mapped[date]
    language: Mapped[str] = mapped_column(sa.String(8))
    device_type: Mapped[str] = mapped_column(sa.String(16))
    count: Mapped[int] = mapped_column(default=0)
