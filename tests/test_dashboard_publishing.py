"""The publish, versions and install pages: what they show, what they publish, what they
refuse (writing nothing), and that another merchant's store is not found."""
import copy
import re

import pytest

from banner.extensions import db
from banner.models import BannerVersion, Site
from banner.services import drafts
from banner.services.audit import Actor
from banner.services.demo import DEMO_EMAIL, DEMO_PASSWORD, seed_demo
from banner.services.signin import set_language
from tests.servers import html_page

TOKEN = re.compile(r'name="(?:[a-z]+-)?csrf_token"[^>]*value="([^"]+)"')
NEW_TITLE = "خصوصيتك أولًا"


def token(client, path: str) -> str:
    return TOKEN.search(client.get(path).get_data(as_text=True)).group(1)


@pytest.fixture
def shop(ctx):
    """The demo electronics store, its merchant signed in with the dashboard in English."""
    seed_demo()
    return db.session.scalar(db.select(Site).filter_by(site_key="demo-electronics"))


@pytest.fixture
def signed_in(app, shop):
    client = app.test_client()
    set_language(shop.merchant, "en")
    response = client.post("/dashboard/login", data={
        "email": DEMO_EMAIL, "password": DEMO_PASSWORD,
        "csrf_token": token(client, "/dashboard/login")})
    assert response.status_code == 302
    return client


def save_draft(site, change) -> None:
    document = copy.deepcopy(drafts.get_draft(site).document)
    change(document)
    drafts.save_draft(site, document, Actor(site.merchant_id, DEMO_EMAIL))


def publish(client, site, **form):
    path = f"/dashboard/sites/{site.id}/publish"
    return client.post(path, data={"csrf_token": token(client, path), "note": "", **form})


def text(response) -> str:
    return response.get_data(as_text=True)


def test_publish_shows_the_changed_texts_before_and_after_and_preselects_minor(signed_in, shop):
    save_draft(shop, lambda doc: doc["texts"]["ar"].update(title=NEW_TITLE))
    page = text(signed_in.get(f"/dashboard/sites/{shop.id}/publish"))
    assert "Minor change." in page and "Title" in page
    assert f'<p lang="ar" dir="rtl">{NEW_TITLE}</p>' in page
    assert re.search(r'<input[^>]* checked[^>]*value="minor"', page)
    assert not re.search(r'<input[^>]*disabled[^>]*value="minor"', page)


def test_a_minor_change_is_published_with_its_note_and_shows_in_the_history(signed_in, shop):
    save_draft(shop, lambda doc: doc["texts"]["ar"].update(title=NEW_TITLE))
    response = publish(signed_in, shop, change="minor", note="Warmer title")
    assert response.status_code == 302
    assert response.location == f"/dashboard/sites/{shop.id}/versions"
    history = text(signed_in.get(response.location))
    assert "Version 2 is live." in history and "Warmer title" in history
    assert re.findall(r'<th scope="row">(\d+)', history) == ["2", "1"]  # newest first
    assert DEMO_EMAIL in history and "Command line" in history  # seeded by the CLI helper
    live = db.session.scalar(db.select(BannerVersion).filter_by(site_id=shop.id, number=2))
    assert (live.status, live.change_kind, live.change_note) == ("published", "minor",
                                                                 "Warmer title")


def test_a_material_change_requires_material(signed_in, shop, row_counts):
    save_draft(shop, lambda doc: doc["vendors"].pop())
    page = text(signed_in.get(f"/dashboard/sites/{shop.id}/publish"))
    assert "Material change." in page and "Microsoft Advertising (UET)" in page
    assert re.search(r'<input[^>]* checked[^>]*value="material"', page)
    assert re.search(r'<input[^>]*disabled[^>]*value="minor"', page)
    before = row_counts()
    refused = publish(signed_in, shop, change="minor")
    assert refused.status_code == 422
    assert 'id="change-error">Visitors must be asked again' in text(refused)
    assert row_counts() == before
    assert publish(signed_in, shop, change="material").status_code == 302


def test_nothing_to_publish_says_so_and_writes_nothing(signed_in, shop, row_counts):
    page = text(signed_in.get(f"/dashboard/sites/{shop.id}/publish"))
    assert "Nothing to publish" in page
    assert drafts.current_draft(shop.id) is None  # looking makes no draft
    before = row_counts()
    refused = publish(signed_in, shop, change="minor")
    assert refused.status_code == 422 and "There is nothing to publish" in text(refused)
    assert row_counts() == before
    save_draft(shop, lambda doc: None)  # a draft identical to the live version
    before = row_counts()
    assert publish(signed_in, shop, change="material").status_code == 422
    assert row_counts() == before


def test_a_bad_publish_form_is_refused_at_the_field(signed_in, shop, row_counts):
    save_draft(shop, lambda doc: doc["texts"]["en"].update(title="Hello"))
    before = row_counts()
    for form in ({"change": "major"}, {"change": "minor", "note": "n" * 501}):
        refused = publish(signed_in, shop, **form)
        assert refused.status_code == 422 and "field__error" in text(refused)
    assert "n" * 501 in text(refused)  # the submitted note comes back
    path = f"/dashboard/sites/{shop.id}/publish"
    expired = signed_in.post(path, data={"change": "minor"})  # no CSRF token
    assert expired.status_code == 400 and "The form expired" in text(expired)
    assert row_counts() == before


def test_versions_compare_any_two_and_show_what_changed(signed_in, shop):
    save_draft(shop, lambda doc: doc["appearance"].update(accent_color="#123456"))
    publish(signed_in, shop, change="minor")
    save_draft(shop, lambda doc: doc.update(policy_url="https://al-voip.com/privacy-2"))
    publish(signed_in, shop, change="material")
    base = f"/dashboard/sites/{shop.id}/versions"
    response = signed_in.get(f"{base}?a=1&b=3")
    assert response.status_code == 302 and response.location == f"{base}/1/diff/3"
    page = text(signed_in.get(response.location))
    assert "Changes from version 1 to version 3" in page and "Material change." in page
    assert '<rect width="10" height="10" rx="2" fill="#123456"/>' in page
    assert "https://al-voip.com/privacy-2" in page
    assert "Minor change." in text(signed_in.get(f"{base}/1/diff/2"))
    assert signed_in.get(f"{base}/1/diff/9").status_code == 404


def test_the_install_page_gives_this_stores_tag_and_the_guides(signed_in, shop):
    page = text(signed_in.get(f"/dashboard/sites/{shop.id}/install"))
    assert ('&lt;script src=&#34;http://localhost/v1/sites/demo-electronics/snippet.js&#34; '
            'data-site=&#34;demo-electronics&#34;&gt;&lt;/script&gt;') in page
    assert 'data-copy="#install-tag"' in page
    for guide in ("Shopify", "Salla", "Google Tag Manager", "Plain HTML"):
        assert f"<summary>{guide}</summary>" in page
    assert '<details class="guide" open>\n    <summary>Shopify' in page  # its platform


def convert(client, site, headers=None, **form):
    path = f"/dashboard/sites/{site.id}/install"
    return client.post(f"{path}/convert", headers=headers or {}, data={
        "convert-csrf_token": token(client, path), "part": "convert", **form})


def test_a_pasted_tag_is_converted_without_javascript_and_for_htmx(signed_in, shop):
    pixel = '<img src="https://www.facebook.com/tr?id=1&amp;ev=Purchase" alt="">'
    page = text(convert(signed_in, shop, **{"convert-markup": pixel}))
    assert "<h1>Install the banner</h1>" in page
    assert ('&lt;img data-consent=&#34;advertising&#34; data-src=&#34;'
            'https://www.facebook.com/tr?id=1&amp;amp;ev=Purchase&#34; alt=&#34;&#34;&gt;') in page
    card = text(convert(signed_in, shop, {"HX-Request": "true"}, **{"convert-markup": pixel}))
    assert card.lstrip().startswith("<section") and "<h1>" not in card
    assert "data-consent=&#34;advertising&#34;" in card


def test_an_unknown_vendor_asks_for_the_category(signed_in, shop):
    tag = '<script src="https://cdn.example.net/widget.js"></script>'
    refused = convert(signed_in, shop, **{"convert-markup": tag})
    assert refused.status_code == 422
    assert 'id="convert-category-error">We do not recognise the vendor' in text(refused)
    chosen = text(convert(signed_in, shop, **{"convert-markup": tag,
                                              "convert-category": "functional"}))
    assert "data-consent=&#34;functional&#34;" in chosen
    assert convert(signed_in, shop, **{"convert-markup": ""}).status_code == 422


def test_an_expired_form_says_so_and_is_refused(signed_in, shop):
    base = f"/dashboard/sites/{shop.id}/install"
    for path, field in (("convert", "convert-markup"), ("check", "check-url")):
        refused = signed_in.post(f"{base}/{path}", headers={"HX-Request": "true"},
                                 data={"part": path, field: "https://al-voip.com/"})
        assert refused.status_code == 400 and "The form expired" in text(refused)
        assert text(refused).lstrip().startswith("<section")  # htmx swaps it in


@pytest.fixture
def store_page():
    """One store page on 127.0.0.1 with the demo store's tag first in <head>."""
    html = ('<!doctype html><html><head><script src="/static/snippet.js" '
            'data-site="demo-electronics"></script></head><body></body></html>')
    with html_page(html) as url:
        yield url


def check(client, site, url):
    path = f"/dashboard/sites/{site.id}/install"
    return client.post(f"{path}/check", data={"check-csrf_token": token(client, path),
                                              "part": "check", "check-url": url})


def test_the_install_check_reports_on_a_store_page(signed_in, shop, store_page):
    page = text(check(signed_in, shop, store_page))
    assert "The install tag is on the page, with this store" in page
    assert "It is the first script of the head" in page
    refused = check(signed_in, shop, "ftp://example.com/")
    assert refused.status_code == 422
    assert 'id="check-url-error">Enter an address that starts with https://' in text(refused)


def test_outside_demo_and_tests_the_check_refuses_private_addresses(make_app, shop,
                                                                    store_page):
    app = make_app(TESTING=False, BANNER_DEMO=False)
    client = app.test_client()
    set_language(shop.merchant, "en")
    with app.app_context():
        client.post("/dashboard/login", data={"email": DEMO_EMAIL, "password": DEMO_PASSWORD,
                                              "csrf_token": token(client, "/dashboard/login")})
        refused = check(client, shop, store_page)
    assert refused.status_code == 422 and "private network" in text(refused)


@pytest.mark.parametrize("method, path", [
    ("get", "publish"), ("post", "publish"), ("get", "versions"), ("get", "versions/1/diff/1"),
    ("get", "install"), ("post", "install/convert"), ("post", "install/check")])
def test_another_merchants_store_is_not_found(signed_in, make_site, row_counts, method, path):
    other = make_site()
    before = row_counts()
    response = getattr(signed_in, method)(f"/dashboard/sites/{other.id}/{path}", data={
        "csrf_token": token(signed_in, "/dashboard/sites"), "change": "material"})
    assert response.status_code == 404
    assert row_counts() == before
