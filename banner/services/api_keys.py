"""API keys of the merchant API: stored only as hashes, scoped, revocable."""
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from ..errors import Forbidden, Invalid, NotFound, Unauthenticated
from ..extensions import db
from ..models import SCOPES, ApiKey, utcnow
from . import audit
from .pagination import Page, paginate

KEY_PREFIX = "cb_"
KEY_FORMAT = re.compile(r"cb_([0-9a-f]{8})_[A-Za-z0-9_-]{43}")
LAST_USED_GRANULARITY = timedelta(minutes=1)  # one write a minute per key, not per request


@dataclass(frozen=True)
class KeyPrincipal:
    """A caller authenticated by an API key."""

    actor: audit.Actor
    key_id: int
    scopes: frozenset[str]


def hash_key(key: str) -> str:
    # Keys are 32 random bytes: a fast hash is enough, no password stretching needed.
    return hashlib.sha256(key.encode()).hexdigest()


def _checked_scopes(scopes) -> list[str]:
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise Invalid("Unknown or missing scopes.", {"scopes": [
            f"Choose among {', '.join(SCOPES)}." + (f" Unknown: {', '.join(unknown)}."
                                                  if unknown else "")]})
    return [scope for scope in SCOPES if scope in set(scopes)]


def create_api_key(merchant_id: int, scopes=SCOPES, name: str | None = None,
                   actor: audit.Actor | None = None,
                   granted_by: frozenset[str] | None = None) -> tuple[ApiKey, str]:
    """Create a key; returns the row and the key, which is never shown again.

    granted_by: the scopes of the key creating this one, which it cannot exceed.
    """
    scopes = _checked_scopes(scopes)
    if granted_by is not None and not set(scopes) <= granted_by:
        raise Forbidden("A key cannot create a key with scopes it does not hold.",
                        {"scopes": [f"Not held: {', '.join(sorted(set(scopes) - granted_by))}."]})
    if name is not None and not 1 <= len(name.strip()) <= 80:
        raise Invalid("The key name is not valid.", {"name": ["1 to 80 characters."]})
    prefix = secrets.token_hex(4)
    key = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiKey(merchant_id=merchant_id, prefix=prefix, key_hash=hash_key(key), scopes=scopes,
                 name=name.strip() if name else None)
    db.session.add(row)
    db.session.flush()
    audit.record(actor or audit.Actor(merchant_id, "cli"), "key.created", prefix=prefix,
                 scopes=scopes)
    db.session.commit()
    return row, key


def authenticate(token: str | None) -> KeyPrincipal:
    """The principal of a bearer key; Unauthenticated for a missing, wrong or revoked one."""
    match = KEY_FORMAT.fullmatch(token or "")
    row = db.session.scalar(db.select(ApiKey).filter_by(prefix=match.group(1))) if match else None
    # Compare in constant time, and compare something even when no row matched.
    expected = row.key_hash if row is not None else hash_key("no such key")
    if not hmac.compare_digest(expected, hash_key(token or "")) or row is None \
            or row.revoked_at is not None:
        raise Unauthenticated("A valid API key is required (Authorization: Bearer <key>).")
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_GRANULARITY:
        row.last_used_at = now
        db.session.commit()
    return KeyPrincipal(audit.Actor(row.merchant_id, f"key {row.prefix}"), row.id,
                        frozenset(row.scopes))


def list_keys(merchant_id: int, cursor: str | None = None, limit: int = 50) -> Page:
    return paginate(db.select(ApiKey).filter_by(merchant_id=merchant_id), ApiKey.id,
                    cursor, limit)


def revoke_key(merchant_id: int, key_id: int, actor: audit.Actor) -> ApiKey:
    """Revoke a key at once; revoking a revoked key changes nothing."""
    # Ids past the 32-bit column would be a database error, not a missing key.
    row = db.session.get(ApiKey, key_id) if 0 < key_id < 2**31 else None
    if row is None or row.merchant_id != merchant_id:
        raise NotFound("No such API key.")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        audit.record(actor, "key.revoked", prefix=row.prefix)
        db.session.commit()
    return row
