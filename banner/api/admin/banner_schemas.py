"""Schemas of the draft, preview, publishing, versions and diffs of the merchant API."""
from marshmallow import RAISE, Schema, fields, validate

from ...documents import BannerDocumentSchema, VendorSchema, Whole
from ...models import CHANGE_KINDS
from ...schemas import LANG_PARAM
from ...services.drafts import MAX_NOTE
from .schemas import Timestamp, page_schema


class DraftOutSchema(Schema):
    number = fields.Integer(required=True, metadata={
        "description": "The version number the draft will be published as."})
    based_on = fields.Integer(required=True, allow_none=True, metadata={
        "description": "The live version's number; null before the first publication."})
    content_hash = fields.String(required=True)
    updated_at = Timestamp(required=True)
    changed = fields.Boolean(required=True, metadata={
        "description": "Whether the draft differs from the live version."})
    document = fields.Nested(BannerDocumentSchema, required=True)


class PreviewInSchema(Schema):
    class Meta:
        unknown = RAISE

    language = fields.String(load_default=None, allow_none=True,
                             validate=Whole(LANG_PARAM, error="Not a language tag."),
                             metadata={"description": "Chosen like ?lang= of the public "
                                       "banner: else the site's default, en, the first."})


class PublishInSchema(Schema):
    class Meta:
        unknown = RAISE

    change = fields.String(required=True, validate=validate.OneOf(CHANGE_KINDS), metadata={
        "description": "material asks every visitor again; it is required when vendors, "
                       "the privacy policy or the consent rules changed."})
    note = fields.String(load_default=None, allow_none=True,
                         validate=validate.Length(max=MAX_NOTE))


class VersionOutSchema(Schema):
    number = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(["published"]))
    change_kind = fields.String(required=True, validate=validate.OneOf(CHANGE_KINDS))
    change_note = fields.String(required=True, allow_none=True)
    content_hash = fields.String(required=True)
    published_at = Timestamp(required=True)


class VersionDetailOutSchema(VersionOutSchema):
    document = fields.Nested(BannerDocumentSchema, required=True)


VersionPageSchema = page_schema(VersionOutSchema)


class DiffChangeSchema(Schema):
    before = fields.Raw(required=True, allow_none=True)
    after = fields.Raw(required=True, allow_none=True)


class DiffTextSchema(Schema):
    language = fields.String(required=True)
    key = fields.String(required=True)
    before = fields.String(required=True, allow_none=True)
    after = fields.String(required=True, allow_none=True)


class DiffCategoryTextSchema(Schema):
    language = fields.String(required=True)
    category = fields.String(required=True)
    field = fields.String(required=True, validate=validate.OneOf(["label", "description"]))
    before = fields.String(required=True, allow_none=True)
    after = fields.String(required=True, allow_none=True)


class DiffVendorSchema(Schema):
    key = fields.String(required=True)
    changes = fields.Dict(keys=fields.String(), values=fields.Nested(DiffChangeSchema),
                          required=True)


class DiffVendorsSchema(Schema):
    added = fields.List(fields.Nested(VendorSchema), required=True)
    removed = fields.List(fields.Nested(VendorSchema), required=True)
    changed = fields.List(fields.Nested(DiffVendorSchema), required=True)


class DiffLanguagesSchema(Schema):
    added = fields.List(fields.String(), required=True)
    removed = fields.List(fields.String(), required=True)


def _changes(description: str) -> fields.Dict:
    return fields.Dict(keys=fields.String(), values=fields.Nested(DiffChangeSchema),
                       required=True, metadata={"description": description})


class VersionDiffOutSchema(Schema):
    from_version = fields.Integer(required=True, data_key="from")
    to_version = fields.Integer(required=True, data_key="to")
    material = fields.Boolean(required=True, metadata={
        "description": "Whether publishing this change asks every visitor again."})
    languages = fields.Nested(DiffLanguagesSchema, required=True)
    default_language = fields.Nested(DiffChangeSchema, required=True, allow_none=True)
    texts = fields.List(fields.Nested(DiffTextSchema), required=True)
    categories = fields.List(fields.Nested(DiffCategoryTextSchema), required=True)
    vendors = fields.Nested(DiffVendorsSchema, required=True)
    behaviour = _changes("Changed settings, region_rules included, by name.")
    appearance = _changes("Changed looks, by name.")
    policy_url = fields.Nested(DiffChangeSchema, required=True, allow_none=True)
    contact = _changes("Changed contact details, by name.")
