"""Recording consent: an append-only record plus the visitor's current state.

Rows are written by the process's group committer (services/batching.py; the SQL is in
services/consent_rows.py), or in the request itself when CONSENT_GROUP_COMMIT is off;
either way the request returns only after the commit.
"""
import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy.exc import IntegrityError

from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..models import CATEGORIES, BannerVersion, ConsentRecord, VisitorConsent, utcnow
from ..useragent import parse_device
from . import batching
from .batching import CONFLICT, FORBIDDEN, REPLAY, ConsentWrite
from .policy import applied_policy
from .privacy import anonymise_ip
from .sites import SiteSettings
from .versions import material_version_number, published_version


@dataclass(frozen=True)
class ClientInfo:
    """What the request tells about the visitor's client; the IP is still raw here."""

    ip: str | None
    user_agent: str | None
    country: str | None


def _result(record_id, visitor_id, version: int, choices: dict, expires_at: datetime,
            recorded_at: datetime) -> dict:
    return {"consent_id": record_id, "visitor_id": visitor_id, "version": version,
            "choices": choices, "expires_at": expires_at, "recorded_at": recorded_at}


def _replayed(site_id: int, visitor_id: uuid.UUID, key: str) -> dict | None:
    """The result first returned for this visitor's idempotency key, if any."""
    row = db.session.execute(
        db.select(ConsentRecord, BannerVersion.number)
        .join(BannerVersion, BannerVersion.id == ConsentRecord.banner_version_id)
        .where(ConsentRecord.site_id == site_id, ConsentRecord.visitor_id == visitor_id,
               ConsentRecord.idempotency_key == key)).first()
    if row is None:
        return None
    record, number = row
    lifetime = published_version(site_id, number).lifetime_days
    return _result(record.id, record.visitor_id, number,
                   {name: getattr(record, name) for name in CATEGORIES},
                   record.recorded_at + timedelta(days=lifetime), record.recorded_at)


def _write(write: ConsentWrite) -> str:
    """WRITTEN or REPLAY once committed; IntegrityError when a unique key collided."""
    committer = batching.committer()
    if committer is not None:
        # Give the session's connection back first (it may hold one from cache loads):
        # threads waiting for a batch while holding connections could drain the pool
        # the batch's connection comes from. Committing is what the direct path does
        # anyway. A request served from the caches has no session at all: do not make
        # one just to ask.
        if db.session.registry.has() and db.session().in_transaction():
            db.session.commit()
        return committer.submit(write)
    try:
        outcome = batching.write_one(db.session.connection(), write)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise
    return outcome


def check_decision(data: dict, languages, age_confirmation: bool) -> None:
    """Refuse a decision the version shown cannot take: a language it does not offer, or
    optional categories granted without the legal-age confirmation it asks for."""
    if data["language"] not in languages:
        raise Invalid("This version is not offered in that language.",
                      {"language": [f"One of {', '.join(languages)}."]})
    grants_optional = any(data["choices"][key] for key in CATEGORIES if key != "necessary")
    if age_confirmation and grants_optional and data["age_confirmed"] is not True:
        raise Invalid("This site asks visitors to confirm their age before consenting.",
                      {"age_confirmed": ["Must be true to grant optional categories."]})


def secret_hash(visitor_secret: str | None) -> str | None:
    """What is stored of a visitor's secret. The secret is random (128 bits or more), so a
    plain hash cannot be reversed by guessing."""
    return hashlib.sha256(visitor_secret.encode()).hexdigest() if visitor_secret else None


def record_consent(site: SiteSettings, data: dict, client: ClientInfo,
                   secret: str) -> tuple[dict, bool]:
    """Store one decision; returns (result, created). A replayed idempotency key
    returns the first result with created False and writes nothing; the same key with
    another decision is a Conflict; a visitor's write without its secret is Forbidden."""
    version = published_version(site.id, data["version"])
    check_decision(data, version.languages, version.age_confirmation)
    choices = data["choices"]
    key = data["idempotency_key"]
    device = parse_device(client.user_agent)
    now = utcnow()
    expires_at = now + timedelta(days=version.lifetime_days)
    record_id = uuid.uuid4()
    client_time = data["client_time"]
    if client_time is not None:
        client_time = client_time.astimezone(timezone.utc).replace(tzinfo=None)
    policy = applied_policy(version.behaviour, client.country)
    record = {
        "id": record_id, "site_id": site.id, "visitor_id": data["visitor_id"],
        "banner_version_id": version.id, "action": data["action"], **choices,
        "language": data["language"], "source": data["source"],
        "age_confirmed": data["age_confirmed"], "gpc": data["gpc"], "page_url": data["page"],
        "country": client.country, "policy_mode": policy.mode, "policy_rule": policy.rule,
        "device_type": device.device_type,
        "browser_family": device.browser_family, "os_family": device.os_family,
        "ip": anonymise_ip(client.ip, site.ip_mode, site.ip_salt, secret),
        "idempotency_key": key, "client_time": client_time, "decision_ms": data["decision_ms"],
        "recorded_at": now,
    }
    state = {"site_id": site.id, "visitor_id": data["visitor_id"],
             "consent_record_id": record_id, "banner_version_id": version.id,
             "version": version.number, **choices, "updated_at": now, "expires_at": expires_at}
    try:
        outcome = _write(ConsentWrite(record, state, secret_hash(data["visitor_secret"])))
    except IntegrityError:
        # A queued choice delivered twice (maybe concurrently): the first one won.
        if key and (earlier := _replayed(site.id, data["visitor_id"], key)) is not None:
            return earlier, False
        raise
    if outcome == FORBIDDEN:
        raise Forbidden("This visitor's consent can only be changed from the visitor's "
                        "own browser.", {"visitor_secret": ["Does not match this visitor."]})
    if outcome == CONFLICT:
        raise Conflict("This idempotency key was already used for another decision.",
                       {"idempotency_key": ["Already used with a different body."]})
    if outcome == REPLAY:  # the key was already stored with the same decision
        return _replayed(site.id, data["visitor_id"], key), False
    return _result(record_id, data["visitor_id"], version.number, choices, expires_at, now), True


def current_state(site: SiteSettings, visitor_id: uuid.UUID) -> dict:
    """The visitor's current choices; 404 when the visitor never decided."""
    state = db.session.get(VisitorConsent, (site.id, visitor_id))
    if state is None:
        raise NotFound("No consent recorded for this visitor.")
    material = material_version_number(site.id) or state.version
    return {
        "consent_id": state.consent_record_id, "visitor_id": state.visitor_id,
        "version": state.version, "choices": {key: getattr(state, key) for key in CATEGORIES},
        "updated_at": state.updated_at, "expires_at": state.expires_at,
        "valid": state.expires_at > utcnow() and state.version >= material,
    }
