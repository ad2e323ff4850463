"""The one JSON error shape of the API: {code, name, description, errors}.

API blueprints map every failure raised in their views to it (api/base.py registers
these handlers on each); a request that matched no route at all gets it too unless the
client prefers HTML (init_app).
"""
from http import HTTPStatus

from flask import Flask, Response, current_app, jsonify, request
from marshmallow import Schema, ValidationError, fields
from werkzeug.exceptions import HTTPException

from .. import errors as domain
from ..cache import database_unreachable

# Which status each domain error answers with.
STATUS = {domain.NotFound: 404, domain.Invalid: 422, domain.Conflict: 409,
          domain.Forbidden: 403, domain.Unauthenticated: 401, domain.Throttled: 429}
LOCATIONS = ("json", "query", "path", "headers", "form", "view_args")
# Seconds a client should wait after a 503. Short: the snippet keeps the choice queued
# and an outage's length is unknown, so ask again soon rather than give up.
RETRY_AFTER_SECONDS = 5


class ApiError(HTTPException):
    """An HTTP-level refusal (415, 400 for unreadable JSON...) with field details."""

    def __init__(self, code: int, description: str, errors: dict | None = None):
        super().__init__(description=description)
        self.code = code  # werkzeug derives the reason phrase (name) from it
        self.errors = errors or {}


class ErrorSchema(Schema):
    """Every error answer of the API."""

    code = fields.Integer(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)
    errors = fields.Dict(required=True)


def error_response(code: int, description: str, errors: dict | None = None,
                   headers=()) -> Response:
    body = {"code": code, "name": HTTPStatus(code).phrase, "description": description,
            "errors": errors or {}}
    response = jsonify(body)
    response.status_code = code
    for key, value in headers:
        if key.lower() != "content-type":
            response.headers[key] = value
    response.headers["Cache-Control"] = "no-store"
    return response


def _field_errors(exc: HTTPException) -> dict:
    if isinstance(exc, ApiError):
        return exc.errors
    messages = (getattr(exc, "data", None) or {}).get("messages") or {}
    # webargs nests messages by location ({"json": {...}}); one location is the usual
    # case and clients care about the fields, so it is unwrapped.
    if len(messages) == 1 and next(iter(messages)) in LOCATIONS:
        messages = next(iter(messages.values()))
    return messages if isinstance(messages, dict) else {"_schema": messages}


def http_error(exc: HTTPException) -> Response:
    code = exc.code or 500
    description = exc.description or ""
    if code == 422 and not isinstance(exc, ApiError):
        description = "The request is not valid."
    return error_response(code, description, _field_errors(exc), exc.get_headers())


def domain_error(exc: domain.DomainError) -> Response:
    code = next(code for kind, code in STATUS.items() if isinstance(exc, kind))
    headers = [("WWW-Authenticate", "Bearer")] if code == 401 else []
    if isinstance(exc, domain.Throttled):
        headers.append(("Retry-After", str(exc.retry_after)))
    return error_response(code, exc.message, exc.errors, headers)


def validation_error(exc: ValidationError) -> Response:
    messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
    return error_response(422, "The request is not valid.", messages)


def unavailable_error(exc: Exception) -> Response:
    """The database could not be reached or did not commit in time: nothing was stored
    (or the same idempotency key will find it), so the client may simply retry."""
    # One line, no traceback: an outage would otherwise log one per request.
    current_app.logger.warning("Database unavailable on %s %s: %s", request.method,
                               request.path, type(exc).__name__)
    return error_response(503, "The service is briefly unavailable; please retry.",
                          headers=[("Retry-After", str(RETRY_AFTER_SECONDS))])


def unexpected_error(exc: Exception) -> Response:
    if isinstance(exc, HTTPException):
        return http_error(exc)
    # TimeoutError: the group committer gave up waiting for the database (batching.py).
    if database_unreachable(exc) or isinstance(exc, TimeoutError):
        return unavailable_error(exc)
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    # Never leak database detail to clients.
    return error_response(500, "Something went wrong on our side.")


def register_json_errors(blueprint) -> None:
    """Every failure in this blueprint's views answers in the JSON error shape."""
    blueprint.register_error_handler(domain.DomainError, domain_error)
    blueprint.register_error_handler(ValidationError, validation_error)
    blueprint.register_error_handler(HTTPException, http_error)
    blueprint.register_error_handler(Exception, unexpected_error)


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def unrouted_error(exc: HTTPException):
        # Reached only outside the API blueprints: by pages, and by requests that matched
        # no route (so belong to no blueprint), which get JSON unless HTML is preferred.
        if request.blueprint is None and request.accept_mimetypes.best != "text/html":
            return http_error(exc)
        return exc
