"""Reading JSON bodies sent as application/json or text/plain (sendBeacon, keepalive)."""
import json

from flask import request

from ..errors import ApiError

ACCEPTED_TYPES = ("application/json", "text/plain")


def json_body() -> dict:
    """The request body as a JSON object, or a 4xx in the one error shape."""
    if request.mimetype not in ACCEPTED_TYPES:
        raise ApiError(415, "Send the body as application/json or text/plain.")
    raw = request.get_data(cache=False)  # raises 413 past MAX_CONTENT_LENGTH
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "The body is not valid JSON.", {"_body": [str(exc)[:200]]})
    if not isinstance(body, dict):
        raise ApiError(422, "The body must be a JSON object.",
                       {"_body": ["Expected a JSON object."]})
    return body
