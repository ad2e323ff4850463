"""Request and response schemas of the public API."""
import re
from datetime import datetime, timezone
from urllib.parse import urlsplit, urlunsplit

from marshmallow import (EXCLUDE, RAISE, Schema, ValidationError, fields, post_load, validate,
                         validates)

from .documents import (LANGUAGE, AppearanceSchema, BehaviourSchema, ContactSchema,
                        VendorSchema)
from .models import ACTIONS, CATEGORIES, SOURCES


class StrictInteger(fields.Integer):
    """An integer that refuses JSON true/false (bool is an int in Python)."""

    def _validated(self, value):
        if isinstance(value, bool):
            raise self.make_error("invalid")
        return super()._validated(value)


class StrictBoolean(fields.Boolean):
    """Only JSON true and false: 'yes', 1 or "true" are refused."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


MAX_VERSION = 2**31 - 1  # the database column is a 32-bit integer


class ChoicesSchema(Schema):
    class Meta:
        unknown = RAISE

    necessary = StrictBoolean(required=True)
    functional = StrictBoolean(required=True)
    analytics = StrictBoolean(required=True)
    advertising = StrictBoolean(required=True)

    @validates("necessary")
    def necessary_is_granted(self, value, **kwargs):
        if value is not True:
            raise ValidationError("Necessary cookies cannot be refused.")


def _page_without_personal_data(url: str) -> str:
    """The page URL without its query, fragment and user info (emails, order ids and
    passwords travel there): never stored."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


# Device clocks are often wrong (a reset clock says 1970 or 2000), so the window is wide;
# a time outside it is not a clock but a crafted value, and cannot always be converted
# to UTC (year 1 at +14:00).
CLIENT_TIME_WINDOW = (datetime(1970, 1, 1, tzinfo=timezone.utc),
                      datetime(2100, 1, 1, tzinfo=timezone.utc))


class ConsentInSchema(Schema):
    class Meta:
        unknown = RAISE

    visitor_id = fields.UUID(required=True)
    version = StrictInteger(required=True, strict=True, validate=validate.Range(1, MAX_VERSION))
    action = fields.String(required=True,
                           validate=validate.OneOf([a for a in ACTIONS if a != "expire"]))
    choices = fields.Nested(ChoicesSchema, required=True)
    language = fields.String(required=True, validate=LANGUAGE)
    source = fields.String(required=True, validate=validate.OneOf(SOURCES))
    age_confirmed = StrictBoolean(load_default=None, allow_none=True)
    gpc = StrictBoolean(load_default=False)
    page = fields.Url(load_default=None, allow_none=True, schemes={"http", "https"},
                      require_tld=False, validate=validate.Length(max=2048))
    client_time = fields.AwareDateTime(load_default=None, allow_none=True)
    idempotency_key = fields.String(load_default=None, allow_none=True,
                                    validate=validate.Regexp(r"^[A-Za-z0-9_.:-]{8,64}\Z"))
    # The visitor's secret (DESIGN.md section 4): random, kept first-party by the snippet.
    # Optional only so that visitors from before secrets can adopt one.
    visitor_secret = fields.String(load_default=None, allow_none=True,
                                   validate=validate.Regexp(r"^[A-Za-z0-9_-]{22,128}\Z"))
    # From the banner shown to this decision; a day at most (a tab left open).
    decision_ms = StrictInteger(load_default=None, allow_none=True, strict=True,
                                validate=validate.Range(0, 86_400_000))

    @validates("client_time")
    def client_time_is_a_clock(self, value, **kwargs):
        if value is None:
            return
        try:
            utc = value.astimezone(timezone.utc)
        except OverflowError:  # year 1 at +14:00, year 9999 at -14:00
            utc = None
        if utc is None or not CLIENT_TIME_WINDOW[0] <= utc < CLIENT_TIME_WINDOW[1]:
            raise ValidationError("Must lie between 1970 and 2100.")

    @post_load
    def normalise(self, data, **kwargs):
        # Query strings carry personal data (emails, order ids): never stored.
        if data.get("page"):
            data["page"] = _page_without_personal_data(data["page"])
        choices = data["choices"]
        if data["action"] == "accept_all" and not all(choices.values()):
            raise ValidationError("accept_all must grant every category.", "choices")
        if data["action"] in ("reject_all", "withdraw") and any(
                choices[key] for key in CATEGORIES if key != "necessary"):
            raise ValidationError(f"{data['action']} must refuse every optional category.",
                                  "choices")
        if data["action"] == "gpc" and choices["advertising"]:
            raise ValidationError("A GPC opt-out cannot grant advertising.", "choices")
        return data


class ImpressionInSchema(Schema):
    class Meta:
        unknown = RAISE

    version = StrictInteger(required=True, strict=True, validate=validate.Range(1, MAX_VERSION))
    language = fields.String(required=True, validate=LANGUAGE)
    # A display counts once per visitor, version and day: without the visitor, a client
    # reposting it could inflate the denominator of consent rates.
    visitor_id = fields.UUID(required=True)


LANG_PARAM = re.compile(r"^[A-Za-z]{2}([-_][A-Za-z0-9]{1,8})*\Z")


class LanguageQuerySchema(Schema):
    """?lang= of the banner GET: documented in OpenAPI, and loaded by the view when its
    query string is not in the cache yet."""

    class Meta:
        unknown = EXCLUDE  # cache-busting parameters (?v=...) are harmless

    lang = fields.String(load_default=None,
                         validate=validate.Regexp(LANG_PARAM, error="Not a language tag."))


def utc_iso(value) -> str | None:
    return value.isoformat(timespec="seconds") + "Z" if value else None


class ConsentOutSchema(Schema):
    consent_id = fields.UUID(attribute="consent_id")
    visitor_id = fields.UUID()
    version = fields.Integer()
    choices = fields.Dict()
    expires_at = fields.Function(lambda obj: utc_iso(obj["expires_at"]))
    recorded_at = fields.Function(lambda obj: utc_iso(obj["recorded_at"]))


class ConsentStateOutSchema(Schema):
    consent_id = fields.UUID()
    visitor_id = fields.UUID()
    version = fields.Integer()
    choices = fields.Dict()
    valid = fields.Boolean()
    updated_at = fields.Function(lambda obj: utc_iso(obj["updated_at"]))
    expires_at = fields.Function(lambda obj: utc_iso(obj["expires_at"]))


consent_in = ConsentInSchema()
consent_out = ConsentOutSchema()
impression_in = ImpressionInSchema()
language_query = LanguageQuerySchema()
state_out = ConsentStateOutSchema()


class BannerCategoryOutSchema(Schema):
    key = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    label = fields.String(required=True)
    description = fields.String(required=True)
    required = fields.Boolean(required=True)


class PolicyOutSchema(Schema):
    mode = fields.String(required=True, validate=validate.OneOf(["opt_in", "opt_out"]))
    rule = fields.Integer(required=True, allow_none=True, metadata={
        "description": "Position of the region rule that applies; null: the default mode."})


class BannerOutSchema(Schema):
    """The published banner in one language, as the snippet receives it."""

    site = fields.String(required=True)
    version = fields.Integer(required=True)
    material_version = fields.Integer(required=True)
    language = fields.String(required=True)
    dir = fields.String(required=True, validate=validate.OneOf(["rtl", "ltr"]))
    languages = fields.List(fields.String(), required=True)
    texts = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    categories = fields.List(fields.Nested(BannerCategoryOutSchema), required=True)
    vendors = fields.List(fields.Nested(VendorSchema), required=True)
    appearance = fields.Nested(AppearanceSchema, required=True)
    behaviour = fields.Nested(BehaviourSchema, required=True)
    policy = fields.Nested(PolicyOutSchema, required=True, metadata={
        "description": "The consent policy for the visitor's country (trusted country "
                       "header); the response then varies on that header."})
    policy_url = fields.String(required=True)
    contact = fields.Nested(ContactSchema, required=True)
    markup = fields.String(required=True, metadata={
        "description": "The banner's escaped HTML, rendered on the server."})
    styles = fields.String(required=True, metadata={
        "description": "The banner's CSS, for a constructed style sheet in its shadow root "
                       "(allowed by a strict `style-src 'self'`, unlike a <style> element)."})
