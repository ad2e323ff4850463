"""The banner document: what a merchant publishes and a visitor is shown.

Validated as a whole by BannerDocumentSchema; stored as JSON in banner_version.
"""
import copy
import hashlib
import json

from marshmallow import (RAISE, Schema, ValidationError, fields, pre_dump, pre_load, validate,
                         validates_schema)

from .default_texts import DEFAULT_TEXTS
from .errors import Invalid
from .models import CATEGORIES


class Whole(validate.Regexp):
    r"""A pattern the whole value must match: re.match lets "ar\n" through `$`, and `\Z`
    would mean nothing to OpenAPI readers, who take patterns as ECMAScript."""

    def __call__(self, value):
        if self.regex.fullmatch(value) is None:
            raise ValidationError(self._format_error(value))
        return value


RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})
LANGUAGE = Whole(r"^[a-z]{2}$", error="Use a two-letter ISO 639-1 code.")
TEXT = validate.Length(min=1, max=2000)
HOSTNAME = Whole(r"^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$", error="Not a host name.")
TEXT_KEYS = ("title", "description", "accept_all", "reject_all", "customize", "save",
             "close", "preferences_title", "preferences_description", "vendors_title",
             "policy_link", "contact_title", "age_confirmation", "reopen", "always_on")


class CategoryTextSchema(Schema):
    class Meta:
        unknown = RAISE

    label = fields.String(required=True, validate=validate.Length(min=1, max=80))
    description = fields.String(required=True, validate=TEXT)


class _LanguageTextsBase(Schema):
    class Meta:
        unknown = RAISE

    categories = fields.Dict(keys=fields.String(validate=validate.OneOf(CATEGORIES)),
                             values=fields.Nested(CategoryTextSchema), required=True)

    @validates_schema
    def every_category_named(self, data, **kwargs):
        missing = [key for key in CATEGORIES if key not in data.get("categories", {})]
        if missing:
            raise ValidationError({key: ["Missing text."] for key in missing}, "categories")


# One required string field per banner text; the list of keys lives in TEXT_KEYS.
LanguageTextsSchema = type("LanguageTextsSchema", (_LanguageTextsBase,), {
    key: fields.String(required=True, validate=TEXT) for key in TEXT_KEYS})


class VendorSchema(Schema):
    class Meta:
        unknown = RAISE

    key = fields.String(required=True, validate=Whole(r"^[a-z0-9][a-z0-9-]{0,39}$"))
    name = fields.String(required=True, validate=validate.Length(min=1, max=80))
    category = fields.String(required=True,
                             validate=validate.OneOf([c for c in CATEGORIES if c != "necessary"]))
    # Every optional category loads scripts: a vendor without hosts would block nothing.
    hosts = fields.List(fields.String(validate=HOSTNAME), required=True,
                        validate=validate.Length(min=1, max=20))
    privacy_url = fields.Url(required=True, schemes={"https", "http"})


LAYOUTS = ("bar", "box-left", "box-right", "modal")
# Documents stored before `layout` carried `position`: read as the layout it drew.
FORMER_POSITIONS = {"bottom": "bar", "center": "modal"}
REOPEN_CONTROLS = ("button-left", "button-right", "icon-left", "icon-right", "none")
APPEARANCE_DEFAULTS = {"layout": "bar", "theme": "light", "accent_color": "#0b6e4f",
                       "corner_radius": 12, "font": "system", "reopen": "icon-left"}


def _with_layout(data):
    """An appearance with its former `position` turned into `layout` (which wins); any
    other value of `position` stays, and is refused as an unknown field."""
    position = data.get("position") if isinstance(data, dict) else None
    if not isinstance(position, str) or position not in FORMER_POSITIONS:
        return data
    data = dict(data)
    data.setdefault("layout", FORMER_POSITIONS[data.pop("position")])
    return data


class AppearanceSchema(Schema):
    """How the banner looks; left and right are the screen's, in every language."""

    class Meta:
        unknown = RAISE

    layout = fields.String(load_default=APPEARANCE_DEFAULTS["layout"],
                           validate=validate.OneOf(LAYOUTS), metadata={
        "description": "bar: along the bottom; box-left, box-right: a box in that bottom "
                       "corner; modal: a box in the middle. On phones, all but modal are a "
                       "sheet at the bottom. A former `position` is read as bottom -> bar, "
                       "center -> modal."})
    theme = fields.String(load_default=APPEARANCE_DEFAULTS["theme"],
                          validate=validate.OneOf(["light", "dark", "auto"]), metadata={
        "description": "auto follows the device (prefers-color-scheme)."})
    accent_color = fields.String(load_default=APPEARANCE_DEFAULTS["accent_color"],
                                 validate=Whole(r"^#[0-9a-fA-F]{6}$"), metadata={
        "description": "The buttons' colour; their text is black or white, whichever "
                       "contrasts more."})
    corner_radius = fields.Integer(load_default=APPEARANCE_DEFAULTS["corner_radius"],
                                   strict=True, validate=validate.Range(0, 24),
                                   metadata={"description": "In CSS pixels."})
    font = fields.String(load_default=APPEARANCE_DEFAULTS["font"],
                         validate=validate.OneOf(["system", "store"]), metadata={
        "description": "system: the device's own fonts (an Arabic stack for right-to-left "
                       "languages); store: the store page's font family."})
    reopen = fields.String(load_default=APPEARANCE_DEFAULTS["reopen"],
                           validate=validate.OneOf(REOPEN_CONTROLS), metadata={
        "description": "The control that opens the preferences after a decision: a button "
                       "with its text or a small icon button, in that bottom corner; none "
                       "when the store links ConsentBanner.open() itself (its footer, say)."})

    @pre_load
    def former_position(self, data, **kwargs):
        return _with_layout(data)

    @pre_dump
    def complete(self, data, **kwargs):
        # A document stored before these options is shown as it is drawn.
        return {**APPEARANCE_DEFAULTS, **_with_layout(data)}


appearance_schema = AppearanceSchema()


def normalised_appearance(stored: dict) -> dict:
    """A stored document's appearance with every option, as it is drawn."""
    return appearance_schema.load(stored)


class RegionRuleSchema(Schema):
    class Meta:
        unknown = RAISE

    countries = fields.List(fields.String(validate=Whole(r"^[A-Z]{2}$")),
                            required=True, validate=validate.Length(min=1))
    mode = fields.String(required=True, validate=validate.OneOf(["opt_in", "opt_out"]))


class BehaviourSchema(Schema):
    class Meta:
        unknown = RAISE

    consent_lifetime_days = fields.Integer(load_default=365, validate=validate.Range(1, 730))
    honour_gpc = fields.Boolean(load_default=True)
    age_confirmation = fields.Boolean(load_default=False)
    default_mode = fields.String(load_default="opt_in",
                                 validate=validate.OneOf(["opt_in", "opt_out"]))
    region_rules = fields.List(fields.Nested(RegionRuleSchema), load_default=list)


class ContactSchema(Schema):
    class Meta:
        unknown = RAISE

    email = fields.Email()
    phone = fields.String(validate=Whole(r"^\+?[0-9 ()-]{5,20}$"))
    whatsapp = fields.String(validate=Whole(r"^\+?[0-9 ()-]{5,20}$"))


class BannerDocumentSchema(Schema):
    class Meta:
        unknown = RAISE

    languages = fields.List(fields.String(validate=LANGUAGE), required=True,
                            validate=validate.Length(min=1, max=10))
    default_language = fields.String(required=True, validate=LANGUAGE)
    texts = fields.Dict(keys=fields.String(validate=LANGUAGE),
                        values=fields.Nested(LanguageTextsSchema), required=True)
    vendors = fields.List(fields.Nested(VendorSchema), load_default=list,
                          validate=validate.Length(max=100))
    appearance = fields.Nested(AppearanceSchema, load_default=lambda: AppearanceSchema().load({}))
    behaviour = fields.Nested(BehaviourSchema, load_default=lambda: BehaviourSchema().load({}))
    policy_url = fields.Url(required=True, schemes={"https", "http"})
    contact = fields.Nested(ContactSchema, load_default=dict)

    @validates_schema
    def languages_have_texts(self, data, **kwargs):
        languages = data.get("languages", [])
        if len(set(languages)) != len(languages):
            raise ValidationError("Each language once.", "languages")
        if data.get("default_language") not in languages:
            raise ValidationError("Must be one of the document's languages.", "default_language")
        texts = data.get("texts", {})
        missing = [lang for lang in languages if lang not in texts]
        if missing:
            raise ValidationError(f"No texts for: {', '.join(missing)}.", "texts")
        unlisted = sorted(set(texts) - set(languages))
        if unlisted:  # texts nobody is shown would still be published and diffed
            raise ValidationError(f"Texts for unlisted languages: {', '.join(unlisted)}.",
                                  "texts")
        keys = [vendor["key"] for vendor in data.get("vendors", [])]
        if len(set(keys)) != len(keys):
            raise ValidationError("Vendor keys must be unique.", "vendors")


document_schema = BannerDocumentSchema()


def validate_document(document: dict) -> dict:
    """The document with defaults filled in; Invalid, with field paths, when it is not."""
    try:
        return document_schema.load(document)
    except ValidationError as exc:
        raise Invalid("The banner document is not valid.", exc.messages) from None


def content_hash(document: dict) -> str:
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def is_material_change(old: dict | None, new: dict) -> bool:
    """Whether visitors must be asked again: what is collected, by whom or under
    which policy changed (texts and looks alone are minor)."""
    if old is None:
        return True
    def purposes(doc):
        return (sorted((v["key"], v["category"], tuple(v["hosts"])) for v in doc["vendors"]),
                doc["policy_url"], doc["behaviour"]["age_confirmation"],
                doc["behaviour"]["default_mode"], doc["behaviour"]["region_rules"])
    return purposes(old) != purposes(new)


def default_document(languages=("ar", "en"), policy_url="https://example.com/privacy") -> dict:
    """A complete, valid document with the default texts and no vendors."""
    languages = list(languages)
    return validate_document({
        "languages": languages,
        "default_language": languages[0],
        "texts": {lang: copy.deepcopy(DEFAULT_TEXTS[lang]) for lang in languages},
        "vendors": [],
        "policy_url": policy_url,
    })
