"""The banner editor's form: every part of the banner document as fields (Flask-WTF).

Fields carry no validators of their own: the document is validated as a whole by the
drafts service, exactly as the merchant API validates it, and its errors are put back
on these fields (editor_document.py)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, FieldList, Form, FormField, HiddenField, RadioField,
                     SelectChoice, SelectField, SelectMultipleField, StringField, TextAreaField)
from wtforms.fields import ColorField, EmailField, TelField, URLField

from ..documents import LAYOUTS, REOPEN_CONTROLS, TEXT_KEYS
from ..models import CATEGORIES
from ..vendors import CATALOGUE

EDITED_LANGUAGES = ("ar", "en")
LANGUAGE_NAMES = {"ar": "العربية", "en": "English"}
CATEGORY_NAMES = {"necessary": _l("Necessary"), "functional": _l("Functional"),
                  "analytics": _l("Analytics"), "advertising": _l("Advertising")}
TEXT_LABELS = {
    "title": _l("Title"), "description": _l("Message"),
    "accept_all": _l("Accept all button"), "reject_all": _l("Reject all button"),
    "customize": _l("Customize button"), "policy_link": _l("Privacy policy link"),
    "age_confirmation": _l("Legal-age confirmation"),
    "preferences_title": _l("Preferences title"),
    "preferences_description": _l("Preferences message"),
    "save": _l("Save choices button"), "close": _l("Close button (read aloud)"),
    "always_on": _l("Label of necessary cookies"), "vendors_title": _l("Vendors heading"),
    "contact_title": _l("Contact heading"), "reopen": _l("Privacy settings button"),
}
# The texts as the visitor meets them: the first layer, then the preferences dialog.
TEXT_GROUPS = (
    (_l("First layer"), ("title", "description", "accept_all", "reject_all", "customize",
                         "policy_link", "age_confirmation")),
    (_l("Preferences"), ("preferences_title", "preferences_description", "save", "close",
                         "always_on", "vendors_title", "contact_title", "reopen")),
)
LONG_TEXTS = frozenset({"description", "preferences_description"})
assert sorted(k for _, keys in TEXT_GROUPS for k in keys) == sorted(TEXT_KEYS)


class CategoryTextForm(Form):
    label = StringField(_l("Name"))
    description = TextAreaField(_l("Description"))


CategoryTextsForm = type("CategoryTextsForm", (Form,), {
    key: FormField(CategoryTextForm) for key in CATEGORIES})
LanguageTextsForm = type("LanguageTextsForm", (Form,), {
    **{key: (TextAreaField if key in LONG_TEXTS else StringField)(TEXT_LABELS[key])
       for key in TEXT_KEYS},
    "categories": FormField(CategoryTextsForm)})
TextsForm = type("TextsForm", (Form,), {
    lang: FormField(LanguageTextsForm) for lang in EDITED_LANGUAGES})


class CustomVendorForm(Form):
    key = HiddenField()
    name = StringField(_l("Name"))
    category = SelectField(_l("Category"), validate_choice=False, default="analytics",
                           choices=[SelectChoice(key, CATEGORY_NAMES[key])
                                    for key in CATEGORIES[1:]])
    hosts = TextAreaField(_l("Hosts its scripts load from"),
                          description=_l("One per line, e.g. cdn.vendor.com"))
    privacy_url = URLField(_l("Privacy policy address"))
    remove = BooleanField(_l("Remove this vendor"))


class EditorForm(FlaskForm):
    languages = SelectMultipleField(_l("Banner languages"), validate_choice=False,
                                    choices=[SelectChoice(k, v) for k, v in LANGUAGE_NAMES.items()])
    texts = FormField(TextsForm)
    catalogue = SelectMultipleField(
        _l("Vendors from the catalogue"), validate_choice=False,
        choices=[SelectChoice(key, vendor["name"]) for key, vendor in CATALOGUE.items()])
    vendors = FieldList(FormField(CustomVendorForm))
    # The options' sentences are in the template (editor/edit.html), beside their labels.
    layout = RadioField(_l("Layout"), validate_choice=False, choices=[
        SelectChoice(key, key) for key in LAYOUTS])
    theme = RadioField(_l("Theme"), validate_choice=False, choices=[
        SelectChoice(key, key) for key in ("light", "dark", "auto")])
    accent_color = ColorField(_l("Button colour"))
    corner_radius = StringField(_l("Corner roundness (pixels)"),
                                description=_l("From 0 (square corners) to 24."))
    font = RadioField(_l("Font"), validate_choice=False, choices=[
        SelectChoice(key, key) for key in ("system", "store")])
    reopen = RadioField(_l("Button to change a choice later"), validate_choice=False, choices=[
        SelectChoice(key, key) for key in REOPEN_CONTROLS])
    consent_lifetime_days = StringField(
        _l("Remember a choice for (days)"),
        description=_l("After this, visitors are asked again. At most 730 days."))
    honour_gpc = BooleanField(_l("Honour Global Privacy Control"))
    age_confirmation = BooleanField(_l("Ask visitors to confirm they are of legal age"))
    default_mode = RadioField(_l("Everywhere else"), validate_choice=False, choices=[
        SelectChoice("opt_in", _l("Ask first")),
        SelectChoice("opt_out", _l("Notice with a way to refuse"))])
    regions = SelectMultipleField(_l("Region rules"), validate_choice=False)
    kept_rules = SelectMultipleField(_l("Other rules"), validate_choice=False)
    policy_url = URLField(_l("Privacy policy address"),
                          description=_l("The page of your store that explains your privacy "
                                         "policy, starting with https://"))
    email = EmailField(_l("Email"))
    phone = TelField(_l("Phone"))
    whatsapp = TelField(_l("WhatsApp"))


# Every text may be 2000 characters, and Arabic takes six bytes a letter once form-encoded:
# far above the app's limit for API bodies.
MAX_FORM_BYTES = 512 * 1024
