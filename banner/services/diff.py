"""What changed between two banner documents, in terms a merchant reads (pure functions)."""
from ..documents import TEXT_KEYS, is_material_change
from ..models import CATEGORIES

VENDOR_FIELDS = ("name", "category", "hosts", "privacy_url")
CATEGORY_FIELDS = ("label", "description")


def _changed(before, after) -> dict | None:
    return None if before == after else {"before": before, "after": after}


def _fields(old: dict, new: dict) -> dict:
    """{field: {before, after}} for every field that differs (missing is None)."""
    keys = list(old) + [key for key in new if key not in old]
    return {key: change for key in keys
            if (change := _changed(old.get(key), new.get(key))) is not None}


def _languages(old: dict, new: dict) -> list[str]:
    return list(old["languages"]) + [lang for lang in new["languages"]
                                     if lang not in old["languages"]]


def _texts(old: dict, new: dict) -> tuple[list, list]:
    texts, categories = [], []
    for lang in _languages(old, new):
        before, after = old["texts"].get(lang, {}), new["texts"].get(lang, {})
        for key in TEXT_KEYS:
            if before.get(key) != after.get(key):
                texts.append({"language": lang, "key": key, "before": before.get(key),
                              "after": after.get(key)})
        for category in CATEGORIES:
            was = before.get("categories", {}).get(category, {})
            now = after.get("categories", {}).get(category, {})
            for field in CATEGORY_FIELDS:
                if was.get(field) != now.get(field):
                    categories.append({"language": lang, "category": category, "field": field,
                                       "before": was.get(field), "after": now.get(field)})
    return texts, categories


def _vendors(old: list, new: list) -> dict:
    before = {vendor["key"]: vendor for vendor in old}
    after = {vendor["key"]: vendor for vendor in new}
    changed = []
    for key in after.keys() & before.keys():
        changes = {field: change for field in VENDOR_FIELDS if (change := _changed(
            before[key].get(field), after[key].get(field))) is not None}
        if changes:
            changed.append({"key": key, "changes": changes})
    return {"added": [vendor for vendor in new if vendor["key"] not in before],
            "removed": [vendor for vendor in old if vendor["key"] not in after],
            "changed": sorted(changed, key=lambda item: item["key"])}


def diff_documents(old: dict, new: dict) -> dict:
    """What changed from old to new, and whether visitors must be asked again."""
    texts, categories = _texts(old, new)
    return {
        "material": is_material_change(old, new),
        "languages": {"added": [lang for lang in new["languages"]
                                if lang not in old["languages"]],
                      "removed": [lang for lang in old["languages"]
                                  if lang not in new["languages"]]},
        "default_language": _changed(old["default_language"], new["default_language"]),
        "texts": texts,
        "categories": categories,
        "vendors": _vendors(old["vendors"], new["vendors"]),
        "behaviour": _fields(old["behaviour"], new["behaviour"]),
        "appearance": _fields(old["appearance"], new["appearance"]),
        "policy_url": _changed(old["policy_url"], new["policy_url"]),
        "contact": _fields(old["contact"], new["contact"]),
    }
