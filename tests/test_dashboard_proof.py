"""The dashboard's visitor proof: records written through the public API, shown with the
banner each visitor saw in their language; the JSON download; erasure with a receipt."""
import json
import re
import uuid

import pytest

from banner.extensions import db
from banner.models import AuditEvent, BannerVersion, ConsentRecord, VisitorConsent
from banner.services.audit import Actor
from banner.services.erasure import erase_visitor, visitor_hash

from tests.helpers import ALL, IPHONE, NONE, consent, post_consent

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PASSWORD = "proof-pass-2026"


def csrf(client, path="/dashboard/login") -> str:
    return TOKEN.search(client.get(path).get_data(as_text=True)).group(1)


@pytest.fixture
def signed_in(client, make_merchant, make_site):
    """A merchant (dashboard in English) with a published site, signed in."""
    merchant = make_merchant(password=PASSWORD)
    merchant.language = "en"
    db.session.commit()
    site = make_site(merchant=merchant)
    response = client.post("/dashboard/login", data={
        "email": merchant.email, "password": PASSWORD, "csrf_token": csrf(client)})
    assert response.status_code == 302
    return merchant, site


def decide(client, site, visitor, **overrides):
    response = post_consent(client, site.site_key, consent(visitor_id=str(visitor), **overrides),
                            remote_addr="203.0.113.77", **{"User-Agent": IPHONE})
    assert response.status_code == 201, response.json


def page_of(site) -> str:
    return f"/dashboard/sites/{site.id}/visitors"


def test_proof_shows_every_record_with_the_banner_in_the_visitors_language(client, signed_in):
    merchant, site = signed_in
    visitor = uuid.uuid4()
    decide(client, site, visitor, action="accept_all", choices=ALL, language="ar",
           age_confirmed=True, page="https://store.example/cart?email=a@b.example")
    decide(client, site, visitor, action="reject_all", choices=NONE, language="en",
           source="preferences")
    response = client.get(page_of(site), query_string={"visitor": str(visitor)})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    version = db.session.scalars(db.select(BannerVersion).filter_by(site_id=site.id)).one()
    arabic, english = version.document["texts"]["ar"], version.document["texts"]["en"]
    assert html.index("Accepted all") < html.index("Rejected all")  # oldest first
    # The Arabic record shows the Arabic banner, right to left; the English one in English.
    assert 'class="shown__banner" lang="ar" dir="rtl"' in html
    assert 'class="shown__banner" lang="en" dir="ltr"' in html
    for text in (arabic["title"], arabic["accept_all"], arabic["reject_all"],
                 arabic["categories"]["analytics"]["label"],
                 arabic["categories"]["advertising"]["description"], arabic["age_confirmation"],
                 english["title"], english["categories"]["functional"]["description"]):
        assert text in html, text
    assert html.count("Granted") >= 4 and html.count("Refused") >= 3  # words, not colour
    assert html.count("✓") >= 4 and html.count("✕") >= 3
    for text in ("Arabic", "English", "The banner", "The preferences panel", "Confirmed",
                 "Phone", "iOS", "203.0.113.0", "https://store.example/cart<", "Not sent",
                 version.content_hash[:12], "Verified: no record was changed, removed or reordered", "Asia/Riyadh"):
        assert text in html, text
    assert "email=a@b.example" not in html
    # Each record states the policy that applied (the default mode: no country header).
    assert html.count("Opt-in: nothing optional before a choice") >= 2


def test_an_unknown_visitor_is_a_clear_404_and_a_malformed_id_a_422(client, signed_in):
    _, site = signed_in
    unknown = client.get(page_of(site), query_string={"visitor": str(uuid.uuid4())})
    assert unknown.status_code == 404
    assert "No consent is recorded for this visitor on this store." in unknown.get_data(
        as_text=True)
    malformed = client.get(page_of(site), query_string={"visitor": "not-a-visitor"})
    assert malformed.status_code == 422
    html = malformed.get_data(as_text=True)
    assert 'id="visitor-error"' in html and 'aria-invalid="true"' in html
    assert 'value="not-a-visitor"' in html  # the submitted value stays in the field
    assert client.get(page_of(site)).status_code == 200  # the empty lookup form
    assert client.get(f"{page_of(site)}/{uuid.uuid4()}.json").status_code == 404
    assert client.get(f"{page_of(site)}/nope.json").status_code == 422


def test_the_json_download_is_the_proof_the_api_gives(client, signed_in, make_key):
    merchant, site = signed_in
    visitor = uuid.uuid4()
    decide(client, site, visitor, action="accept_all", choices=ALL, language="ar",
           client_time="2024-05-01T10:00:00+03:00")
    decide(client, site, visitor, action="custom", language="en")
    response = client.get(f"{page_of(site)}/{visitor}.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == \
        f'attachment; filename="proof-{site.site_key}-{visitor}.json"'
    api = client.get(f"/v1/admin/sites/{site.id}/visitors/{visitor}", headers=make_key(merchant))
    assert api.status_code == 200
    assert json.loads(response.get_data(as_text=True)) == api.json
    assert api.json["records"][0]["client_time"] == "2024-05-01T07:00:00Z"


def test_erasure_without_the_confirmation_is_refused_at_the_field(client, signed_in,
                                                                  row_counts):
    _, site = signed_in
    visitor = uuid.uuid4()
    decide(client, site, visitor)
    proof_page = f"{page_of(site)}?visitor={visitor}"
    before = row_counts()
    response = client.post(f"{page_of(site)}/{visitor}/erase",
                           data={"csrf_token": csrf(client, proof_page)})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="confirm-error"' in html and "Tick the box to confirm the erasure." in html
    assert "Accepted all" in html or "Chose categories" in html  # the proof is still shown
    assert row_counts() == before


def test_erasure_without_a_csrf_token_writes_nothing(client, signed_in, row_counts):
    _, site = signed_in
    visitor = uuid.uuid4()
    decide(client, site, visitor)
    before = row_counts()
    response = client.post(f"{page_of(site)}/{visitor}/erase", data={"confirm": "y"})
    assert response.status_code == 400
    assert row_counts() == before


def test_confirmed_erasure_removes_the_records_and_shows_the_receipt(client, signed_in):
    merchant, site = signed_in
    visitor = uuid.uuid4()
    decide(client, site, visitor, action="accept_all", choices=ALL)
    decide(client, site, visitor, action="reject_all", choices=NONE)
    token = csrf(client, f"{page_of(site)}?visitor={visitor}")
    response = client.post(f"{page_of(site)}/{visitor}/erase",
                           data={"csrf_token": token, "confirm": "y"})
    assert response.status_code == 302
    assert re.fullmatch(rf"/dashboard/sites/{site.id}/erasures/\d+", response.location)
    receipt = client.get(response.location)
    assert receipt.status_code == 200
    html = receipt.get_data(as_text=True)
    assert "Erasure receipt" in html and visitor_hash(site, visitor) in html
    assert re.search(r'class="receipt__count">2<', html)
    assert str(visitor) not in html  # the receipt names no one
    assert db.session.scalar(db.select(db.func.count()).select_from(ConsentRecord)) == 0
    assert db.session.get(VisitorConsent, (site.id, visitor)) is None
    event = db.session.scalars(db.select(AuditEvent).filter_by(action="visitor.erased")).one()
    assert event.actor == merchant.email and event.details["records_removed"] == 2
    gone = client.get(page_of(site), query_string={"visitor": str(visitor)})
    assert gone.status_code == 404


def test_another_merchants_site_is_not_found_on_every_proof_page(client, signed_in, make_site,
                                                                 row_counts):
    other = make_site()
    visitor = uuid.uuid4()
    decide(client, other, visitor)
    token = csrf(client, page_of(signed_in[1]))
    before = row_counts()
    assert client.get(page_of(other), query_string={"visitor": str(visitor)}).status_code == 404
    assert client.get(f"{page_of(other)}/{visitor}.json").status_code == 404
    erase = client.post(f"{page_of(other)}/{visitor}/erase",
                        data={"csrf_token": token, "confirm": "y"})
    assert erase.status_code == 404
    assert "Page not found" in erase.get_data(as_text=True)
    assert row_counts() == before
    theirs = erase_visitor(other, visitor, Actor(other.merchant_id, "cli"))
    assert client.get(f"/dashboard/sites/{other.id}/erasures/{theirs['id']}").status_code == 404
    assert client.get(f"{page_of(signed_in[1]).rsplit('/', 1)[0]}/erasures/{theirs['id']}") \
        .status_code == 404  # their receipt under my site's address neither


def test_the_proof_page_needs_a_signed_in_merchant(client, site):
    response = client.get(page_of(site))
    assert response.status_code == 302 and "/dashboard/login" in response.location
