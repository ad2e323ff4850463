"""What the analytics page shows: the period (last 7, 30 or 90 days, or dates chosen, in the
store's time zone), the period of the same length just before it, and the slice of the
breakdown. Read from the query string: looking changes nothing, so there is no CSRF token."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField
from wtforms.validators import Optional

PRESETS = (7, 30, 90)
DEFAULT_DAYS = 30
# The service refuses longer ranges; said here first, at the field, in the merchant's words.
MAX_DAYS = 400
SLICES = ("device", "browser", "os", "country", "language", "source", "policy", "version")
SLICE_NAMES = {"device": _l("Device"), "browser": _l("Browser"), "os": _l("Operating system"),
               "country": _l("Country"), "language": _l("Banner language"),
               "source": _l("Where they decided"), "policy": _l("Policy applied"),
               "version": _l("Banner version")}


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    preset: int | None = None  # the number of days of a preset, None for dates chosen

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Period":
        """The period of the same length that ends the day before this one starts."""
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def query(self) -> dict:
        """The query string that shows this period again (links, downloads)."""
        if self.preset:
            return {"days": self.preset}
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


def today_in(zone: str) -> date:
    """Today in the store's time zone: its days are the analytics' days."""
    try:
        return datetime.now(ZoneInfo(zone)).date()
    except (ZoneInfoNotFoundError, ValueError):
        return datetime.now(ZoneInfo("UTC")).date()


def last_days(days: int, zone: str) -> Period:
    end = today_in(zone)
    return Period(end - timedelta(days=days - 1), end, days)


class AnalyticsQuery(FlaskForm):
    """?days=30, or ?from=2026-11-01&to=2026-11-30; and ?slice=device."""

    class Meta:
        csrf = False  # a GET that changes nothing

    days = SelectField(_l("Period"), choices=[SelectChoice(str(n)) for n in PRESETS],
                       default=str(DEFAULT_DAYS))
    start = DateField(_l("From"), name="from", validators=[Optional()])
    end = DateField(_l("To"), name="to", validators=[Optional()])
    slice = SelectField(_l("Break down by"), default=SLICES[0],
                        choices=[SelectChoice(key, SLICE_NAMES[key]) for key in SLICES])

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        first, last = self.start.data, self.end.data
        if first is None and last is None:
            return True  # a preset
        if first is None:
            self.start.errors.append(_l("Choose the first day as well."))
        elif last is None:
            self.end.errors.append(_l("Choose the last day as well."))
        elif last < first:
            self.end.errors.append(_l("The last day comes before the first."))
        elif (last - first).days + 1 > MAX_DAYS:
            self.end.errors.append(_l("Choose at most %(count)d days.", count=MAX_DAYS))
        else:
            return True
        return False

    def period(self, zone: str) -> Period:
        """The period asked for (call after validate()); the last 30 days by default."""
        if self.start.data and self.end.data:
            return Period(self.start.data, self.end.data)
        return last_days(int(self.days.data), zone)


def read_query() -> AnalyticsQuery:
    """The form filled from the query string; empty when there is none."""
    return AnalyticsQuery(formdata=request.args if request.args else None)
