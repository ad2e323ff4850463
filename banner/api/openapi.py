"""The OpenAPI document of the public API, generated from the marshmallow schemas."""
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, current_app
from marshmallow import Schema, fields

from ..schemas import (ConsentInSchema, ConsentOutSchema, ConsentStateOutSchema,
                       ImpressionInSchema, LanguageQuerySchema)

bp = Blueprint("openapi", __name__)


class ErrorSchema(Schema):
    code = fields.Integer(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)
    errors = fields.Dict(required=True)


SITE_KEY = {"name": "site_key", "in": "path", "required": True,
            "schema": {"type": "string", "maxLength": 64}}


def _errors(*codes: int) -> dict:
    content = {"application/json": {"schema": "Error"}}
    return {str(code): {"description": "Refused", "content": content} for code in codes}


def _json_body(schema: str) -> dict:
    # text/plain carries the same JSON so that sendBeacon needs no CORS preflight.
    return {"required": True, "content": {"application/json": {"schema": schema},
                                          "text/plain": {"schema": schema}}}


def build_spec() -> dict:
    spec = APISpec(title="Consent banner API", version="1", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()])
    for name, schema in (("Error", ErrorSchema), ("ConsentIn", ConsentInSchema),
                         ("ConsentOut", ConsentOutSchema), ("ConsentState", ConsentStateOutSchema),
                         ("ImpressionIn", ImpressionInSchema)):
        spec.components.schema(name, schema=schema)
    spec.path("/v1/sites/{site_key}/banner", parameters=[SITE_KEY], operations={"get": {
        "operationId": "get_banner", "summary": "The published banner, localised",
        "parameters": [{"in": "query", "schema": LanguageQuerySchema}],
        "responses": {"200": {"description": "The banner", "content": {
            "application/json": {"schema": {"type": "object"}}}},
            "304": {"description": "Not modified"}, **_errors(404, 422)}}})
    spec.path("/v1/sites/{site_key}/consents", parameters=[SITE_KEY], operations={"post": {
        "operationId": "record_consent", "summary": "Record a visitor's choice",
        "requestBody": _json_body("ConsentIn"),
        "responses": {"201": {"description": "Recorded", "content": {
            "application/json": {"schema": "ConsentOut"}}},
            "200": {"description": "Already recorded under this idempotency key", "content": {
                "application/json": {"schema": "ConsentOut"}}},
            **_errors(400, 403, 404, 413, 415, 422, 429)}}})
    spec.path("/v1/sites/{site_key}/consents/{visitor_id}", parameters=[SITE_KEY, {
        "name": "visitor_id", "in": "path", "required": True,
        "schema": {"type": "string", "format": "uuid"}}], operations={"get": {
            "operationId": "get_consent", "summary": "A visitor's current choice",
            "responses": {"200": {"description": "Current state", "content": {
                "application/json": {"schema": "ConsentState"}}}, **_errors(404, 422)}}})
    spec.path("/v1/sites/{site_key}/impressions", parameters=[SITE_KEY], operations={"post": {
        "operationId": "record_impression", "summary": "Count a banner display",
        "requestBody": _json_body("ImpressionIn"),
        "responses": {"204": {"description": "Counted"},
                      **_errors(400, 403, 404, 413, 415, 422, 429)}}})
    return spec.to_dict()


@bp.get("/v1/openapi.json")
def get_openapi():
    document = current_app.extensions.get("openapi")
    if document is None:
        document = current_app.extensions["openapi"] = build_spec()
    return document
