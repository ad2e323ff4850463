"""What every API blueprint shares: flask-smorest documentation and parsing, the one
JSON error shape, no cookie session, and bodies read as JSON whatever the type says."""
import json
import re
import uuid
from copy import deepcopy
from http import HTTPStatus

import flask_smorest
from webargs.flaskparser import FlaskParser
from werkzeug.routing import BaseConverter

from ..errors import Invalid

from .errors import ApiError, ErrorSchema, register_json_errors

ACCEPTED_TYPES = ("application/json", "text/plain")


# Text no database column takes alike: PostgreSQL refuses NUL, neither stores an unpaired
# surrogate (JSON can spell both). Refused everywhere so both databases agree.
UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")
MAX_DEPTH = 32  # far deeper than any document of ours; bounds the work below


def _refuse_unstorable_text(body: dict) -> None:
    """Refuse bodies with unstorable text anywhere, or nested past MAX_DEPTH."""
    stack = [(body, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ApiError(400, "The body is nested too deeply.",
                           {"_body": ["JSON nested too deeply."]})
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for pair in value.items() for item in pair)
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, str) and UNSTORABLE.search(value):
            raise ApiError(422, "Text may not hold NUL characters or unpaired surrogates.",
                           {"_body": ["NUL or unpaired surrogate in a string."]})


def read_json_body(raw: bytes) -> dict:
    """A request body as a JSON object, or ApiError (400, 422) saying what is wrong."""
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "The body is not valid JSON.", {"_body": [str(exc)[:200]]})
    except RecursionError:  # "[[[[..." within the size limit: the parser's stack
        raise ApiError(400, "The body is nested too deeply.",
                       {"_body": ["JSON nested too deeply."]}) from None
    if not isinstance(body, dict):
        raise ApiError(422, "The body must be a JSON object.",
                       {"_body": ["Expected a JSON object."]})
    # Walked only when it could matter: NUL and surrogates reach a string only through
    # \u escapes (raw ones are invalid JSON or UTF-8), and with no more brackets than
    # MAX_DEPTH the body cannot nest deeper. The snippet's bodies need no walk.
    if b"\\u" in raw or raw.count(b"{") + raw.count(b"[") > MAX_DEPTH:
        _refuse_unstorable_text(body)
    return body


class BodyParser(FlaskParser):
    """JSON bodies sent as application/json or text/plain: sendBeacon and keepalive
    fetch send text/plain, which needs no CORS preflight."""

    def _raw_load_json(self, req):
        if req.mimetype not in ACCEPTED_TYPES:
            raise ApiError(415, "Send the body as application/json or text/plain.")
        return read_json_body(req.get_data(cache=True))  # raises 413 past MAX_CONTENT_LENGTH

    def load_json(self, req, schema):
        # An empty body is unreadable JSON too, not a request with every field missing.
        return self._raw_load_json(req)


class VisitorIdConverter(BaseConverter):
    """A visitor id in a path: documented as a UUID, but any segment is routed, so that a
    malformed id gets a 422 naming the field from the view rather than a bare 404."""


def visitor_uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Invalid("The visitor id is not a UUID.",
                      {"visitor_id": ["Not a valid UUID."]}) from None


# flask-smorest's doc() and alt_response() each wrap the view in one more call layer
# (about a microsecond each, on every request); these write the same documentation onto
# the view itself. The layout of `_apidoc` is flask-smorest's (pinned in pyproject.toml);
# tests read the generated document, so a change of layout fails them.
def document(view, manual: dict | None = None, responses: dict | None = None):
    """Add OpenAPI documentation to a view without wrapping it."""
    apidoc = deepcopy(getattr(view, "_apidoc", {}))
    if manual:
        apidoc["manual_doc"] = {**apidoc.get("manual_doc", {}), **manual}
    for code, resp_doc in (responses or {}).items():
        apidoc.setdefault("response", {}).setdefault("responses", {}) \
            .setdefault(code, []).append(resp_doc)
    view._apidoc = apidoc
    return view


def answers(code: int, schema=None, description: str | None = None):
    """Document another answer of a view (flask-smorest's alt_response, unwrapped)."""
    resp_doc = {"description": description or HTTPStatus(code).phrase, "content_type": None}
    if schema is not None:
        resp_doc["schema"] = schema
    return lambda view: document(view, responses={code: resp_doc})


def refusals(*codes: int):
    """Document the error answers a view gives, all in the one error shape."""
    def decorate(view):
        return document(view, responses={code: {
            "schema": ErrorSchema, "description": HTTPStatus(code).phrase,
            "content_type": None} for code in codes})
    return decorate


class Blueprint(flask_smorest.Blueprint):
    """An API blueprint: documented in OpenAPI, JSON errors, stateless."""

    ARGUMENTS_PARSER = BodyParser()
    cookie_session = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        register_json_errors(self)

    def arguments(self, schema, *args, **kwargs):
        """Parse with one schema instance made here: given a class, webargs would build
        a schema (deep-copying every field) on each request."""
        return super().arguments(schema() if isinstance(schema, type) else schema,
                                 *args, **kwargs)

    def route(self, rule, **options):
        """Register a view; its name is its OpenAPI operationId (views are verbs)."""
        register = super().route(rule, **options)

        def decorate(view):
            return register(document(view, manual={"operationId": view.__name__}))
        return decorate

    refusals = staticmethod(refusals)


class Api(flask_smorest.Api):
    """The one OpenAPI document of the public and the admin API."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        pass  # each API blueprint maps its own errors (Blueprint above)


api = Api()


def init_app(app) -> None:
    app.url_map.converters["visitor"] = VisitorIdConverter
    api.init_app(app)
    api.register_converter(VisitorIdConverter, lambda _: {"type": "string", "format": "uuid"})
