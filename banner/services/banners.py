"""The public, localised banner: rendered once per (site, language) and cached.

Nothing visitor-specific goes in: the same bytes serve every visitor, so a CDN
may cache them.
"""
import hashlib
import json
import time
from dataclasses import dataclass

from flask import current_app

from ..cache import app_cache
from ..documents import RTL_LANGUAGES
from ..errors import NotFound
from ..models import CATEGORIES
from .markup import render_markup
from .sites import SiteSettings, site_settings
from .versions import latest_published, material_version_number


@dataclass(frozen=True)
class RenderedBanner:
    body: bytes
    quoted_etag: str
    language: str
    headers: tuple[tuple[str, str], ...]
    fresh_until: float  # time.monotonic() past which the database is asked again


def resolve_language(requested: str | None, offered: list[str], site_default: str) -> str:
    """requested (or its base, 'ar-SA' -> 'ar') -> site default -> en -> first offered."""
    candidates = []
    if requested:
        requested = requested.lower().replace("_", "-")
        candidates += [requested, requested.split("-")[0]]
    candidates += [site_default, "en"]
    return next((lang for lang in candidates if lang in offered), offered[0])


def localise(site_key: str, number: int, material: int, document: dict, language: str) -> dict:
    texts = dict(document["texts"][language])
    category_texts = texts.pop("categories")
    banner = {
        "site": site_key,
        "version": number,
        "material_version": material,
        "language": language,
        "dir": "rtl" if language in RTL_LANGUAGES else "ltr",
        "languages": document["languages"],
        "texts": texts,
        "categories": [{"key": key, **category_texts[key], "required": key == "necessary"}
                       for key in CATEGORIES],
        "vendors": document["vendors"],
        "appearance": document["appearance"],
        "behaviour": document["behaviour"],
        "policy_url": document["policy_url"],
        "contact": document["contact"],
    }
    # The look travels with the banner (cached like it): the snippet only wires it up.
    banner["markup"] = render_markup(banner)
    return banner


def render_banner(site: SiteSettings, requested_language: str | None) -> RenderedBanner:
    """The site's live banner in the best language; 404 when nothing is published."""
    def render():
        version = latest_published(site.id)
        if version is None:
            return None
        document = version.document
        language = resolve_language(requested_language, document["languages"],
                                    site.default_language)
        material = material_version_number(site.id) or version.number
        payload = localise(site.site_key, version.number, material, document, language)
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
        config = current_app.config
        cache_control = (f"public, max-age={config['BANNER_MAX_AGE']}, "
                         f"stale-while-revalidate={config['BANNER_STALE_WHILE_REVALIDATE']}")
        headers = (("ETag", etag), ("Cache-Control", cache_control),
                   ("Content-Language", language), ("Vary", "Origin"))
        return RenderedBanner(body, etag, language, headers,
                              time.monotonic() + config["BANNER_CACHE_SECONDS"])

    rendered = app_cache("banners").get_or_set((site.id, requested_language), render)
    if rendered is None:
        raise NotFound("This site has not published a banner yet.")
    return rendered


def prepared_banner(site_key: str, query: bytes) -> RenderedBanner | None:
    """The rendering already prepared for this raw query string, if any: on the busiest
    endpoint, parsing the query costs more than everything else the view does."""
    return app_cache("banner_queries").get((site_key, query))


def banner_for_query(site_key: str, query: bytes,
                     requested_language: str | None) -> RenderedBanner:
    """render_banner, kept under the raw query string for prepared_banner. Errors are
    not kept. An entry goes when its rendering does, so a worker still asks the database
    every BANNER_CACHE_SECONDS; publishing clears this cache with the others."""
    def render():
        return render_banner(site_settings(site_key), requested_language)
    return app_cache("banner_queries").get_or_set(
        (site_key, query), render, until=lambda rendered: rendered.fresh_until)
