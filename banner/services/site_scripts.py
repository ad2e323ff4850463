"""The banners a per-site script carries (GET /v1/sites/{key}/snippet.js): the site's
published banner in each of its languages, as the banner GET renders it, so that the
snippet can show it without asking again.

Built from the banner GET's own renderings (banners.py): the same documents, the same
caching, and whatever they vary on (the country header, with region rules), the script
varies on too.
"""
import json
from dataclasses import dataclass

from flask import current_app

from ..cache import stale_if_error
from .banners import live_version, render_banner, resolve_language
from .sites import SiteSettings

LINE_SEPARATOR, PARAGRAPH_SEPARATOR = "\u2028".encode(), "\u2029".encode()


@dataclass(frozen=True)
class PreloadedBanners:
    body: bytes  # {"ar": <the banner GET's body for ar>, "en": ...}; {} before publishing
    cache_control: str
    vary: tuple[str, ...]  # what the renderings vary on, Origin aside
    stamp: tuple  # changes whenever one of the renderings does


def _header(headers, name: str) -> list[str]:
    return [value for key, value in headers if key.lower() == name.lower()]


def _unpublished_cache_control() -> str:
    # As short as a banner's: the script should carry the first banner soon after publishing.
    config = current_app.config
    return (f"public, max-age={config['BANNER_MAX_AGE']}, "
            f"stale-while-revalidate={config['BANNER_STALE_WHILE_REVALIDATE']}, "
            f"stale-if-error={stale_if_error():.0f}")


def preloaded_banners(site: SiteSettings, country: str | None = None) -> PreloadedBanners:
    """The site's live banner in each language it offers, keyed by language (the banner
    GET's answer without ?lang first), with the policy for the visitor's country (from the
    trusted header) as the banner GET has it."""
    live = live_version(site)
    if live is None:
        # The snippet still installs (consent defaults, gating, the JS API) and asks for
        # the banner itself, which answers 404 until one is published.
        return PreloadedBanners(b"{}", _unpublished_cache_control(), (), ())
    # The language the banner GET answers without ?lang comes first: a page whose
    # languages the site does not offer takes the first, as it would have been answered.
    offered = live.document["languages"]
    first = resolve_language(None, offered, site.default_language)
    rendered = [render_banner(site, language, country)
                for language in [first] + [other for other in offered if other != first]]
    body = b"{" + b",".join(json.dumps(banner.language).encode() + b":" + banner.body
                            for banner in rendered) + b"}"
    # JSON is a JavaScript expression (its keys are fixed by the document's schema, so no
    # __proto__), except that scripts before ES2019 end a string at U+2028 and U+2029.
    body = body.replace(LINE_SEPARATOR, rb"\u2028").replace(PARAGRAPH_SEPARATOR, rb"\u2029")
    names = [name.strip() for banner in rendered for value in _header(banner.headers, "Vary")
             for name in value.split(",")]
    vary = tuple(dict.fromkeys(name for name in names if name and name.lower() != "origin"))
    return PreloadedBanners(body, _header(rendered[0].headers, "Cache-Control")[0],
                            vary, tuple(banner.quoted_etag for banner in rendered))
