"""What a roll-up statement counts: one site's rows in a window of time, for one day of
the site's time zone or for every day in the window at once, of everyone or of one
visitor (an erasure keeps that visitor's share)."""
import uuid
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa


@dataclass(frozen=True)
class Span:
    site_id: int
    start: datetime        # naive UTC, included
    end: datetime          # naive UTC, excluded
    zone: str              # the site's IANA time zone
    day: date | None       # the one local day the window is; None: every day in it
    visitor: uuid.UUID | None = None

    def local_day(self, column) -> sa.ColumnElement:
        """The local day of a naive-UTC time column. Every day at once is computed by
        PostgreSQL (SQLite has no time zones: it is given one day at a time)."""
        if self.day is not None:
            return sa.literal(self.day, sa.Date)
        return sa.cast(sa.func.timezone(self.zone, sa.func.timezone("UTC", column)), sa.Date)

    def same_day(self, column, day) -> sa.ColumnElement:
        """Whether a time column falls on the given local day (a column of the query)."""
        if self.day is not None:
            return sa.and_(column >= self.start, column < self.end)
        return self.local_day(column) == day

    def rows(self, table, time_column) -> list:
        """The WHERE clauses of this span's rows of a table."""
        where = [table.c.site_id == self.site_id, time_column >= self.start,
                 time_column < self.end]
        if self.visitor is not None:
            where.append(table.c.visitor_id == self.visitor)
        return where
