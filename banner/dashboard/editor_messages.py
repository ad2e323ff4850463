"""Service refusals in the merchant's language: the services word their errors in English
for every face; the dashboard says the same at the field, in Arabic or English."""
import re

from flask_babel import gettext as _

# Exact messages of the services (sites.py) and of marshmallow (documents.py).
def _exact() -> dict[str, str]:
    return {
        "Missing data for required field.": _("Required."),
        "Not a valid URL.": _("Not a web address such as https://mystore.sa/privacy."),
        "Not a valid email address.": _("Not a valid email address."),
        "Not a valid integer.": _("A whole number."),
        "Not a valid boolean.": _("Tick the box or leave it empty."),
        "Not a host name.": _("Not a host name such as cdn.vendor.com."),
        "An IANA time zone such as Asia/Riyadh.": _("Choose a time zone from the list."),
        "A two-letter ISO 639-1 code.": _("Choose a language."),
        "Shorter than minimum length 1.": _("Choose at least one."),
        "Origins are strings such as https://shop.example.":
            _("Addresses such as https://mystore.sa, one per line."),
        "Each language once.": _("Each language once."),
        "Must be one of the document's languages.": _("Choose at least one."),
        "Vendor keys must be unique.": _("Two vendors have the same name."),
        "Unknown field.": _("This cannot be changed here."),
    }


# Messages that carry a value: (pattern, translation given the match).
def _patterns():
    return (
        (r"Length must be between 1 and (\d+)\.",
         lambda m: _("Required, at most %(max)d characters.", max=int(m[1]))),
        (r"Required, at most (\d+) characters\.",
         lambda m: _("Required, at most %(max)d characters.", max=int(m[1]))),
        (r"(?:Must be greater than or equal to|Between) (\d+) and (?:less than or equal to )?"
         r"(\d+)(?: days)?\.",
         lambda m: _("Between %(min)d and %(max)d days.", min=int(m[1]), max=int(m[2]))),
        (r"Not an origin: (.*)",
         lambda m: _("Not a store address such as https://mystore.sa: %(value)s",
                     value=m[1].strip("'"))),
        (r"A list of at most (\d+) origins\.",
         lambda m: _("At most %(max)d addresses.", max=int(m[1]))),
        (r"(?:Must be one of: |One of ).*", lambda m: _("Choose one of the options.")),
    )


# Where a pattern's own wording would mislead: by the last named part of the path.
def _by_field() -> dict[str, str]:
    return {
        "hosts": _("Give at least one host, at most 20."),
        "phone": _("Digits, spaces and + ( ) - only, 5 to 20 characters."),
        "whatsapp": _("Digits, spaces and + ( ) - only, 5 to 20 characters."),
        "accent_color": _("Choose a colour."),
        "corner_radius": _("A whole number from 0 to 24."),
        "countries": _("Countries are two-letter codes such as SA."),
    }


def translate(message: str, path: tuple = ()) -> str:
    """The message in the page's language (as it came when it is not one we know)."""
    named = [part for part in path if isinstance(part, str)]
    field = named[-1] if named else ""
    leaf = not path or not isinstance(path[-1], int)
    if field in _by_field() and message not in _exact() and (field != "hosts" or leaf):
        return _by_field()[field]
    if message in _exact():
        return _exact()[message]
    for pattern, wording in _patterns():
        match = re.fullmatch(pattern, message)
        if match:
            return wording(match)
    return message


def translated(errors: dict) -> dict:
    """A flat {field: [messages]} of a service, translated."""
    return {field: [translate(str(m), (field,)) for m in
                    (messages if isinstance(messages, (list, tuple)) else [messages])]
            for field, messages in errors.items()}
