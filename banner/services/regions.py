"""Region presets: the sets of countries merchants most often give their own consent
rule, and how ticking or unticking them changes a banner's region rules."""

GCC = ("SA", "AE", "KW", "QA", "BH", "OM")
EU = ("AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
      "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE")
EEA_UK = EU + ("IS", "LI", "NO", "GB")

# Key -> the rule it stands for. Opt-in where the law asks for consent before tracking
# (the GCC's data protection laws, the GDPR and UK GDPR); opt-out where a notice with an
# equal way to refuse is what is asked (US state laws).
PRESETS = {
    "gcc": {"countries": list(GCC), "mode": "opt_in"},
    "europe": {"countries": list(EEA_UK), "mode": "opt_in"},
    "us": {"countries": ["US"], "mode": "opt_out"},
}


def preset_of(rule: dict) -> str | None:
    """The preset a rule is (the same countries, in any order, and the same mode)."""
    for key, preset in PRESETS.items():
        if rule.get("mode") == preset["mode"] \
                and sorted(rule.get("countries") or []) == sorted(preset["countries"]):
            return key
    return None


def encode_rule(rule: dict) -> str:
    """A rule as a short string, e.g. 'opt_in:SA,AE' (a form's checkbox value)."""
    return f"{rule['mode']}:{','.join(rule['countries'])}"


def decode_rule(text: str) -> dict:
    """encode_rule's inverse; what it gives is validated with the rest of the document."""
    mode, _, countries = text.partition(":")
    return {"countries": [c for c in countries.split(",") if c], "mode": mode}


def rules_with(existing: list[dict], presets: list[str], kept: list[dict]) -> list[dict]:
    """The region rules after ticking presets and keeping other rules: the rules kept
    stay where they were (their order decides which applies first, and reordering alone
    would count as a material change); rules newly ticked come last."""
    wanted = set(presets)
    kept_codes = [encode_rule(rule) for rule in kept]
    result, seen = [], set()
    for rule in existing:
        key = preset_of(rule)
        code = encode_rule(rule)
        if (key in wanted and key not in seen) or (key is None and code in kept_codes):
            result.append(rule)
            seen.add(key or code)
    for key in PRESETS:
        if key in wanted and key not in seen:
            result.append({"countries": list(PRESETS[key]["countries"]),
                           "mode": PRESETS[key]["mode"]})
            seen.add(key)
    for rule, code in zip(kept, kept_codes):
        if code not in seen:
            result.append(rule)
            seen.add(code)
    return result
