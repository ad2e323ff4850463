"""Small database helpers that differ between SQLite and PostgreSQL."""
from sqlalchemy.dialects import postgresql, sqlite

from .extensions import db


def insert_for(table):
    """An INSERT that supports ON CONFLICT on the current database."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
