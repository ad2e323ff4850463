"""Every text of the dashboard has its Arabic translation, and the catalogues load."""
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from banner.dashboard import i18n

DASHBOARD = Path(i18n.__file__).resolve().parent
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None}


def used_messages() -> set[str]:
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    return {message for _, _, message, _, _ in extract_from_dir(
        str(DASHBOARD), method_map, keywords=KEYWORDS) if isinstance(message, str)}


def arabic_messages() -> dict[str, str]:
    found = {}
    for path in sorted((i18n.TRANSLATIONS / "ar").glob("*.po")):
        with path.open("rb") as source:
            for message in read_po(source):
                if message.id:
                    assert message.id not in found, f"{message.id!r} is in two catalogues"
                    found[message.id] = message.string
    return found


def test_every_dashboard_text_has_an_arabic_translation():
    used = used_messages()
    assert len(used) > 50  # the extraction reached the templates and the code
    translated = {key for key, value in arabic_messages().items() if value}
    assert sorted(used - translated) == []


def test_placeholders_survive_translation():
    for english, arabic in arabic_messages().items():
        for placeholder in ("%(minutes)d", "%(number)d", "%(name)s", "%(count)d"):
            assert (placeholder in english) == (placeholder in arabic), english


def test_the_arabic_catalogue_translates_at_run_time(app):
    with app.test_request_context("/dashboard/login", headers={"Accept-Language": "ar"}):
        from flask_babel import gettext
        assert gettext("Sign in") == "تسجيل الدخول"
