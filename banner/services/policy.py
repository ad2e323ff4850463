"""Which consent policy applies to a visitor (DESIGN.md section 5).

The visitor's country comes only from the trusted country header (COUNTRY_HEADER, set by
the CDN or proxy in front of us); the banner document's region rules are tried in order
and the first that lists the country decides; otherwise, and when no country is known,
the document's default mode applies.
"""
from dataclasses import dataclass

from flask import current_app, request

from .privacy import clean_country


@dataclass(frozen=True)
class Policy:
    mode: str           # "opt_in" or "opt_out"
    rule: int | None    # position of the region rule that decided; None: the default mode

    def as_json(self) -> dict:
        return {"mode": self.mode, "rule": self.rule}


def applied_policy(behaviour: dict, country: str | None) -> Policy:
    if country:
        for position, rule in enumerate(behaviour.get("region_rules") or []):
            if country in rule["countries"]:
                return Policy(rule["mode"], position)
    return Policy(behaviour.get("default_mode", "opt_in"), None)


def country_header() -> str | None:
    """The name of the trusted country header, if the deployment has one."""
    return current_app.config["COUNTRY_HEADER"]


def request_country() -> str | None:
    """The visitor's country as the trusted header gives it (never from the client's body)."""
    return country_from_environ(request.environ)


def country_from_environ(environ: dict) -> str | None:
    """request_country() from a WSGI environ (the consent lane has no Flask request)."""
    header = country_header()
    if not header:
        return None
    return clean_country(environ.get("HTTP_" + header.upper().replace("-", "_")))


def depends_on_country(behaviour: dict) -> bool:
    """Whether visitors of different countries can get different policies: only then does
    a shared cache need the country in its key (Vary)."""
    return bool(behaviour.get("region_rules")) and country_header() is not None
