"""The banner document and the editor's form, both ways: the form's data from a document,
a document from what the form posted, and the document's errors back at their fields."""
import copy
import re

from ..default_texts import DEFAULT_TEXTS
from ..documents import TEXT_KEYS, normalised_appearance
from ..models import CATEGORIES
from ..services import regions
from ..vendors import CATALOGUE, catalogue_vendor
from .editor_form import EDITED_LANGUAGES
from .editor_messages import translate

APPEARANCE_CHOICES = ("layout", "theme", "font", "reopen")
EMPTY_VENDOR_ROWS = 2  # offered without JavaScript; with it, rows are added on demand
CONTACT = ("email", "phone", "whatsapp")


def form_data(document: dict) -> dict:
    """What the form shows for a document (texts of a language it lacks: the defaults)."""
    behaviour = document["behaviour"]
    appearance = normalised_appearance(document["appearance"])
    custom = [v for v in document["vendors"] if v["key"] not in CATALOGUE]
    return {
        "languages": list(document["languages"]),
        "texts": {lang: copy.deepcopy(document["texts"].get(lang) or DEFAULT_TEXTS[lang])
                  for lang in EDITED_LANGUAGES},
        "catalogue": [v["key"] for v in document["vendors"] if v["key"] in CATALOGUE],
        "vendors": [{**vendor, "hosts": "\n".join(vendor["hosts"])} for vendor in custom]
        + [{}] * EMPTY_VENDOR_ROWS,
        **{key: appearance[key] for key in APPEARANCE_CHOICES},
        "accent_color": appearance["accent_color"].lower(),
        "corner_radius": str(appearance["corner_radius"]),
        "consent_lifetime_days": str(behaviour["consent_lifetime_days"]),
        "honour_gpc": behaviour["honour_gpc"],
        "age_confirmation": behaviour["age_confirmation"],
        "default_mode": behaviour["default_mode"],
        "regions": [key for rule in behaviour["region_rules"]
                    if (key := regions.preset_of(rule))],
        "kept_rules": [regions.encode_rule(rule) for rule in behaviour["region_rules"]
                       if regions.preset_of(rule) is None],
        "policy_url": document["policy_url"],
        **{key: document["contact"].get(key, "") for key in CONTACT},
    }


def other_rules(form, document: dict) -> list[dict]:
    """Rules that are no preset (made through the API), to keep or drop: those of the
    stored document and those the form posted."""
    codes = list(dict.fromkeys([regions.encode_rule(rule)
                                for rule in document["behaviour"]["region_rules"]
                                if regions.preset_of(rule) is None] + (form.kept_rules.data or [])))
    return [regions.decode_rule(code) for code in codes]


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:32] or "vendor"


def _unique_key(wanted: str, taken: set) -> str:
    key, n = wanted, 1
    while key in taken:
        n += 1
        key = f"{wanted}-{n}"
    taken.add(key)
    return key


def _hosts(text: str) -> list[str]:
    # Hosts are lower-case; separators are whatever a merchant pastes (lines, commas).
    return [host for host in re.split(r"[\s,]+", (text or "").strip().lower()) if host]


def _custom_vendors(form, taken: set) -> dict[str, tuple[int, dict]]:
    """Rows of the form that hold a vendor: key -> (row index, vendor)."""
    rows = {}
    for index, entry in enumerate(form.vendors.entries):
        row = entry.form
        blank = not any((value or "").strip() for value in
                        (row.name.data, row.hosts.data, row.privacy_url.data))
        if row.remove.data or blank:
            continue
        name = (row.name.data or "").strip()
        key = row.key.data if row.key.data and row.key.data not in rows \
            and row.key.data not in CATALOGUE else _unique_key(_slug(name), taken)
        taken.add(key)
        rows[key] = (index, {"key": key, "name": name, "category": row.category.data,
                             "hosts": _hosts(row.hosts.data),
                             "privacy_url": (row.privacy_url.data or "").strip()})
    return rows


def _vendors(form, existing: list[dict]) -> tuple[list[dict], list[tuple]]:
    """The vendors in the order they had (new ones last), and where each came from."""
    ticked = [key for key in CATALOGUE if key in (form.catalogue.data or [])]
    taken = set(CATALOGUE) | {row.key.data for row in (e.form for e in form.vendors.entries)
                              if row.key.data}
    custom = _custom_vendors(form, taken)
    vendors, origins = [], []
    for vendor in existing:
        key = vendor["key"]
        if key in CATALOGUE and key in ticked:
            vendors.append(vendor)  # as stored: the catalogue may have moved on since
            origins.append(("catalogue", key))
            ticked.remove(key)
        elif key in custom:
            index, row = custom.pop(key)
            vendors.append(row)
            origins.append(("custom", index))
    for key in ticked:
        vendors.append(catalogue_vendor(key))
        origins.append(("catalogue", key))
    for index, row in custom.values():
        vendors.append(row)
        origins.append(("custom", index))
    return vendors, origins


def _whole(text):
    """A number as typed, as an integer when it is one (the document's validation says
    what is wrong with anything else)."""
    text = (text or "").strip()
    return int(text) if text.isascii() and text.isdigit() else text


def _clean_texts(texts):
    """Texts as typed, without the blanks around them; browsers post new lines as CRLF."""
    if isinstance(texts, dict):
        return {key: _clean_texts(value) for key, value in texts.items()}
    return (texts or "").replace("\r\n", "\n").strip()


def document_from(form, existing: dict) -> tuple[dict, list[tuple]]:
    """The document the form describes, languages the editor does not show kept as they
    were; with the origin of each vendor (for errors)."""
    checked = form.languages.data or []
    languages = [lang for lang in existing["languages"]
                 if lang in checked or lang not in EDITED_LANGUAGES]
    languages += [lang for lang in EDITED_LANGUAGES if lang in checked and lang not in languages]
    texts = {lang: (_clean_texts(form.texts[lang].data) if lang in EDITED_LANGUAGES
                    else existing["texts"][lang]) for lang in languages}
    vendors, origins = _vendors(form, existing["vendors"])
    accent = (form.accent_color.data or "").strip()
    if accent.lower() == existing["appearance"]["accent_color"].lower():
        accent = existing["appearance"]["accent_color"]  # a colour input writes lower case
    kept = [regions.decode_rule(code) for code in form.kept_rules.data or []]
    document = {
        "languages": languages,
        "default_language": existing["default_language"]
        if existing["default_language"] in languages or not languages else languages[0],
        "texts": texts,
        "vendors": vendors,
        "appearance": {**{key: getattr(form, key).data for key in APPEARANCE_CHOICES},
                       "accent_color": accent, "corner_radius": _whole(form.corner_radius.data)},
        "behaviour": {
            "consent_lifetime_days": (form.consent_lifetime_days.data or "").strip(),
            "honour_gpc": form.honour_gpc.data, "age_confirmation": form.age_confirmation.data,
            "default_mode": form.default_mode.data,
            "region_rules": regions.rules_with(existing["behaviour"]["region_rules"],
                                               form.regions.data or [], kept)},
        "policy_url": (form.policy_url.data or "").strip(),
        "contact": {key: value.strip() for key in CONTACT
                    if (value := getattr(form, key).data or "").strip()},
    }
    return document, origins


def _messages(errors, path=()):
    """(path, message) for every error in marshmallow's nested error dict; a Dict field's
    {"value": ...} level is dropped, so paths read texts -> ar -> title."""
    if isinstance(errors, dict):
        for key, value in errors.items():
            yield from _messages(value, path if key == "value" else (*path, key))
    elif isinstance(errors, (list, tuple)):
        for value in errors:
            yield from _messages(value, path)
    else:
        yield path, str(errors)


def _field_of(form, path: tuple, origins: list[tuple], document: dict):
    """The form field an error path belongs to (None: the form as a whole), and the
    message's subject when a list item is meant (a host, say)."""
    head, rest = path[0] if path else None, path[1:]
    if head == "texts" and rest and rest[0] in EDITED_LANGUAGES and len(rest) > 1:
        target = form.texts[rest[0]]
        if rest[1] == "categories" and len(rest) > 3 and rest[2] in CATEGORIES:
            return target.categories[rest[2]][rest[3]], None
        return (target[rest[1]], None) if rest[1] in TEXT_KEYS else (None, None)
    if head == "vendors" and rest and isinstance(rest[0], int) and rest[0] < len(origins):
        kind, where = origins[rest[0]]
        if kind == "catalogue":
            return form.catalogue, CATALOGUE[where]["name"]
        row = form.vendors.entries[where].form
        field = getattr(row, rest[1], None) if len(rest) > 1 else None
        if field is row.hosts and len(rest) > 2 and isinstance(rest[2], int):
            return field, document["vendors"][rest[0]]["hosts"][rest[2]]
        return field if field is not None else row.name, None
    if head in ("appearance", "behaviour", "contact") and rest:
        name = {"region_rules": "regions"}.get(rest[0], rest[0])
        return getattr(form, name, None), None
    if head in ("languages", "default_language"):
        return form.languages, None
    return (form.policy_url if head == "policy_url" else None), None


def put_errors(form, errors: dict, origins: list[tuple], document: dict) -> None:
    """The drafts service's errors at their fields, translated."""
    for path, message in _messages(errors):
        field, subject = _field_of(form, path, origins, document)
        text = translate(message, path)
        if subject:
            text = f"{subject}: {text}"
        if field is None:
            form.form_errors.append(text)
        elif text not in field.errors:
            field.errors = [*field.errors, text]
