"""Banner versions: published drafts, immutable and hashed (drafts.py makes them)."""
from dataclasses import dataclass

from ..cache import app_cache, clear_caches
from ..documents import content_hash, is_material_change, validate_document
from ..errors import Invalid, NotFound
from ..extensions import db
from ..models import CHANGE_KINDS, BannerVersion, Site
from .diff import diff_documents
from .pagination import Page, paginate


def latest_published(site_id: int) -> BannerVersion | None:
    return db.session.scalar(
        db.select(BannerVersion).filter_by(site_id=site_id, status="published")
        .order_by(BannerVersion.number.desc()).limit(1))


def material_version_number(site_id: int) -> int | None:
    """The newest version that asked every visitor again: older consents are stale."""
    return db.session.scalar(
        db.select(db.func.max(BannerVersion.number))
        .filter_by(site_id=site_id, status="published", change_kind="material"))


def forget_live_version() -> None:
    """After a publication: this worker serves it at once, others within
    BANNER_CACHE_SECONDS (their caches expire)."""
    clear_caches()


def publish(site: Site, document: dict, change_kind: str | None = None) -> BannerVersion:
    """Publish a document as the site's next version and return it (operators' commands,
    demo seeding and tests; merchants go through the draft).

    change_kind None decides by content: a change of vendors, purposes or policy is
    material. Publishing the same content as the live version returns that version.
    """
    from . import audit, drafts  # drafts builds on this module
    if change_kind is not None and change_kind not in CHANGE_KINDS:
        raise Invalid("Unknown change kind.", {"change_kind": [f"One of {CHANGE_KINDS}."]})
    document = validate_document(document)
    current = latest_published(site.id)
    if current is not None and current.content_hash == content_hash(document):
        return current
    if change_kind is None or current is None:
        # The first version is what every visitor consents to: always material.
        material = current is None or is_material_change(current.document, document)
        change_kind = "material" if material else change_kind or "minor"
    return drafts.publish_document(site, document, change_kind, None,
                                   audit.Actor(site.merchant_id, "cli"))


def list_versions(site_id: int, cursor: str | None = None, limit: int = 50) -> Page:
    """The site's published versions, newest first."""
    return paginate(db.select(BannerVersion).filter_by(site_id=site_id, status="published"),
                    BannerVersion.id, cursor, limit)


def get_version(site_id: int, number: int) -> BannerVersion:
    """The site's published version with this number; NotFound otherwise (drafts too)."""
    version = db.session.scalar(db.select(BannerVersion).filter_by(
        site_id=site_id, number=number, status="published")) if 0 < number < 2**31 else None
    if version is None:
        raise NotFound(f"Version {number} was never published for this site.")
    return version


def diff_versions(site_id: int, a: int, b: int) -> dict:
    """What changed from published version a to published version b."""
    old, new = get_version(site_id, a), get_version(site_id, b)
    return {"from_version": a, "to_version": b, **diff_documents(old.document, new.document)}


@dataclass(frozen=True)
class PublishedVersion:
    """What recording a consent needs of a version (published versions never change)."""

    id: int
    number: int
    lifetime_days: int
    languages: tuple[str, ...]
    age_confirmation: bool
    behaviour: dict  # default_mode and region_rules decide the policy recorded


def published_version(site_id: int, number: int) -> PublishedVersion:
    """The site's published version with this number; 422 when there is none."""
    def load():
        row = db.session.scalar(db.select(BannerVersion).filter_by(
            site_id=site_id, number=number, status="published"))
        if row is None:
            return None
        return PublishedVersion(row.id, row.number,
                                row.document["behaviour"]["consent_lifetime_days"],
                                tuple(row.document["languages"]),
                                row.document["behaviour"]["age_confirmation"],
                                row.document["behaviour"])
    found = app_cache("versions").get_or_set((site_id, number), load)
    if found is None:
        raise Invalid(f"Version {number} was never published for this site.",
                       {"version": ["Not a published version of this site."]})
    return found
