"""The dashboard's audit log: the merchant's own events, newest first, in words, with who
did them and when (in the store's time zone)."""
import re
import uuid

import pytest

from banner.extensions import db
from banner.models import AuditEvent
from banner.services import audit, drafts, erasure, sites
from banner.services.api_keys import create_api_key, revoke_key

from tests.helpers import consent, post_consent

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PASSWORD = "audit-pass-2026"


@pytest.fixture
def merchant(client, make_merchant):
    """A merchant (dashboard in English), signed in."""
    merchant = make_merchant(password=PASSWORD)
    merchant.language = "en"
    db.session.commit()
    token = TOKEN.search(client.get("/dashboard/login").get_data(as_text=True)).group(1)
    response = client.post("/dashboard/login", data={
        "email": merchant.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    return merchant


def texts_of(html: str) -> list[str]:
    return [re.sub(r"\s+", " ", t).strip()
            for t in re.findall(r'class="event__what">(.*?)</p>', html, re.S)]


def test_the_log_describes_each_action_newest_first(client, merchant, make_site, document):
    me = audit.Actor(merchant.id, merchant.email)
    site = make_site(merchant=merchant, name="Riyadh store", time_zone="Asia/Riyadh")
    sites.update_site(site, {"name": "Riyadh shop", "retention_days": 400}, me)
    document["texts"]["en"]["title"] = "Changed title"
    drafts.save_draft(site, document, me)
    drafts.publish_draft(site, "minor", None, me)
    visitor = uuid.uuid4()
    assert post_consent(client, site.site_key, consent(visitor_id=str(visitor))).status_code == 201
    erasure.erase_visitor(site, visitor, me)
    row, _ = create_api_key(merchant.id, ["sites:read"], name="Export", actor=me)
    revoke_key(merchant.id, row.id, audit.Actor(merchant.id, f"key {row.prefix}"))
    html = client.get("/dashboard/audit").get_data(as_text=True)
    described = texts_of(html)
    assert described == [
        f"API key {row.prefix} revoked", f"API key {row.prefix} created",
        "Visitor erased: 1 records removed", "Version 2 published as a minor change",
        "Banner draft saved (version 2)",
        "Store settings changed: Store name and How long records are kept",
        "Version 1 published as a material change (visitors are asked again)", "Store created"]
    # Who: the email in the dashboard, the key by its prefix, the command line.
    for who in (merchant.email, f"API key {row.prefix}", "Command line"):
        assert f"<bdi>{who}</bdi>" in html, who
    assert "Riyadh shop" in html
    # When: a store's event in its time zone, an account event in UTC, the zone shown.
    assert '<span class="zone" dir="ltr">Asia/Riyadh</span>' in html
    assert '<span class="zone" dir="ltr">UTC</span>' in html


def test_a_publication_says_whether_visitors_are_asked_again(client, merchant, make_site):
    site = make_site(merchant=merchant)
    me = audit.Actor(merchant.id, merchant.email)
    audit.record(me, "version.published", site.id, number=2, change="minor")
    audit.record(me, "version.published", site.id, number=3, change="material")
    db.session.commit()
    described = texts_of(client.get("/dashboard/audit").get_data(as_text=True))
    assert described[:2] == ["Version 3 published as a material change (visitors are asked "
                             "again)", "Version 2 published as a minor change"]


def test_the_log_lists_only_the_merchants_own_events(client, merchant, make_site,
                                                     make_merchant):
    mine = make_site(merchant=merchant, name="My store")
    other = make_merchant()
    theirs = make_site(merchant=other, name="Their store")
    create_api_key(other.id, ["sites:read"], name="Their key")
    html = client.get("/dashboard/audit").get_data(as_text=True)
    assert "My store" in html and "Their store" not in html
    assert texts_of(html) == ["Version 1 published as a material change (visitors are asked "
                              "again)", "Store created"]
    ids = set(db.session.scalars(db.select(AuditEvent.site_id).filter_by(merchant_id=other.id)))
    assert theirs.id in ids and mine.id not in ids


def test_older_events_are_one_page_away(client, merchant):
    me = audit.Actor(merchant.id, merchant.email)
    for n in range(1, 56):
        audit.record(me, "draft.saved", None, number=n, content_hash="x")
    db.session.commit()
    first = client.get("/dashboard/audit").get_data(as_text=True)
    described = texts_of(first)
    assert len(described) == 50 and described[0] == "Banner draft saved (version 55)"
    older = re.search(r'href="(/dashboard/audit\?cursor=[^"]+)"[^>]*>Older events', first)
    second = client.get(older.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert texts_of(second) == [f"Banner draft saved (version {n})" for n in range(5, 0, -1)]
    assert "Older events" not in second
    assert client.get("/dashboard/audit?cursor=garbage").status_code == 422


def test_the_audit_log_needs_a_signed_in_merchant(client):
    assert client.get("/dashboard/audit").status_code == 302
