"""The dashboard in Arabic and English: Flask-Babel, with catalogues read from the .po
files in translations/<language>/ (one file per area of the dashboard), so no compiled
.mo file is kept in the repository or built before running."""
import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from flask import request, session
from flask_babel import Babel, Domain, get_locale
from flask_login import current_user

LANGUAGES = ("ar", "en")
RTL = frozenset({"ar"})
TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def load_catalogue(language: str) -> Translations | NullTranslations:
    """Every .po file of a language merged into one set of translations."""
    folder = TRANSLATIONS / language
    if not folder.is_dir():
        return NullTranslations()  # English is the source language
    merged = Catalog(locale=language)
    for path in sorted(folder.glob("*.po")):
        with path.open("rb") as source:
            for message in read_po(source, locale=language):
                if message.id and message.string:
                    merged[message.id] = message
    compiled = io.BytesIO()
    write_mo(compiled, merged)
    compiled.seek(0)
    return Translations(compiled)


class PoDomain(Domain):
    """Translations straight from the .po files, loaded once per language."""

    def get_translations(self):
        language = str(get_locale() or "en")
        if language not in self.cache:
            self.cache[language] = load_catalogue(language)
        return self.cache[language]


class DashboardBabel(Babel):
    _domain = PoDomain()

    @property
    def domain_instance(self):
        return self._domain


def select_language() -> str:
    """The merchant's choice, remembered on the account; before sign-in, the session's
    choice, then the browser's preference; Arabic first."""
    if current_user.is_authenticated:
        return current_user.language
    chosen = session.get("language") if request else None
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES, default="ar")


def text_direction() -> str:
    return "rtl" if str(get_locale()) in RTL else "ltr"


babel = DashboardBabel()


def init_app(app) -> None:
    babel.init_app(app, locale_selector=select_language)
    app.jinja_env.globals.update(text_direction=text_direction, get_locale=get_locale,
                                 LANGUAGES=LANGUAGES)
