"""Proof of one visitor's consent: every record, each with the exact version it was shown."""
import uuid

from ..errors import NotFound
from ..extensions import db
from ..models import CATEGORIES, BannerVersion, ConsentRecord, Site, VisitorConsent
from .chain import verify
from .consents import current_state


def _shown_version(version: BannerVersion, language: str) -> dict:
    """The published document as one visitor saw it: its texts in their language."""
    texts = version.document["texts"]
    return {
        "number": version.number, "content_hash": version.content_hash,
        "change_kind": version.change_kind, "published_at": version.published_at,
        # A record's language is checked against the version when it is written.
        "texts": texts.get(language) or texts[version.document["default_language"]],
        "vendors": version.document["vendors"],
    }


def _record(record: ConsentRecord, version: BannerVersion) -> dict:
    return {
        "id": record.id, "recorded_at": record.recorded_at, "client_time": record.client_time,
        "action": record.action, "choices": {key: getattr(record, key) for key in CATEGORIES},
        "language": record.language, "source": record.source,
        "age_confirmed": record.age_confirmed, "gpc": record.gpc, "page_url": record.page_url,
        "country": record.country, "device_type": record.device_type,
        "browser_family": record.browser_family, "os_family": record.os_family,
        "ip": record.ip,  # as stored: truncated, keyed hash or nothing, never the raw IP
        "version": _shown_version(version, record.language),
        # Records from before region rules took effect carry none.
        "policy": None if record.policy_mode is None else {
            "mode": record.policy_mode, "country": record.country, "rule": record.policy_rule,
            "countries": _rule_countries(version, record.policy_rule)},
        "record_hash": record.record_hash, "prev_hash": record.prev_hash,
    }


def _rule_countries(version: BannerVersion, rule: int | None) -> list[str] | None:
    """The countries of the region rule that applied, as the version shown states it."""
    if rule is None:
        return None
    rules = version.document["behaviour"].get("region_rules") or []
    return rules[rule]["countries"] if rule < len(rules) else None


def chain_status(records: list[ConsentRecord], last_hash: str | None) -> dict:
    """The hash chain, verified: status verified, broken or not_recorded (every record
    predates chaining)."""
    result = verify(records, last_hash)
    if result["records"] == 0:
        status = "not_recorded"
    else:
        status = "verified" if result["verified"] else "broken"
    return {"status": status, "verified": None if status == "not_recorded" else result["verified"],
            "records": result["records"], "unchained": result["unchained"],
            "starts_after_purge": result["starts_after_purge"],
            "problem": None if status == "not_recorded" else result["problem"]}


def visitor_proof(site: Site, visitor_id: uuid.UUID) -> dict:
    """Everything recorded of one visitor's consent on a site, oldest first; NotFound
    when the visitor never decided there."""
    rows = db.session.execute(
        db.select(ConsentRecord, BannerVersion)
        .join(BannerVersion, BannerVersion.id == ConsentRecord.banner_version_id)
        .where(ConsentRecord.site_id == site.id, ConsentRecord.visitor_id == visitor_id)
        .order_by(ConsentRecord.recorded_at, ConsentRecord.id)).all()
    if not rows:
        raise NotFound("No consent recorded for this visitor on this site.")
    try:
        state = current_state(site, visitor_id)
    except NotFound:
        state = None  # the records are the proof; the state only summarises them
    current = None if state is None else {
        key: state[key] for key in ("choices", "version", "updated_at", "expires_at", "valid")}
    stored = db.session.get(VisitorConsent, (site.id, visitor_id))
    chain = chain_status([record for record, _ in rows], stored.last_hash if stored else None)
    return {"visitor_id": visitor_id, "site_key": site.site_key, "current": current,
            "records": [_record(record, version) for record, version in rows],
            "chain": chain}
