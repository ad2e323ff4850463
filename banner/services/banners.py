"""The public, localised banner: rendered once per (site, language) and cached.

Nothing visitor-specific goes in: the same bytes serve every visitor, so a CDN
may cache them. Three per-worker caches (cache.py) serve it: the site's live version
(read from the database every BANNER_CACHE_SECONDS, served stale while the database is
down), its renderings by resolved language, and the raw query strings of the fast path.
"""
import hashlib
import json
import re
from dataclasses import dataclass

from flask import current_app

from ..cache import NEVER, LRUCache, app_cache, stale_if_error
from ..default_texts import system_texts
from ..documents import RTL_LANGUAGES, normalised_appearance
from ..errors import NotFound
from ..models import CATEGORIES
from ..security import EVERY_RESPONSE
from .markup import render_markup, render_styles
from .policy import Policy, applied_policy, country_header, depends_on_country
from .sites import SiteSettings, site_settings
from .versions import latest_published, material_version_number


# Bounds per worker. Renderings (a few KB each) are kept per (site, language) and live
# versions per site, so these cover thousands of busy sites; the raw query strings of
# the fast path are only those the snippet itself sends (QUERY_KEPT), a few per site.
MAX_LIVE_SITES = 2048
MAX_RENDERINGS = 4096
MAX_QUERIES = 8192
# What the snippet asks for: nothing, or lang= and a two-letter code. Other queries still
# get the shared rendering, through the view; they are not kept under their own string, so
# a flood of distinct junk cannot churn the fast path.
QUERY_KEPT = re.compile(rb"(lang=[a-z]{2})?")
ANY_COUNTRY = "*"  # the fast path's key for a banner that is the same in every country


@dataclass(frozen=True)
class LiveVersion:
    """The site's published banner, as rendering needs it (published versions never change)."""

    number: int
    material: int
    document: dict


@dataclass(frozen=True)
class RenderedBanner:
    body: bytes
    quoted_etag: str
    language: str
    headers: tuple[tuple[str, str], ...]
    version: tuple[int, int]  # (number, material) of the LiveVersion it was rendered from


def resolve_language(requested: str | None, offered: list[str], site_default: str) -> str:
    """requested (or its base, 'ar-SA' -> 'ar') -> site default -> en -> first offered."""
    candidates = []
    if requested:
        requested = requested.lower().replace("_", "-")
        candidates += [requested, requested.split("-")[0]]
    candidates += [site_default, "en"]
    return next((lang for lang in candidates if lang in offered), offered[0])


def localise(site_key: str, number: int, material: int, document: dict, language: str,
             policy: Policy | None = None) -> dict:
    texts = {**system_texts(language), **document["texts"][language]}
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
        # Documents stored before an option existed are drawn with its default.
        "appearance": normalised_appearance(document["appearance"]),
        "behaviour": document["behaviour"],
        # The policy that applies where the request came from (the default mode when no
        # country is known, or when the document has no region rules).
        "policy": (policy or applied_policy(document["behaviour"], None)).as_json(),
        "policy_url": document["policy_url"],
        "contact": document["contact"],
    }
    # The look travels with the banner (cached like it): the snippet only wires it up.
    banner["markup"] = render_markup(banner)
    banner["styles"] = render_styles(banner["appearance"])
    return banner


def _live_versions() -> LRUCache:
    return app_cache("live_versions", MAX_LIVE_SITES)


def _queries() -> LRUCache:
    return app_cache("banner_queries", MAX_QUERIES, stale=False)


def live_version(site: SiteSettings) -> LiveVersion | None:
    """The site's latest published version (cached; stale while the database is down)."""
    def load():
        version = latest_published(site.id)
        if version is None:
            return None
        material = material_version_number(site.id) or version.number
        return LiveVersion(version.number, material, version.document)
    return _live_versions().get_or_set(site.id, load)


def _render(site: SiteSettings, live: LiveVersion, language: str,
            policy: Policy) -> RenderedBanner:
    payload = localise(site.site_key, live.number, live.material, live.document, language,
                       policy)
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    config = current_app.config
    # stale-if-error: a CDN may keep serving the banner through an outage, as we do.
    cache_control = (f"public, max-age={config['BANNER_MAX_AGE']}, "
                     f"stale-while-revalidate={config['BANNER_STALE_WHILE_REVALIDATE']}, "
                     f"stale-if-error={stale_if_error():.0f}")
    # With region rules the body depends on the trusted country header: a shared cache
    # must keep one copy per country, never hand one country's policy to another.
    vary = f"Origin, {country_header()}" if depends_on_country(live.document["behaviour"]) \
        else "Origin"
    headers = (("ETag", etag), ("Cache-Control", cache_control),
               ("Content-Language", language), ("Vary", vary), *EVERY_RESPONSE)
    return RenderedBanner(body, etag, language, headers, (live.number, live.material))


def render_banner(site: SiteSettings, requested_language: str | None,
                  country: str | None = None) -> RenderedBanner:
    """The site's live banner in the best language, with the policy for the visitor's
    country; 404 when nothing is published. Rendered once per (site, language, policy,
    version): every request naming that language, however it is spelt, from every
    country that policy covers, shares the same rendering."""
    live = live_version(site)
    if live is None:
        raise NotFound("This site has not published a banner yet.")
    language = resolve_language(requested_language, live.document["languages"],
                                site.default_language)
    policy = applied_policy(live.document["behaviour"], country)
    renderings = app_cache("banner_renderings", MAX_RENDERINGS, stale=False, seconds=NEVER)
    key = (site.id, language, policy)
    rendered = renderings.get(key)
    if rendered is None or rendered.version != (live.number, live.material):
        rendered = _render(site, live, language, policy)
        renderings.put(key, rendered)
    return rendered


def prepared_banner(site_key: str, query: bytes,
                    country: str | None = None) -> RenderedBanner | None:
    """The rendering already prepared for this raw query string (and country), if any:
    on the busiest endpoint, parsing the query costs more than everything else the view
    does."""
    queries = _queries()
    return queries.get((site_key, query, ANY_COUNTRY)) or queries.get((site_key, query, country))


def banner_for_query(site_key: str, query: bytes, requested_language: str | None,
                     country: str | None = None) -> RenderedBanner:
    """render_banner, kept under the raw query string for prepared_banner when it is one
    the snippet sends. Errors are not kept. An entry goes when the site's live version
    is due to be read again, so a worker still asks the database every
    BANNER_CACHE_SECONDS; publishing clears this cache with the others."""
    site = site_settings(site_key)
    rendered = render_banner(site, requested_language, country)
    if QUERY_KEPT.fullmatch(query):
        live = live_version(site)
        # Kept once for every country unless the country changes the answer.
        where = country if depends_on_country(live.document["behaviour"]) else ANY_COUNTRY
        _queries().put((site_key, query, where), rendered,
                       _live_versions().fresh_until(site.id))
    return rendered
