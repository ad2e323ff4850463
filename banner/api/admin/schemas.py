"""Request and response schemas of the merchant API."""
from marshmallow import RAISE, Schema, fields, validate

from ...models import IP_MODES, PLATFORMS
from ...schemas import StrictInteger
from ...services.pagination import DEFAULT_LIMIT, MAX_LIMIT


def _iso(value) -> str | None:
    return value.isoformat(timespec="seconds") + "Z" if value else None


class Timestamp(fields.Field):
    """A naive-UTC database time, written as ISO 8601 with a Z."""

    def _serialize(self, value, attr, obj, **kwargs):
        return _iso(value)


class PageQuerySchema(Schema):
    cursor = fields.String(load_default=None, validate=validate.Length(max=64),
                           metadata={"description": "The `next` of the previous page."})
    limit = fields.Integer(load_default=DEFAULT_LIMIT,
                           validate=validate.Range(1, MAX_LIMIT))


def page_schema(item_schema: type[Schema]) -> type[Schema]:
    """{"items": [...], "next": cursor | null}, the shape of every list."""
    name = item_schema.__name__.replace("OutSchema", "PageSchema")
    return type(name, (Schema,), {
        "items": fields.List(fields.Nested(item_schema), required=True),
        "next": fields.String(required=True, allow_none=True),
    })


class SiteOutSchema(Schema):
    id = fields.Integer(required=True)
    site_key = fields.String(required=True)
    name = fields.String(required=True)
    allowed_origins = fields.List(fields.String(), required=True)
    platform = fields.String(required=True)
    default_language = fields.String(required=True)
    time_zone = fields.String(required=True)
    retention_days = fields.Integer(required=True)
    ip_mode = fields.String(required=True)
    created_at = Timestamp(required=True)


class SitePatchSchema(Schema):
    """Any subset of the editable settings; the service normalises and checks them."""

    class Meta:
        unknown = RAISE

    name = fields.String(validate=validate.Length(min=1, max=200))
    allowed_origins = fields.List(fields.String(validate=validate.Length(max=300)),
                                  validate=validate.Length(max=50))
    platform = fields.String(validate=validate.OneOf(PLATFORMS))
    default_language = fields.String(validate=validate.Regexp(r"^[a-z]{2}\Z"))
    time_zone = fields.String(validate=validate.Length(min=1, max=64),
                              metadata={"example": "Asia/Riyadh"})
    retention_days = StrictInteger(strict=True, validate=validate.Range(1, 7300))
    ip_mode = fields.String(validate=validate.OneOf(IP_MODES))


class SiteInSchema(SitePatchSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    allowed_origins = fields.List(fields.String(validate=validate.Length(max=300)),
                                  required=True, validate=validate.Length(max=50))
    site_key = fields.String(validate=validate.Regexp(r"^[a-z0-9][a-z0-9-]{2,63}\Z"),
                             metadata={"description": "Chosen for you when left out."})


SitePageSchema = page_schema(SiteOutSchema)
