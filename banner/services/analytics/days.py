"""Days in a site's time zone, as windows of naive-UTC time (how timestamps are stored)."""
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def utc_window(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) in naive UTC of a local day; DST days are 23 or 25 hours long."""
    start = datetime.combine(day, time(), zone)
    end = datetime.combine(day + timedelta(days=1), time(), zone)
    return _naive_utc(start), _naive_utc(end)


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    """The local day of a naive-UTC timestamp."""
    return moment.replace(tzinfo=UTC).astimezone(zone).date()


def days_between(first: date, last: date):
    """Every day from first to last, both included."""
    for n in range((last - first).days + 1):
        yield first + timedelta(days=n)


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)
