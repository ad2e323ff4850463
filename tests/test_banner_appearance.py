"""The appearance options of the banner document: validated, read from documents stored
before they existed, a minor change, and drawn by a style sheet of only the rules chosen,
shipped apart from the markup (a strict storefront CSP blocks inline styles)."""
import gzip
import json

import pytest

from banner.documents import (APPEARANCE_DEFAULTS, is_material_change, normalised_appearance,
                              validate_document)
from banner.extensions import db
from banner.models import BannerVersion
from banner.services.appearance import accent_problems
from banner.services.demo import seed_demo
from banner.services.markup import render_styles


def styles(**appearance) -> str:
    return render_styles(normalised_appearance(appearance))


def banner(client, key="test-store", lang="en") -> dict:
    response = client.get(f"/v1/sites/{key}/banner?lang={lang}")
    assert response.status_code == 200
    return response.json


def test_a_new_document_gets_every_option_with_its_default(document):
    assert document["appearance"] == APPEARANCE_DEFAULTS == {
        "layout": "bar", "theme": "light", "accent_color": "#0b6e4f", "corner_radius": 12,
        "font": "system", "reopen": "icon-left"}


@pytest.mark.parametrize("position, layout", [("bottom", "bar"), ("center", "modal")])
def test_a_former_position_is_read_as_its_layout(document, position, layout):
    document["appearance"] = {"position": position, "theme": "dark", "accent_color": "#123456"}
    assert validate_document(document)["appearance"] == {
        **APPEARANCE_DEFAULTS, "layout": layout, "theme": "dark", "accent_color": "#123456"}


def test_a_version_stored_with_a_position_is_served_with_its_layout(client, site):
    row = db.session.scalar(db.select(BannerVersion).filter_by(site_id=site.id))
    row.document = {**row.document, "appearance": {"position": "center", "theme": "dark",
                                                   "accent_color": "#123456"}}
    db.session.commit()
    served = banner(client)
    assert served["appearance"] == {**APPEARANCE_DEFAULTS, "layout": "modal", "theme": "dark",
                                    "accent_color": "#123456"}
    assert "translate:-50% -50%" in served["styles"]  # drawn in the middle


def test_looks_alone_are_a_minor_change(document):
    changed = validate_document({**document, "appearance": {
        "layout": "modal", "theme": "auto", "accent_color": "#222222", "corner_radius": 0,
        "font": "store", "reopen": "none"}})
    assert not is_material_change(validate_document(document), changed)


def test_the_banner_carries_its_styles_apart_from_its_markup(client, site):
    served = banner(client)
    assert served["styles"].startswith(":host{all:initial!important")
    assert "--a:#0b6e4f;--o:#fff;--r:12px" in served["styles"]
    assert "<style" not in served["markup"] and " style=" not in served["markup"]
    schema = client.get("/v1/openapi.json").json["components"]["schemas"]["BannerOut"]
    assert "styles" in schema["required"]


def test_only_the_rules_of_the_chosen_options_are_sent():
    light, dark, auto = (styles(theme=theme) for theme in ("light", "dark", "auto"))
    assert "#1d1d21" not in light and "prefers-color-scheme" not in light
    assert "#1d1d21" in dark and "prefers-color-scheme" not in dark
    assert "@media (prefers-color-scheme:dark){.w{--b:#1d1d21" in auto
    assert "font-family:inherit!important" in styles(font="store")
    assert "Noto Sans Arabic" not in styles(font="store")
    assert "Noto Sans Arabic" in styles(font="system")
    assert ".re{display:none!important}" in styles(reopen="none")
    assert ".re{position:fixed;bottom:16px;right:16px" in styles(reopen="icon-right")
    assert ".re{position:fixed;bottom:16px;left:16px" in styles(reopen="button-left")
    assert "--r:0px" in styles(corner_radius=0) and "--r:24px" in styles(corner_radius=24)
    assert len({styles(layout=layout) for layout in ("bar", "box-left", "box-right", "modal")}) == 4
    assert "/*" not in light and "{#" not in light and "\n" not in light


@pytest.mark.parametrize("accent, ink", [("#ffd400", "#000"), ("#0b6e4f", "#fff")])
def test_button_text_is_black_or_white_for_contrast(accent, ink):
    assert f"--a:{accent};--o:{ink};" in styles(accent_color=accent)


@pytest.mark.parametrize("theme, problems", [("light", []), ("dark", ["edge"]),
                                             ("auto", ["edge"])])
def test_a_theme_that_follows_the_device_is_judged_on_both_backgrounds(theme, problems):
    assert accent_problems("#26262b", theme) == problems


@pytest.mark.parametrize("reopen, expected", [
    ("icon-left", '<button type="button" data-action="open" class="re icon" aria-label='),
    ("button-right", '<button type="button" data-action="open" class="re button">'),
    ("none", '<span class="re" hidden></span>')])
def test_the_reopen_control_is_the_one_chosen(client, make_site, document, reopen, expected):
    document["appearance"]["reopen"] = reopen
    make_site(site_key="test-store", document=document)
    markup = banner(client)["markup"]
    assert expected in markup
    assert ('data-action="open"' in markup) is (reopen != "none")


def test_the_demo_banners_stay_small(client, app):
    """What a first visit takes from us: each banner well under 6 KB gzip, its styles
    included."""
    with app.app_context():
        seed_demo()
    for key in ("demo-electronics", "demo-subscriptions"):
        for lang in ("ar", "en"):
            body = json.dumps(banner(client, key, lang), ensure_ascii=False,
                              separators=(",", ":")).encode()
            assert len(gzip.compress(body, 9)) <= 5 * 1024, (key, lang)
