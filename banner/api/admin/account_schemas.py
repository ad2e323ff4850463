"""Schemas of the merchant API's account side: visitor proof and erasure, keys, audit."""
from marshmallow import RAISE, Schema, fields, validate

from ...documents import VendorSchema
from ...models import ACTIONS, CHANGE_KINDS, SCOPES, SOURCES
from ...services.audit import ACTIONS as AUDIT_ACTIONS
from .schemas import Timestamp, page_schema


class ProofChoicesOutSchema(Schema):
    necessary = fields.Boolean(required=True)
    functional = fields.Boolean(required=True)
    analytics = fields.Boolean(required=True)
    advertising = fields.Boolean(required=True)


class ProofCurrentOutSchema(Schema):
    """The visitor's current state, as the snippet is told it."""

    choices = fields.Nested(ProofChoicesOutSchema, required=True)
    version = fields.Integer(required=True)
    updated_at = Timestamp(required=True)
    expires_at = Timestamp(required=True)
    valid = fields.Boolean(required=True, metadata={
        "description": "Not expired, and given to the newest material version."})


class ShownVersionOutSchema(Schema):
    """The published version a record was made on, in the record's language."""

    number = fields.Integer(required=True)
    content_hash = fields.String(required=True, metadata={
        "description": "SHA-256 of the published document: the exact content shown."})
    change_kind = fields.String(required=True, validate=validate.OneOf(CHANGE_KINDS))
    published_at = Timestamp(required=True)
    texts = fields.Dict(required=True, metadata={
        "description": "The banner's texts in the record's language, with category texts."})
    vendors = fields.List(fields.Nested(VendorSchema), required=True)


class ProofPolicyOutSchema(Schema):
    mode = fields.String(required=True, validate=validate.OneOf(["opt_in", "opt_out"]))
    country = fields.String(required=True, allow_none=True,
                            metadata={"description": "From the trusted country header."})
    rule = fields.Integer(required=True, allow_none=True, metadata={
        "description": "Position of the version's region rule that applied; null: the "
                       "version's default mode."})
    countries = fields.List(fields.String(), required=True, allow_none=True)


class ProofRecordOutSchema(Schema):
    """One stored consent decision."""

    id = fields.UUID(required=True)
    recorded_at = Timestamp(required=True)
    client_time = Timestamp(required=True, allow_none=True)
    action = fields.String(required=True, validate=validate.OneOf(ACTIONS))
    choices = fields.Nested(ProofChoicesOutSchema, required=True)
    language = fields.String(required=True)
    source = fields.String(required=True, validate=validate.OneOf(SOURCES))
    age_confirmed = fields.Boolean(required=True, allow_none=True)
    gpc = fields.Boolean(required=True)
    page_url = fields.String(required=True, allow_none=True,
                             metadata={"description": "Without its query string."})
    country = fields.String(required=True, allow_none=True)
    device_type = fields.String(required=True, allow_none=True)
    browser_family = fields.String(required=True, allow_none=True)
    os_family = fields.String(required=True, allow_none=True)
    ip = fields.String(required=True, allow_none=True, metadata={
        "description": "As stored under the site's IP mode: truncated, a keyed hash, or null."})
    version = fields.Nested(ShownVersionOutSchema, required=True)
    policy = fields.Nested(ProofPolicyOutSchema, required=True, allow_none=True, metadata={
        "description": "The consent policy that applied; null for records made before "
                       "region rules took effect."})
    record_hash = fields.String(required=True, allow_none=True, metadata={
        "description": "sha256 of the record's content and prev_hash (null before chaining)."})
    prev_hash = fields.String(required=True, allow_none=True, metadata={
        "description": "record_hash of the visitor's previous record; null for the first."})


class ProofChainOutSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(
        ["verified", "broken", "not_recorded"]), metadata={
        "description": "verified: every chained record matches its hash and links to the "
                       "one before, ending at the visitor's current state; broken: a record "
                       "was changed, removed or reordered; not_recorded: every record "
                       "predates chaining."})
    verified = fields.Boolean(required=True, allow_none=True)
    records = fields.Integer(required=True, metadata={"description": "Chained records."})
    unchained = fields.Integer(required=True, metadata={
        "description": "Records made before chaining, not covered."})
    starts_after_purge = fields.Boolean(required=True, metadata={
        "description": "The first kept record follows records removed by retention."})
    problem = fields.String(required=True, allow_none=True)


class VisitorProofOutSchema(Schema):
    """Proof of one visitor's consent on one site."""

    visitor_id = fields.UUID(required=True)
    site_key = fields.String(required=True)
    current = fields.Nested(ProofCurrentOutSchema, required=True, allow_none=True)
    records = fields.List(fields.Nested(ProofRecordOutSchema), required=True,
                          metadata={"description": "Oldest first."})
    chain = fields.Nested(ProofChainOutSchema, required=True)


class ErasureReceiptOutSchema(Schema):
    """What is kept of an erasure: nothing that names the visitor."""

    id = fields.Integer(required=True)
    site_key = fields.String(required=True)
    erased_at = Timestamp(required=True)
    records_removed = fields.Integer(required=True)
    visitor_hash = fields.String(required=True, metadata={
        "description": "HMAC-SHA256 of the visitor id keyed per site: the same for this "
                       "visitor on this site, unrelated on any other."})


class ApiKeyInSchema(Schema):
    class Meta:
        unknown = RAISE

    scopes = fields.List(fields.String(validate=validate.OneOf(SCOPES)), required=True,
                         validate=validate.Length(min=1, max=len(SCOPES)))
    name = fields.String(load_default=None, allow_none=True,
                         validate=validate.Length(min=1, max=80))


class ApiKeyOutSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True, allow_none=True)
    prefix = fields.String(required=True, metadata={"description": "Names the key in lists "
                                                    "and in the audit log."})
    scopes = fields.List(fields.String(validate=validate.OneOf(SCOPES)), required=True)
    created_at = Timestamp(required=True)
    last_used_at = Timestamp(required=True, allow_none=True,
                             metadata={"description": "Updated at most once a minute."})
    revoked_at = Timestamp(required=True, allow_none=True)


class ApiKeyCreatedOutSchema(ApiKeyOutSchema):
    key = fields.String(required=True, metadata={
        "description": "The key itself, shown in this answer only: only its hash is kept."})


class AuditEventOutSchema(Schema):
    id = fields.Integer(required=True)
    action = fields.String(required=True, validate=validate.OneOf(AUDIT_ACTIONS))
    actor = fields.String(required=True, metadata={
        "description": "key <prefix> for an API key, the email for a dashboard login."})
    site_id = fields.Integer(required=True, allow_none=True)
    details = fields.Dict(required=True)
    created_at = Timestamp(required=True)


ApiKeyPageSchema = page_schema(ApiKeyOutSchema)
AuditEventPageSchema = page_schema(AuditEventOutSchema)
