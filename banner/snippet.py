"""Serves the storefront snippet: the readable source with the vendor catalogue filled in and
its comment lines dropped, long-cacheable and loadable from any origin."""
import hashlib
import json
import os
from functools import lru_cache

from flask import Blueprint, Response, current_app, request

from .vendors import by_category

bp = Blueprint("snippet", __name__)

# Where static/snippet.js takes the built-in catalogue; an empty object in the source.
MARKER = "/*catalogue*/{}"


def catalogue_json() -> str:
    """{category: [cookie regex source, ...hosts]}: one alternation per category is what the
    snippet tests cookie names with, and the shortest form of the lists."""
    data = {category: ["|".join(entry["cookies"]), *entry["hosts"]]
            for category, entry in by_category().items()}
    return json.dumps(data, separators=(",", ":"))


def build(source: str) -> str:
    """The snippet as served: catalogue in place, comment lines and indentation gone.

    Blanking whole lines keeps every line number of the source (so a reported error points
    at the readable file), and is safe because the source has no multi-line literal."""
    if source.count(MARKER) != 1:
        raise RuntimeError(f"static/snippet.js must hold {MARKER} exactly once")
    lines = source.replace(MARKER, catalogue_json()).split("\n")
    return "\n".join("" if line.lstrip().startswith("//") else line.lstrip() for line in lines)


@lru_cache(maxsize=4)
def _served(path: str, modified: int) -> tuple[bytes, str]:
    # Keyed by the file's mtime too: built once per process, again only when edited.
    with open(path, encoding="utf-8") as file:
        body = build(file.read()).encode()
    return body, hashlib.sha256(body).hexdigest()[:32]


@bp.get("/static/snippet.js")
def get_snippet():
    path = current_app.config["SNIPPET_PATH"]
    modified = os.stat(path).st_mtime_ns
    body, etag = _served(path, modified)
    response = Response(body, mimetype="text/javascript")
    # No Last-Modified: the body also changes with banner/vendors.py, which the file's
    # date does not tell; the ETag is a hash of the body.
    response.set_etag(etag)
    response.cache_control.public = True
    response.cache_control.max_age = current_app.config["SNIPPET_MAX_AGE"]
    response.cache_control.stale_while_revalidate = 86400
    # A public script: any store may load it, with or without crossorigin="anonymous".
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response.make_conditional(request, accept_ranges=True)
