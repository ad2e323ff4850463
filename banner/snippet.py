"""Serves the storefront snippet: long-cacheable and loadable from any origin."""
from flask import Blueprint, current_app, send_file

bp = Blueprint("snippet", __name__)


@bp.get("/static/snippet.js")
def get_snippet():
    response = send_file(current_app.config["SNIPPET_PATH"], mimetype="text/javascript",
                         max_age=current_app.config["SNIPPET_MAX_AGE"], conditional=True,
                         etag=True)
    response.cache_control.public = True
    response.cache_control.stale_while_revalidate = 86400
    # A public script: any store may load it, with or without crossorigin="anonymous".
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
