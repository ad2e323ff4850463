"""The draft banner: the one editable document of a site, published as its next version.

The draft is a banner_version row with status "draft", numbered as the version it will
become, so publishing only flips its status: a published row is never written again.
"""
import copy
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from ..documents import content_hash, default_document, is_material_change, validate_document
from ..errors import Conflict, Invalid
from ..extensions import db
from ..models import CHANGE_KINDS, BannerVersion, Site, utcnow
from . import audit
from .banners import localise, resolve_language
from .versions import forget_live_version, latest_published, material_version_number

MAX_NOTE = 500


@dataclass(frozen=True)
class Draft:
    """The draft with what an editor needs beside it."""

    number: int
    based_on: int | None  # the live version's number
    content_hash: str
    updated_at: datetime
    changed: bool  # differs from the live version
    document: dict


def current_draft(site_id: int) -> BannerVersion | None:
    """The site's draft row, if it has one."""
    return db.session.scalar(db.select(BannerVersion).filter_by(site_id=site_id, status="draft"))


def _next_number(site_id: int) -> int:
    return (db.session.scalar(db.select(db.func.max(BannerVersion.number))
                              .filter_by(site_id=site_id)) or 0) + 1


def _starting_document(site: Site) -> dict:
    """What a new draft holds: the live document (validated when it was published)."""
    live = latest_published(site.id)
    if live is not None:
        return copy.deepcopy(live.document)
    # Default texts exist in Arabic and English: the site's language first when it has them.
    return default_document(("en", "ar") if site.default_language == "en" else ("ar", "en"))


def _stage(site: Site, document: dict) -> BannerVersion:
    """Put a validated document in the draft row (made if missing), uncommitted."""
    digest, now = content_hash(document), utcnow()
    draft = current_draft(site.id)
    if draft is None:
        draft = BannerVersion(site_id=site.id, number=_next_number(site.id), status="draft",
                              change_kind="minor", document=document, content_hash=digest,
                              updated_at=now)
        db.session.add(draft)
        db.session.flush()
        return draft
    # Written only while still a draft: a version published since the read above must
    # not change (consent records point at it).
    table = BannerVersion.__table__
    written = db.session.execute(
        db.update(table).where(table.c.id == draft.id, table.c.status == "draft")
        .values(document=document, content_hash=digest, updated_at=now)).rowcount
    if written != 1:
        raise Conflict("The draft was published meanwhile: edit the new one.",
                       {"draft": ["Published meanwhile."]})
    db.session.refresh(draft)
    return draft


def _stage_retrying(site: Site, document: dict) -> BannerVersion:
    try:
        return _stage(site, document)
    except IntegrityError:
        # Another request made the draft first (one per site, numbers unique): write
        # over theirs, as if it had come a moment earlier.
        db.session.rollback()
        return _stage(site, document)


def draft_row(site: Site) -> BannerVersion:
    """The site's draft, made from the live version on first access."""
    draft = current_draft(site.id)
    if draft is not None:
        return draft
    try:
        draft = _stage(site, _starting_document(site))
        db.session.commit()
    except IntegrityError:
        # Another request made it first (one draft per site, numbers unique): use theirs.
        db.session.rollback()
        draft = current_draft(site.id)
        if draft is None:
            raise
    return draft


def describe(site: Site, draft: BannerVersion) -> Draft:
    """The draft as the editor shows it."""
    live = latest_published(site.id)
    return Draft(draft.number, live.number if live else None, draft.content_hash,
                 draft.updated_at, live is None or live.content_hash != draft.content_hash,
                 draft.document)


def get_draft(site: Site) -> Draft:
    """The site's draft (made on first access)."""
    return describe(site, draft_row(site))


def save_draft(site: Site, document: dict, actor: audit.Actor) -> Draft:
    """Replace the whole draft document; Invalid with field paths, storing nothing."""
    document = validate_document(document)
    draft = _stage_retrying(site, document)
    audit.record(actor, "draft.saved", site.id, number=draft.number,
                 content_hash=draft.content_hash)
    db.session.commit()
    return describe(site, draft)


def preview_material_version(site: Site, draft: BannerVersion) -> int:
    """The material_version the draft would carry when published as the kind it needs."""
    live = latest_published(site.id)
    if live is None or is_material_change(live.document, draft.document):
        return draft.number
    return material_version_number(site.id) or draft.number


def preview(site: Site, requested_language: str | None) -> dict:
    """The draft rendered exactly as the public banner will be once it is published."""
    draft = draft_row(site)
    document = draft.document
    language = resolve_language(requested_language, document["languages"],
                                site.default_language)
    return localise(site.site_key, draft.number, preview_material_version(site, draft),
                    document, language)


def _check_publication(change: str, note: str | None) -> None:
    if change not in CHANGE_KINDS:
        raise Invalid("Unknown change kind.", {"change": [f"One of {', '.join(CHANGE_KINDS)}."]})
    if note is not None and (not isinstance(note, str) or len(note) > MAX_NOTE):
        raise Invalid("The note is not valid.",
                      {"note": [f"Text of at most {MAX_NOTE} characters."]})


def _publish_staged(site: Site, draft: BannerVersion | None, change: str, note: str | None,
                    actor: audit.Actor) -> BannerVersion:
    """Flip the draft to published, in the current transaction (not committed)."""
    if draft is None:
        raise Conflict("There is no draft to publish.", {"draft": ["No draft."]})
    live = latest_published(site.id)
    if live is not None and live.content_hash == draft.content_hash:
        raise Conflict("The draft is the live version: change it before publishing.",
                       {"draft": ["Same content as the live version."]})
    if change == "minor" and is_material_change(live.document if live else None,
                                                draft.document):
        reason = ("The first version is what every visitor consents to." if live is None else
                  "Vendors, the privacy policy or the consent rules changed, so visitors must "
                  "be asked again.")
        raise Invalid(f"{reason} Publish it as a material change.",
                      {"change": [f"{reason} Use material."]})
    now = utcnow()
    # Only a row still in draft is flipped: of two concurrent publishers, one wins.
    table = BannerVersion.__table__
    flipped = db.session.execute(
        db.update(table).where(table.c.id == draft.id, table.c.status == "draft")
        .values(status="published", change_kind=change, change_note=note, published_at=now,
                updated_at=now)).rowcount
    if flipped != 1:
        raise Conflict("The draft was published meanwhile.", {"draft": ["Already published."]})
    db.session.refresh(draft)
    audit.record(actor, "version.published", site.id, number=draft.number, change=change)
    return draft


def _committed(publishing) -> BannerVersion:
    try:
        version = publishing()
        db.session.commit()
    except Exception:
        db.session.rollback()  # a refusal writes nothing, not even a staged draft
        raise
    forget_live_version()
    return version


def publish_draft(site: Site, change: str, note: str | None, actor: audit.Actor) -> BannerVersion:
    """Publish the draft as the site's next version."""
    _check_publication(change, note)
    return _committed(lambda: _publish_staged(site, current_draft(site.id), change, note, actor))


def publish_document(site: Site, document: dict, change: str, note: str | None,
                     actor: audit.Actor) -> BannerVersion:
    """Make the document the draft and publish it, in one transaction."""
    _check_publication(change, note)
    document = validate_document(document)
    return _committed(lambda: _publish_staged(site, _stage(site, document), change, note, actor))
