"""Flask extensions, created unbound and attached in create_app."""
import ipaddress

from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names so Alembic autogenerate and downgrades work the same
# on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def client_network() -> str:
    """The rate-limit key of a client: its IPv4 address, or its IPv6 /64 (one subscriber
    line gets a whole /64, so its addresses are one client)."""
    return network_of(get_remote_address())


def network_of(address: str) -> str:
    """client_network() of an address."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped is not None:  # ::ffff:198.51.100.7 is that IPv4 client
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True)  # SQLite needs batch ALTERs
limiter = Limiter(key_func=client_network)


@limiter.request_filter
def _reads_are_not_limited() -> bool:
    # Limits guard writes; reads (banner, state, snippet) are cacheable and cheap, and
    # skipping the limiter's bookkeeping keeps the banner GET close to a bare response.
    return request.method in ("GET", "HEAD", "OPTIONS")
