"""POST /v1/sites/<key>/consents on a short path: every shopper's decision comes through it.

A Flask request costs CPU before and after its view: the request context (a Request, URL
matching, the session), the before- and after-request hooks, flask-smorest's and webargs'
wrappers, a Response and its Headers. For this route that was more than checking and
recording the consent itself, and the route is the one every visitor of every store calls
(bench/README.md, "The consent lane": under the bench's load, a third less worker CPU a
post than through the view).

So this WSGI middleware answers the common case, a well-formed decision the rules accept,
with the same parts the view uses: the site's settings and allowed origins, the body
reader of the API, ConsentInSchema, services.consents, ConsentOutSchema, the security
and CORS headers of every API answer. Everything else (a refusal of any kind, a demo
page of this app, an unknown site...) goes on to the view untouched, which answers it in
the one error shape as before. Nothing is written before that hand-over: the service
refuses before its write or in it, and a refused write writes nothing.

Rate limits are counted here, with Flask-Limiter's storage and strategy, once per
request: a request handed over is marked so that the view's limits do not count it again.
The view stays: it documents the route in the OpenAPI spec, answers what the lane hands
over, and answers everything when the lane is off (CONSENT_LANE=0); the tests send the same
requests both ways and compare the answers (tests/test_consent_lane.py).
"""
import io
import math
import re
import time
from functools import lru_cache, partial

from flask import Flask
from limits import parse
from marshmallow import ValidationError
from werkzeug.http import parse_options_header

from ..errors import DomainError
from ..extensions import limiter, network_of
from ..security import EVERY_RESPONSE
from ..services import consents
from ..services.policy import country_from_environ
from ..services.sites import site_settings
from . import public
from .base import ACCEPTED_TYPES, ApiError, read_json_body
from .cors import allowed_origin_headers
from .errors import http_error, unexpected_error

PATH = re.compile(r"/v1/sites/(?P<site_key>[^/]+)/consents")
# The view's endpoint: the scope of its limits, as Flask-Limiter keys them.
SCOPE = "public.record_consent"


class HandOver(Exception):
    """Not the common case: the view answers."""


class ConsentLane:
    """WSGI middleware: consent posts answered here, every other request by the app."""

    def __init__(self, app: Flask, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        match = PATH.fullmatch(environ.get("PATH_INFO", "")) \
            if environ.get("REQUEST_METHOD") == "POST" else None
        raw = self._body(environ) if match else None
        if raw is None:
            return self.wsgi_app(environ, start_response)
        try:
            with self.app.app_context():
                return self._answer(environ, start_response, match["site_key"], raw)
        except HandOver:
            return self.wsgi_app(environ, start_response)

    def _body(self, environ) -> bytes | None:
        """The body, when its type and length are ones the view reads (else None)."""
        mimetype = parse_options_header(environ.get("CONTENT_TYPE", ""))[0].lower()
        length = environ.get("CONTENT_LENGTH", "")
        if mimetype not in ACCEPTED_TYPES or not length.isdigit() \
                or int(length) > self.app.config["MAX_CONTENT_LENGTH"]:
            return None
        raw = environ["wsgi.input"].read(int(length))
        # Read again by the view if handed over; a short body (the client went away)
        # always is, and Flask answers it as it does.
        environ["wsgi.input"] = io.BytesIO(raw)
        return raw if len(raw) == int(length) else None

    def _answer(self, environ, start_response, site_key: str, raw: bytes):
        origin = environ.get("HTTP_ORIGIN")
        try:
            site = site_settings(site_key)
            if origin is not None and origin not in site.allowed_origins:
                raise HandOver()  # refused, or a demo page of this app: the view decides
            over = self._over_limit(environ, site_key)
            if over is not None:
                return self._in_flask(environ, start_response, partial(_throttled, *over))
            data = public.CONSENT_IN.load(read_json_body(raw))
            client = consents.ClientInfo(ip=environ.get("REMOTE_ADDR"),
                                         user_agent=environ.get("HTTP_USER_AGENT") or None,
                                         country=country_from_environ(environ))
            result, created = consents.record_consent(site, data, client,
                                                      self.app.config["SECRET_KEY"])
        except HandOver:
            raise
        except (ApiError, ValidationError, DomainError):
            raise HandOver() from None  # refused before anything was written
        except Exception as exc:  # a store is down, or a fault: answered once, here
            return self._in_flask(environ, start_response, partial(unexpected_error, exc))
        body = _jsonified(self.app, public.CONSENT_OUT.dump(result))
        start_response("201 CREATED" if created else "200 OK", [
            ("Content-Type", "application/json"), ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store"), ("Vary", "Origin"),
            *(allowed_origin_headers(origin) if origin is not None else ()),
            *EVERY_RESPONSE])
        return [body]

    def _over_limit(self, environ, site_key: str):
        """Count the request against the view's limits (the same counters, keyed as
        Flask-Limiter keys them); the limit it is over and its wait, if any."""
        if not limiter.enabled:
            return None
        environ[public.COUNTED_BY_LANE] = True
        config = self.app.config
        address = environ.get("REMOTE_ADDR") or "127.0.0.1"  # as Flask-Limiter reads it
        for text, key, scope in ((config["RATELIMIT_PUBLIC"], network_of(address), SCOPE),
                                 (config["RATELIMIT_SITE"], site_key, f"{SCOPE}:site")):
            item = _limit(text)
            if not limiter.limiter.hit(item, key, scope):
                reset = limiter.limiter.get_window_stats(item, key, scope).reset_time
                return item, max(1, math.ceil(reset - time.time()))
        return None

    def _in_flask(self, environ, start_response, answer):
        """A rare answer, made in a request context by the API's own error handlers and
        finished by the app's after-request hooks, as the view's would be."""
        with self.app.request_context(environ):
            response = self.app.process_response(answer())
            return response(environ, start_response)


def _jsonified(app: Flask, data: dict) -> bytes:
    """The bytes jsonify writes for data: indented in debug mode, else compact; a newline."""
    provider = app.json
    if provider.compact is False or (provider.compact is None and app.debug):
        text = provider.dumps(data, indent=2)
    else:
        text = provider.dumps(data, separators=(",", ":"))
    return (text + "\n").encode()


@lru_cache(maxsize=8)
def _limit(text: str):
    return parse(text)


def _throttled(item, retry_after: int):
    # What Flask-Limiter's refusal says (the limit) and the wait it announces.
    response = http_error(ApiError(429, str(item)))
    response.headers["Retry-After"] = str(retry_after)
    return response


def init_app(app: Flask) -> None:
    """Install the lane unless CONSENT_LANE is off (then the view answers every post)."""
    if app.config["CONSENT_LANE"]:
        app.wsgi_app = ConsentLane(app, app.wsgi_app)
