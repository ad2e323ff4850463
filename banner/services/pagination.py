"""Cursor pagination for merchant lists: {"items": [...], "next": cursor | None}.

The cursor is the id of the last row shown, opaque to clients, so a page stays stable
while rows are added (offsets would shift and repeat or skip rows).
"""
import base64
import binascii
from dataclasses import dataclass

from ..errors import Invalid
from ..extensions import db

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


@dataclass(frozen=True)
class Page:
    items: list
    next: str | None


def encode_cursor(row_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{row_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = text.partition(":")
        if kind != "id" or not value.isdigit() or len(value) > 18:
            raise ValueError(text)
        return int(value)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise Invalid("The cursor is not one this API gave.", {"cursor": ["Unknown cursor."]}) \
            from None


def paginate(statement, id_column, cursor: str | None = None, limit: int = DEFAULT_LIMIT,
             newest_first: bool = True) -> Page:
    """One page of the statement's rows ordered by id_column."""
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid("The page size is out of range.", {"limit": [f"Between 1 and {MAX_LIMIT}."]})
    if cursor is not None:
        after = decode_cursor(cursor)
        statement = statement.where(id_column < after if newest_first else id_column > after)
    statement = statement.order_by(id_column.desc() if newest_first else id_column.asc())
    rows = list(db.session.scalars(statement.limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, encode_cursor(rows[-1].id) if more else None)
