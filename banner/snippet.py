"""Serves the storefront snippet: the minified build of static/snippet.js (`make snippet`,
banner/snippet_build.py) with the vendor catalogue filled in, long-cacheable and loadable
from any origin, and its source map.

Without a build of the current source (flask run without make, or a source edited since),
the readable source is served instead, its comment lines dropped, and a warning logged.
"""
import hashlib
import json
import os
from dataclasses import dataclass
from functools import lru_cache

from flask import Blueprint, Response, abort, current_app, request

from .snippet_build import BUILD, marker
from .vendors import by_category

bp = Blueprint("snippet", __name__)

# Where the snippet takes the built-in catalogue, and a site's published banners (the
# per-site script, api/site_script.py); an empty object in the source and the build.
MARKER = marker("catalogue")
PRELOADED = marker("preloaded")
MAP_URL = "/static/snippet.js.map"


def catalogue_json() -> str:
    """{category: [cookie regex source, ...hosts]}: one alternation per category is what the
    snippet tests cookie names with, and the shortest form of the lists."""
    data = {category: ["|".join(entry["cookies"]), *entry["hosts"]]
            for category, entry in by_category().items()}
    return json.dumps(data, separators=(",", ":"))


def readable_build(source: str) -> str:
    """The source as served without a build: comment lines and indentation gone.

    Blanking whole lines keeps every line number of the source (so a reported error points
    at the readable file), and is safe because the source has no multi-line literal."""
    lines = source.split("\n")
    return "\n".join("" if line.lstrip().startswith("//") else line.lstrip() for line in lines)


@dataclass(frozen=True)
class Snippet:
    """The snippet as served, split where a site's banners go."""

    before: bytes
    after: bytes
    minified: bool
    has_slot: bool  # whether the text has the preloaded marker (the build always has)
    body: bytes  # as /static/snippet.js serves it: nothing preloaded
    etag: str

    def with_preloaded(self, banners: bytes) -> bytes:
        return self.before + (banners if self.has_slot else b"") + self.after


def _snippet(before: bytes, after: bytes, minified: bool, has_slot: bool) -> Snippet:
    body = before + (b"{}" if has_slot else b"") + after
    return Snippet(before, after, minified, has_slot, body, _etag(body))


def _etag(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:32]


def _current_build(source: str, build_path: str) -> str | None:
    """The built text if it was built from this very source (its map carries the source)."""
    try:
        with open(f"{build_path}.map", encoding="utf-8") as file:
            built_from = json.load(file)["sourcesContent"][0]
        with open(build_path, encoding="utf-8") as file:
            built = file.read()
    except (OSError, ValueError, KeyError, IndexError):
        return None
    return built if built_from == source else None


@lru_cache(maxsize=4)
def _load(source_path: str, build_path: str, _stamps: tuple) -> Snippet:
    # Keyed by the files' mtimes too: read once per process, again only when one changes;
    # so the warning below is logged once per state of the files.
    with open(source_path, encoding="utf-8") as file:
        source = file.read()
    text = _current_build(source, build_path)
    minified = text is not None
    if not minified:
        current_app.logger.warning(
            "%s is missing or not built from the current %s: serving the readable source "
            "(run `make snippet`)", build_path, source_path)
        text = readable_build(source)
    if text.count(MARKER) != 1 or text.count(PRELOADED) > 1:
        raise RuntimeError(f"the snippet must hold {MARKER} once and {PRELOADED} at most once")
    before, slot, after = text.replace(MARKER, catalogue_json()).partition(PRELOADED)
    return _snippet(before.encode(), after.encode(), minified, slot != "")


def _stamp(path: str) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return 0


def current_snippet() -> Snippet:
    """The snippet as served now (the build when it is of the current source)."""
    config = current_app.config
    source, build = config["SNIPPET_PATH"], config.get("SNIPPET_BUILD_PATH", str(BUILD))
    stamps = (_stamp(source), _stamp(build), _stamp(f"{build}.map"))
    return _load(source, build, stamps)


def script_headers(snippet: Snippet) -> list[tuple[str, str]]:
    """What every response carrying the snippet says besides its caching."""
    # A public script: any store may load it, with or without crossorigin="anonymous".
    headers = [("Access-Control-Allow-Origin", "*")]
    if snippet.minified:
        # A header, not a comment: it costs the visitor nothing, and devtools read it.
        headers.append(("SourceMap", MAP_URL))
    return headers


def _long_cached(response: Response) -> Response:
    response.cache_control.public = True
    response.cache_control.max_age = current_app.config["SNIPPET_MAX_AGE"]
    response.cache_control.stale_while_revalidate = 86400
    return response


@bp.get("/static/snippet.js")
def get_snippet():
    snippet = current_snippet()
    response = Response(snippet.body, mimetype="text/javascript",
                        headers=script_headers(snippet))
    # No Last-Modified: the body also changes with banner/vendors.py, which the file's
    # date does not tell; the ETag is a hash of the body.
    response.set_etag(snippet.etag)
    return _long_cached(response).make_conditional(request, accept_ranges=True)


@bp.get(MAP_URL)
def get_snippet_map():
    """The source map of the build served (the readable source is inside it)."""
    if not current_snippet().minified:
        abort(404)
    path = f"{current_app.config.get('SNIPPET_BUILD_PATH', str(BUILD))}.map"
    with open(path, "rb") as file:
        body = file.read()
    response = Response(body, mimetype="application/json",
                        headers=[("Access-Control-Allow-Origin", "*")])
    response.set_etag(_etag(body))
    return _long_cached(response).make_conditional(request)
