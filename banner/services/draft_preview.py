"""The draft tried out in the dashboard's preview: rendered as the public banner will be,
and decisions answered as the public API would answer them, with nothing recorded."""
import uuid
from datetime import timedelta

from ..documents import validate_document
from ..models import Site, utcnow
from .banners import localise, resolve_language
from .consents import check_decision
from .drafts import draft_row


def preview_document(site: Site, document: dict, requested_language: str | None) -> dict:
    """An unsaved document, validated and localised like the draft (stores nothing)."""
    document = validate_document(document)
    number = draft_row(site).number
    language = resolve_language(requested_language, document["languages"],
                                site.default_language)
    return localise(site.site_key, number, number, document, language)


def try_consent(site: Site, data: dict) -> dict:
    """What recording this decision on the draft would answer (see consents.record_consent),
    refused for the same reasons; nothing is written."""
    document = draft_row(site).document
    check_decision(data, document["languages"], document["behaviour"]["age_confirmation"])
    choices = data["choices"]
    now = utcnow()
    lifetime = timedelta(days=document["behaviour"]["consent_lifetime_days"])
    return {"consent_id": uuid.uuid4(), "visitor_id": data["visitor_id"],
            "version": data["version"], "choices": choices, "expires_at": now + lifetime,
            "recorded_at": now}
