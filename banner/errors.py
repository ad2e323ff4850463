"""One JSON error shape under /v1: {code, name, description, errors}."""
from flask import Flask, current_app, jsonify, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException, InternalServerError, UnprocessableEntity


class ApiError(HTTPException):
    """An HTTP error carrying field-level details."""

    def __init__(self, code: int, description: str, errors: dict | None = None):
        super().__init__(description=description)
        self.code = code  # werkzeug derives the reason phrase (name) from it
        self.errors = errors or {}


def error_body(code: int, name: str, description: str, errors: dict | None = None):
    return {"code": code, "name": name, "description": description, "errors": errors or {}}


def _wants_json() -> bool:
    return request.path.startswith("/v1") or request.accept_mimetypes.best == "application/json"


def init_app(app: Flask) -> None:
    @app.errorhandler(ValidationError)
    def validation_error(err: ValidationError):
        exc = UnprocessableEntity()
        messages = err.messages if isinstance(err.messages, dict) else {"_schema": err.messages}
        body = error_body(422, exc.name, "The request is not valid.", messages)
        return jsonify(body), 422

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if not _wants_json():
            return exc
        body = error_body(exc.code or 500, exc.name, exc.description or "",
                          getattr(exc, "errors", None))
        response = jsonify(body)
        response.status_code = exc.code or 500
        # Keep headers such as Allow and Retry-After that werkzeug attached.
        for key, value in exc.get_headers():
            if key.lower() != "content-type":
                response.headers[key] = value
        return response

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception):
        if isinstance(exc, HTTPException):
            return http_error(exc)
        current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        if not _wants_json():
            return InternalServerError()
        # Never leak database detail to clients.
        return jsonify(error_body(500, "Internal Server Error",
                                  "Something went wrong on our side.")), 500
