"""Merchants and their API keys (stored only as hashes)."""
import hashlib
import secrets

from werkzeug.security import generate_password_hash

from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..models import ApiKey, Merchant

KEY_PREFIX = "cb_"


def create_merchant(email: str, password: str | None = None) -> Merchant:
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise Invalid("Not an email address.", {"email": ["Not a valid email."]})
    if db.session.scalar(db.select(Merchant).filter_by(email=email)):
        raise Conflict(f"A merchant with email {email} already exists.")
    merchant = Merchant(email=email,
                        password_hash=generate_password_hash(password) if password else None)
    db.session.add(merchant)
    db.session.commit()
    return merchant


def get_merchant(email: str) -> Merchant:
    merchant = db.session.scalar(db.select(Merchant).filter_by(email=email.strip().lower()))
    if merchant is None:
        raise NotFound(f"No merchant with email {email}.")
    return merchant


def hash_key(key: str) -> str:
    # Keys are 32 random bytes: a fast hash is enough, no password stretching needed.
    return hashlib.sha256(key.encode()).hexdigest()


def create_api_key(merchant: Merchant, scopes: list[str] | None = None) -> str:
    """Create a key and return it; only its hash is stored, so this is the one chance."""
    prefix = secrets.token_hex(4)
    key = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    db.session.add(ApiKey(merchant_id=merchant.id, prefix=prefix, key_hash=hash_key(key),
                          scopes=scopes or ["sites", "consents", "analytics"]))
    db.session.commit()
    return key
