"""Banner versions: publishing makes an immutable, hashed copy of the document."""
from dataclasses import dataclass

from ..cache import app_cache, clear_caches
from ..documents import content_hash, is_material_change, validate_document
from ..errors import Invalid, NotFound
from ..extensions import db
from ..models import CHANGE_KINDS, BannerVersion, Site, utcnow


def latest_published(site_id: int) -> BannerVersion | None:
    return db.session.scalar(
        db.select(BannerVersion).filter_by(site_id=site_id, status="published")
        .order_by(BannerVersion.number.desc()).limit(1))


def material_version_number(site_id: int) -> int | None:
    """The newest version that asked every visitor again: older consents are stale."""
    return db.session.scalar(
        db.select(db.func.max(BannerVersion.number))
        .filter_by(site_id=site_id, status="published", change_kind="material"))


def publish(site: Site, document: dict, change_kind: str | None = None) -> BannerVersion:
    """Publish a document as the site's next version and return it.

    change_kind None decides by content: a change of vendors, purposes or policy is
    material. Publishing the same content as the live version returns that version.
    """
    if change_kind is not None and change_kind not in CHANGE_KINDS:
        raise Invalid("Unknown change kind.", {"change_kind": [f"One of {CHANGE_KINDS}."]})
    document = validate_document(document)
    digest = content_hash(document)
    current = latest_published(site.id)
    if current is not None and current.content_hash == digest and change_kind is None:
        return current
    if change_kind is None:
        material = is_material_change(current.document if current else None, document)
        change_kind = "material" if material else "minor"
    if current is None:
        change_kind = "material"  # the first version is what every visitor consents to
    number = (db.session.scalar(db.select(db.func.max(BannerVersion.number))
                                .filter_by(site_id=site.id)) or 0) + 1
    version = BannerVersion(site_id=site.id, number=number, status="published",
                            change_kind=change_kind, content_hash=digest, document=document,
                            published_at=utcnow())
    db.session.add(version)
    db.session.commit()
    clear_caches()
    return version


@dataclass(frozen=True)
class PublishedVersion:
    """What recording a consent needs of a version (published versions never change)."""

    id: int
    number: int
    lifetime_days: int
    languages: tuple[str, ...]
    age_confirmation: bool


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
                                row.document["behaviour"]["age_confirmation"])
    found = app_cache("versions").get_or_set((site_id, number), load)
    if found is None:
        raise Invalid(f"Version {number} was never published for this site.",
                       {"version": ["Not a published version of this site."]})
    return found
