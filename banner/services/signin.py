"""Dashboard sign-in: passwords checked in constant effort, guessing slowed per account
and per client network, neither stored in the clear."""
import hashlib
import hmac
from datetime import timedelta

from werkzeug.security import check_password_hash, generate_password_hash

from ..errors import Invalid, Throttled, Unauthenticated
from ..extensions import db
from ..models import LoginAttempt, Merchant, utcnow

WINDOW = timedelta(minutes=15)
MAX_ACCOUNT_FAILURES = 5    # one account, from anywhere: a targeted guess
MAX_CLIENT_FAILURES = 20    # one network, any accounts: a sweep
KEEP = timedelta(days=1)
MIN_PASSWORD = 10
# Checked when the email is unknown, so both answers cost one password hash.
_DUMMY_HASH = generate_password_hash("not a password of anyone")


def _keyed(secret: str, value: str) -> str:
    return hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()


def _failures(column, key: str, since) -> tuple[int, object]:
    row = db.session.execute(
        db.select(db.func.count(), db.func.min(LoginAttempt.attempted_at))
        .where(column == key, LoginAttempt.succeeded.is_(False),
               LoginAttempt.attempted_at >= since)).one()
    return row[0], row[1]


def sign_in(email: str, password: str, client: str, secret: str) -> Merchant:
    """The merchant with these credentials; Throttled after too many failures (checked
    before the password, so a locked account reveals nothing), Unauthenticated otherwise."""
    now = utcnow()
    account, network = _keyed(secret, email.strip().lower()), _keyed(secret, client)
    for column, key, limit in ((LoginAttempt.account, account, MAX_ACCOUNT_FAILURES),
                               (LoginAttempt.client, network, MAX_CLIENT_FAILURES)):
        count, oldest = _failures(column, key, now - WINDOW)
        if count >= limit:
            wait = int((oldest + WINDOW - now).total_seconds()) + 1
            raise Throttled(f"Too many failed sign-ins. Try again in {wait // 60 + 1} minutes.",
                            retry_after=wait)
    merchant = db.session.scalar(db.select(Merchant).filter_by(email=email.strip().lower()))
    stored = merchant.password_hash if merchant and merchant.password_hash else _DUMMY_HASH
    valid = check_password_hash(stored, password) and stored is not _DUMMY_HASH
    db.session.execute(db.delete(LoginAttempt).where(LoginAttempt.attempted_at < now - KEEP))
    db.session.add(LoginAttempt(account=account, client=network, succeeded=valid,
                                attempted_at=now))
    db.session.commit()
    if not valid:
        raise Unauthenticated("The email or the password is wrong.")
    return merchant


def change_password(merchant: Merchant, current: str, new: str) -> None:
    """Replace the password after checking the current one."""
    if not merchant.password_hash or not check_password_hash(merchant.password_hash, current):
        raise Invalid("The current password is wrong.", {"current": ["Wrong password."]})
    if len(new) < MIN_PASSWORD:
        raise Invalid("The new password is too short.",
                      {"new": [f"At least {MIN_PASSWORD} characters."]})
    merchant.password_hash = generate_password_hash(new)
    db.session.commit()


def set_language(merchant: Merchant, language: str) -> None:
    if language not in ("ar", "en"):
        raise Invalid("Unknown language.", {"language": ["ar or en."]})
    merchant.language = language
    db.session.commit()
