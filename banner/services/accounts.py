"""Merchant accounts."""
from werkzeug.security import generate_password_hash

from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..models import Merchant


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
