"""Numbers of the analytics page in the merchant's language: rates, counts, seconds, the
change against the previous period, and the names of slice values."""
from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal, format_percent
from babel.units import format_unit
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .proof import DEVICE_NAMES, SOURCE_NAMES

NONE = "—"
# Shorter than the proof page's sentences: these head the rows of a table.
POLICY_SHORT = {"opt_in": _l("Opt-in (ask first)"), "opt_out": _l("Opt-out (notice)")}


def locale() -> str:
    return str(get_locale() or "en")


def metric(metrics: dict, path: str):
    """A metric by its path: "interaction_rate", "opt_in.analytics", "decision_ms.median"."""
    value = metrics
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def rate(value: float | None) -> str:
    return NONE if value is None else format_percent(value, "#,##0.0%", locale=locale())


def count(value: int | None) -> str:
    return NONE if value is None else format_decimal(value, locale=locale())


def seconds(ms: float | None) -> str:
    if ms is None:
        return NONE
    return format_unit(ms / 1000, "duration-second", length="short", format="#,##0.0",
                       locale=locale())


FORMATS = {"rate": rate, "count": count, "ms": seconds}


def show(kind: str, value) -> str:
    return FORMATS[kind](value)


def change(kind: str, now, before) -> dict | None:
    """How a figure moved since the previous period, signed (an arrow and a sign, so colour
    is never the only cue): points for rates, per cent for counts, seconds for times."""
    if now is None or before is None:
        return None
    if kind == "rate":
        delta = round((now - before) * 100, 1)
        text = _("%(value)s pts", value=_signed(delta))
        spoken = _("%(value)s percentage points", value=_signed(delta))
    elif kind == "ms":
        delta = round((now - before) / 1000, 1)
        text = spoken = _("%(value)s s", value=_signed(delta))
    else:
        if before == 0:
            return None  # "up from nothing" has no percentage
        delta = round((now - before) / before * 100, 1)
        text = spoken = _signed(delta, "%")
    direction = "up" if delta > 0 else "down" if delta < 0 else "flat"
    return {"text": text, "direction": direction, "spoken": spoken}


def _signed(value: float, suffix: str = "") -> str:
    # Isolated left to right (U+2066 ... U+2069), so Arabic text keeps the sign before
    # the number instead of moving it to the far end. No change has no sign.
    pattern = "+#,##0.0;-#,##0.0" if value else "#,##0.0"
    number = format_decimal(value, pattern, locale=locale())
    return f"\u2066{number}{suffix}\u2069"


def language_name(code: str | None) -> str:
    if not code:
        return _("Unknown")
    try:
        return Locale.parse(locale()).languages.get(code, code)
    except (ValueError, UnknownLocaleError):
        return code


def country_name(code: str | None) -> str:
    if not code:
        return _("Unknown")
    return Locale.parse(locale()).territories.get(code.upper(), code)


def slice_value(dimension: str, value) -> str:
    """A value of a slice as the merchant reads it."""
    if value is None and dimension == "source":
        return _("Displays (no source)")  # a display comes before any decision
    if value is None or value == "":
        return _("Unknown")
    names = {"device": DEVICE_NAMES, "source": SOURCE_NAMES, "policy": POLICY_SHORT}
    if dimension in names:
        return str(names[dimension].get(value, value))
    if dimension == "language":
        return language_name(value)
    if dimension == "country":
        return country_name(value)
    if dimension == "version":
        return _("Version %(number)d", number=int(value))
    return str(value)  # browser and OS families are names already
