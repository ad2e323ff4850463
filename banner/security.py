"""Security headers on every response, and no caching unless a view asks for it.

HTML pages get a strict Content-Security-Policy; a blueprint whose pages need another
(the demo storefronts run a store's inline tags) declares `content_security_policy`.
"""
from flask import Flask, current_app, request

STRICT_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
              "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
              "form-action 'self'; frame-ancestors 'none'")
EVERY_RESPONSE = (("X-Content-Type-Options", "nosniff"),
                  ("Referrer-Policy", "strict-origin-when-cross-origin"))


def _page_policy() -> str:
    blueprint = current_app.blueprints.get(request.blueprint or "")
    return getattr(blueprint, "content_security_policy", STRICT_CSP)


def secure_headers(response):
    if getattr(response, "secured", False):
        return response  # prepared with its headers once, served many times (banner GET)
    headers = response.headers
    # One pass over the headers: each lookup by name is a scan, and this runs on the
    # banner GET, the busiest endpoint.
    present = {name.lower() for name, _ in headers.items()}
    for name, value in EVERY_RESPONSE:
        if name.lower() not in present:
            headers.add(name, value)
    if "cache-control" not in present:
        # Answers that did not choose their caching (errors, admin data, documents of a
        # merchant) must not be kept by a CDN or a shared proxy.
        headers.add("Cache-Control", "no-store")
    if response.mimetype == "text/html":
        headers.setdefault("Content-Security-Policy", _page_policy())
        headers.setdefault("X-Frame-Options", "DENY")
    return response


def init_app(app: Flask) -> None:
    app.after_request(secure_headers)
