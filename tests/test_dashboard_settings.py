"""Store settings: every setting saved through the sites service, each refusal shown at
its field with nothing stored, and another merchant's store not found."""
import re

import pytest

from banner.extensions import db
from banner.models import AuditEvent, Merchant, Site
from banner.services.signin import set_language

PASSWORD = "a long enough password"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def owner(make_merchant, make_site, client):
    """A merchant signed in (in English) with one store."""
    merchant = make_merchant(password=PASSWORD)
    set_language(merchant, "en")
    site = make_site(merchant=merchant, name="Old name")
    token = TOKEN.search(client.get("/dashboard/login").get_data(as_text=True)).group(1)
    assert client.post("/dashboard/login", data={
        "email": merchant.email, "password": PASSWORD, "csrf_token": token}).status_code == 302
    return site


def settings_form(client, site, **changes) -> dict:
    page = client.get(f"/dashboard/sites/{site.id}/settings").get_data(as_text=True)
    fields = {"csrf_token": TOKEN.search(page).group(1), "name": "Old name",
              "allowed_origins": "https://store.example", "platform": "custom",
              "default_language": "ar", "time_zone": "Asia/Riyadh", "retention_days": "1825",
              "ip_mode": "truncate"}
    return {**fields, **changes}


def test_the_page_shows_the_current_settings(client, owner):
    page = client.get(f"/dashboard/sites/{owner.id}/settings").get_data(as_text=True)
    assert 'value="Old name"' in page and "https://store.example</textarea>" in page
    assert re.search(r'<option selected value="Asia/Riyadh">Riyadh \(UTC\+03:00\)</option>', page)
    assert '<optgroup label="Asia">' in page
    assert re.search(r'id="ip_mode-truncate"[^>]*checked', page)
    for mode in ("truncate", "hash", "none"):
        assert f'id="ip_mode-{mode}-help"' in page  # each mode explained


def test_saving_changes_every_setting_and_says_so(client, owner):
    response = client.post(f"/dashboard/sites/{owner.id}/settings", data=settings_form(
        client, owner, name="New name",
        allowed_origins="https://Shop.example\n\nhttps://b.example/",
        platform="salla", default_language="en", time_zone="Europe/London",
        retention_days="365", ip_mode="hash"))
    assert response.status_code == 302
    assert "The store settings are saved." in client.get(response.location).get_data(as_text=True)
    site = db.session.get(Site, owner.id)
    db.session.refresh(site)
    assert (site.name, site.allowed_origins, site.platform, site.default_language,
            site.time_zone, site.retention_days, site.ip_mode) == (
        "New name", ["https://b.example", "https://shop.example"], "salla", "en",
        "Europe/London", 365, "hash")
    assert db.session.scalar(db.select(AuditEvent).filter_by(action="site.updated"))


@pytest.mark.parametrize("field, value, message", [
    ("name", "  ", "Required, at most 200 characters."),
    ("allowed_origins", "javascript:alert(1)", "Not a store address"),
    ("platform", "wix", "Choose one of the options."),
    ("default_language", "arabic", "Choose a language."),
    ("time_zone", "Mars/Olympus", "Choose a time zone from the list."),
    ("retention_days", "0", "Between 1 and 7300 days."),
    ("retention_days", "five years", "Between 1 and 7300 days."),
    ("ip_mode", "keep", "Choose one of the options."),
])
def test_a_refused_setting_is_shown_at_its_field(client, owner, row_counts, field, value, message):
    form = settings_form(client, owner, **{"name": "Typed name", field: value})
    before = row_counts()
    response = client.post(f"/dashboard/sites/{owner.id}/settings", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(rf'id="{field}-error">([^<]*)<', page)
    assert error and message in error.group(1)
    if field != "name":
        assert 'value="Typed name"' in page  # the other values are kept
    assert row_counts() == before
    db.session.refresh(owner)
    assert owner.name == "Old name"


def test_the_arabic_page_explains_refusals_in_arabic(client, owner, row_counts):
    set_language(db.session.get(Merchant, owner.merchant_id), "ar")
    form = settings_form(client, owner, retention_days="0")
    page = client.post(f"/dashboard/sites/{owner.id}/settings", data=form).get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in page and "بين 1 و7300 يومًا." in page


def test_a_save_without_its_csrf_token_is_refused(client, owner, row_counts):
    form = settings_form(client, owner, name="Changed")
    del form["csrf_token"]
    before = row_counts()
    assert client.post(f"/dashboard/sites/{owner.id}/settings", data=form).status_code == 400
    assert row_counts() == before


def test_another_merchants_store_is_not_found(client, owner, make_site, row_counts):
    other = make_site()
    form = settings_form(client, owner, name="Taken over")
    before = row_counts()
    assert client.get(f"/dashboard/sites/{other.id}/settings").status_code == 404
    assert client.post(f"/dashboard/sites/{other.id}/settings", data=form).status_code == 404
    assert client.get("/dashboard/sites/999999/settings").status_code == 404
    assert row_counts() == before


def test_signed_out_visitors_are_sent_to_sign_in(app, owner):
    response = app.test_client().get(f"/dashboard/sites/{owner.id}/settings")
    assert response.status_code == 302 and "/dashboard/login" in response.location
