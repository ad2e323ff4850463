"""The banner editor and its live preview: the draft as a form, every section saved back,
refusals shown at their field with nothing stored, and a preview that records nothing."""
import json
import re
import uuid
from html.parser import HTMLParser

import pytest

from banner.extensions import db
from banner.services import drafts
from banner.services.audit import Actor
from banner.services.signin import set_language
from banner.vendors import catalogue_vendor

PASSWORD = "a long enough password"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class FormReader(HTMLParser):
    """The (name, value) pairs a browser would submit for the form with this id."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, []
        self._textarea = self._select = None
        self._first_option = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or "name" not in a and tag not in ("option",):
            return
        if tag == "input" and a.get("type") not in ("submit", "button"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            default = "y" if a.get("type") == "checkbox" else ""
            self.fields.append((a["name"], a.get("value", default)))
        elif tag == "textarea":
            self._textarea = [a["name"], ""]
        elif tag == "select":
            self._select, self._first_option = a["name"], None
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in a:
                self.fields.append((self._select, value))
                self._select = "chosen:" + self._select

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            # A newline right after <textarea> is not part of the value (HTML parsing rules).
            self.fields.append((name, re.sub(r"^\r?\n", "", text)))
            self._textarea = None
        elif tag == "select" and self._select:
            if not self._select.startswith("chosen:"):
                self.fields.append((self._select, self._first_option or ""))
            self._select = None


def editor_fields(client, site_id: int) -> dict:
    """The editor form as the browser would post it: {name: value or [values]}."""
    page = client.get(f"/dashboard/sites/{site_id}/banner")
    assert page.status_code == 200
    reader = FormReader("editor-form")
    reader.feed(page.get_data(as_text=True))
    fields = {}
    for name, value in reader.fields:
        if name in fields:
            fields[name] = [*([fields[name]] if isinstance(fields[name], str) else fields[name]),
                            value]
        else:
            fields[name] = [value] if name in ("catalogue", "regions", "languages",
                                               "kept_rules") else value
    return fields


@pytest.fixture
def owner(make_merchant, make_site, client):
    """A merchant signed in (in English) with one published store."""
    merchant = make_merchant(password=PASSWORD)
    set_language(merchant, "en")
    site = make_site(merchant=merchant)
    token = TOKEN.search(client.get("/dashboard/login").get_data(as_text=True)).group(1)
    response = client.post("/dashboard/login", data={
        "email": merchant.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    return site


@pytest.fixture
def stranger_site(make_site):
    return make_site()  # another merchant's


def save(client, site, fields):
    return client.post(f"/dashboard/sites/{site.id}/banner", data=fields)


def test_the_editor_shows_the_draft_in_both_languages(client, owner):
    page = client.get(f"/dashboard/sites/{owner.id}/banner").get_data(as_text=True)
    assert 'id="texts-ar-title" lang="ar" name="texts-ar-title"' in page.replace(
        'dir="rtl" ', "")
    assert 'dir="rtl" id="texts-ar-title"' in page and 'dir="ltr" id="texts-en-title"' in page
    assert "خصوصيتك تهمّنا" in page and "We value your privacy" in page
    assert "The draft is the same as the live banner." in page
    assert 'name="preview-frame"' in page


def test_saving_stores_every_section_of_the_draft(client, owner):
    fields = editor_fields(client, owner.id)
    fields.update({
        "texts-ar-title": "نحترم خصوصيتك", "texts-en-reject_all": "No thanks",
        "texts-ar-categories-analytics-label": "إحصاءات",
        "texts-en-categories-advertising-description": "Ads that fit you.",
        "catalogue": ["google-analytics", "meta"],
        "vendors-0-name": "Chat Widget", "vendors-0-category": "functional",
        "vendors-0-hosts": "Widget.Chat.example\ncdn.chat.example",
        "vendors-0-privacy_url": "https://chat.example/privacy",
        "layout": "box-right", "theme": "auto", "accent_color": "#123456",
        "corner_radius": "20", "font": "store", "reopen": "none",
        "consent_lifetime_days": "180", "age_confirmation": "y", "default_mode": "opt_out",
        "regions": ["gcc", "us"], "policy_url": "https://store.example/privacy",
        "email": "privacy@store.example", "phone": "+966 11 123 4567",
        "whatsapp": "+966 50 123 4567"})
    del fields["honour_gpc"]  # unticked
    response = save(client, owner, fields)
    assert response.status_code == 302
    assert "The draft is saved" in client.get(response.location).get_data(as_text=True)

    draft = drafts.get_draft(owner)
    doc = draft.document
    assert draft.changed
    assert doc["texts"]["ar"]["title"] == "نحترم خصوصيتك"
    assert doc["texts"]["en"]["reject_all"] == "No thanks"
    assert doc["texts"]["ar"]["categories"]["analytics"]["label"] == "إحصاءات"
    assert doc["texts"]["en"]["categories"]["advertising"]["description"] == "Ads that fit you."
    assert doc["vendors"] == [
        catalogue_vendor("google-analytics"), catalogue_vendor("meta"),
        {"key": "chat-widget", "name": "Chat Widget", "category": "functional",
         "hosts": ["widget.chat.example", "cdn.chat.example"],
         "privacy_url": "https://chat.example/privacy"}]
    assert doc["appearance"] == {"layout": "box-right", "theme": "auto",
                                 "accent_color": "#123456", "corner_radius": 20,
                                 "font": "store", "reopen": "none"}
    behaviour = doc["behaviour"]
    assert (behaviour["consent_lifetime_days"], behaviour["honour_gpc"],
            behaviour["age_confirmation"], behaviour["default_mode"]) == (180, False, True,
                                                                          "opt_out")
    assert behaviour["region_rules"] == [
        {"countries": ["SA", "AE", "KW", "QA", "BH", "OM"], "mode": "opt_in"},
        {"countries": ["US"], "mode": "opt_out"}]
    assert doc["policy_url"] == "https://store.example/privacy"
    assert doc["contact"] == {"email": "privacy@store.example", "phone": "+966 11 123 4567",
                              "whatsapp": "+966 50 123 4567"}

    # Saved again untouched, the form gives back the same document (the custom vendor's key
    # kept, nothing reordered).
    again = editor_fields(client, owner.id)
    assert save(client, owner, again).status_code == 302
    assert drafts.get_draft(owner).content_hash == draft.content_hash


def test_the_merchant_removes_a_vendor_and_unticks_a_region(client, owner):
    fields = editor_fields(client, owner.id)
    fields.update({"vendors-0-name": "Chat", "vendors-0-hosts": "chat.example",
                   "vendors-0-privacy_url": "https://chat.example/p", "regions": ["europe"]})
    assert save(client, owner, fields).status_code == 302
    fields = editor_fields(client, owner.id)
    assert fields["vendors-0-key"] == "chat"
    fields["vendors-0-remove"] = "y"
    fields["regions"] = []
    assert save(client, owner, fields).status_code == 302
    doc = drafts.get_draft(owner).document
    assert doc["vendors"] == [] and doc["behaviour"]["region_rules"] == []


def test_rules_made_through_the_api_are_kept_in_their_place(client, owner, document):
    document["behaviour"]["region_rules"] = [
        {"countries": ["US"], "mode": "opt_out"},
        {"countries": ["EG", "JO"], "mode": "opt_in"}]
    drafts.save_draft(owner, document, Actor(owner.merchant_id, "api"))
    fields = editor_fields(client, owner.id)
    assert fields["regions"] == ["us"] and fields["kept_rules"] == ["opt_in:EG,JO"]
    fields["regions"] = ["us", "gcc"]
    assert save(client, owner, fields).status_code == 302
    assert [rule["countries"][0] for rule in
            drafts.get_draft(owner).document["behaviour"]["region_rules"]] == ["US", "EG", "SA"]


@pytest.mark.parametrize("change, field_id, message", [
    ({"policy_url": "javascript:alert(1)"}, "policy_url", "Not a web address"),
    ({"vendors-0-name": "Pixel", "vendors-0-hosts": "",
      "vendors-0-privacy_url": "https://pixel.example/privacy"}, "vendors-0-hosts",
     "Give at least one host"),
    ({"texts-ar-title": "   "}, "texts-ar-title", "Required, at most 2000 characters."),
    ({"texts-ar-title": ""}, "texts-ar-title", "Required, at most 2000 characters."),
    ({"vendors-1-name": "Pixel", "vendors-1-hosts": "not a host",
      "vendors-1-privacy_url": "https://pixel.example/privacy"}, "vendors-1-hosts",
     "not: Not a host name"),
    ({"consent_lifetime_days": "forever"}, "consent_lifetime_days", "A whole number."),
    ({"consent_lifetime_days": "0"}, "consent_lifetime_days", "Between 1 and 730 days."),
    ({"phone": "call me"}, "phone", "Digits, spaces"),
    ({"email": "nobody"}, "email", "Not a valid email address."),
    ({"accent_color": "red"}, "accent_color", "Choose a colour."),
    ({"corner_radius": "30"}, "corner_radius", "A whole number from 0 to 24."),
    ({"corner_radius": "round"}, "corner_radius", "A whole number."),
    ({"layout": "diagonal"}, "layout", "Choose one of the options."),
    ({"reopen": "top"}, "reopen", "Choose one of the options."),
    ({"texts-en-categories-functional-label": ""}, "texts-en-categories-functional-label",
     "Required, at most 80 characters."),
])
def test_a_refusal_is_shown_at_its_field_and_stores_nothing(client, owner, row_counts, change,
                                                           field_id, message):
    fields = editor_fields(client, owner.id)
    before, stored = row_counts(), drafts.get_draft(owner).content_hash
    fields.update({"texts-en-title": "Changed meanwhile", **change})
    response = save(client, owner, fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(rf'<p class="field__error" id="{field_id}-error">([^<]*)</p>', page)
    assert error and message in error.group(1), page[page.find("field__error") - 200:][:600]
    assert re.search(rf'aria-describedby="[^"]*{field_id}-error"', page)
    assert "Changed meanwhile" in page  # what was typed is all still there
    assert "Nothing is saved yet" in page and "data-unsaved" in page
    assert row_counts() == before and drafts.get_draft(owner).content_hash == stored


def test_no_language_ticked_is_refused_at_the_languages(client, owner, row_counts):
    fields = editor_fields(client, owner.id)
    before = row_counts()
    fields["languages"] = []
    response = save(client, owner, fields)
    assert response.status_code == 422
    assert 'id="languages-error"' in response.get_data(as_text=True)
    assert row_counts() == before


def test_unticking_english_drops_its_texts_and_keeps_arabic(client, owner):
    fields = editor_fields(client, owner.id)
    fields["languages"] = ["ar"]
    assert save(client, owner, fields).status_code == 302
    doc = drafts.get_draft(owner).document
    assert doc["languages"] == ["ar"] and list(doc["texts"]) == ["ar"]


def test_a_save_without_its_csrf_token_is_refused(client, owner, row_counts):
    fields = editor_fields(client, owner.id)
    before = row_counts()
    del fields["csrf_token"]
    response = save(client, owner, fields)
    assert response.status_code == 400 and row_counts() == before


def test_a_hard_to_see_button_colour_is_warned_about_on_render(client, owner):
    fields = editor_fields(client, owner.id)
    fields.update({"accent_color": "#ffe14d", "theme": "light"})
    assert save(client, owner, fields).status_code == 302
    page = client.get(f"/dashboard/sites/{owner.id}/banner").get_data(as_text=True)
    assert re.search(r'data-problem="edge">', page)  # shown: no hidden attribute
    assert re.search(r'data-problem="text" hidden>', page)


@pytest.mark.parametrize("theme, warned", [("light", False), ("dark", True), ("auto", True)])
def test_a_theme_that_follows_the_device_warns_of_either_background(client, owner, theme,
                                                                    warned):
    fields = editor_fields(client, owner.id)
    fields.update({"accent_color": "#26262b", "theme": theme})  # near the dark background
    assert save(client, owner, fields).status_code == 302
    page = client.get(f"/dashboard/sites/{owner.id}/banner").get_data(as_text=True)
    assert bool(re.search(r'data-problem="edge">', page)) is warned


def test_a_document_stored_with_a_position_opens_with_its_layout(client, owner):
    row = drafts.draft_row(owner)  # as stored before layouts: validation would map it
    row.document = {**row.document, "appearance": {
        "position": "center", "theme": "dark", "accent_color": "#123456"}}
    db.session.commit()
    fields = editor_fields(client, owner.id)
    assert (fields["layout"], fields["theme"], fields["corner_radius"], fields["reopen"]) == \
        ("modal", "dark", "12", "icon-left")


def test_the_page_says_whether_the_draft_differs_from_the_live_version(client, owner):
    fields = editor_fields(client, owner.id)
    fields["texts-en-title"] = "Cookies?"
    save(client, owner, fields)
    page = client.get(f"/dashboard/sites/{owner.id}/banner").get_data(as_text=True)
    assert "This draft differs from the live version 1." in page


def test_another_merchants_store_is_not_found(client, owner, stranger_site, row_counts):
    base = f"/dashboard/sites/{stranger_site.id}"
    fields = editor_fields(client, owner.id)
    before = row_counts()
    assert client.get(f"{base}/banner").status_code == 404
    assert client.post(f"{base}/banner", data=fields).status_code == 404
    assert client.get(f"{base}/preview/frame").status_code == 404
    assert client.post(f"{base}/preview/frame", data=fields).status_code == 404
    assert row_counts() == before


# The preview

def frame(client, site, lang="en"):
    response = client.get(f"/dashboard/sites/{site.id}/preview/frame?lang={lang}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    api = re.search(r'data-api="([^"]+)"', page).group(1)
    return page, response, f"{api}/v1/sites/{site.site_key}"


def test_the_frame_runs_the_real_snippet_against_the_preview_api(client, owner):
    page, response, api = frame(client, owner, "ar")
    assert '<script src="/static/snippet.js" data-site="' + owner.site_key in page
    assert '<html lang="ar" dir="rtl"' in page
    assert page.index("preview.js") < page.index("snippet.js")  # storage kept in memory first
    policy = response.headers["Content-Security-Policy"]
    assert "style-src 'self';" in policy and "frame-ancestors 'self'" in policy  # no inline
    assert "script-src 'self';" in policy
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert api.startswith(f"/dashboard/sites/{owner.id}/preview/")


def test_the_preview_api_answers_from_the_draft(client, owner):
    fields = editor_fields(client, owner.id)
    fields["texts-ar-title"] = "عنوان المسودة"
    save(client, owner, fields)
    _, _, api = frame(client, owner)
    banner = client.get(f"{api}/banner?lang=ar").get_json()
    assert banner == drafts.preview(owner, "ar")
    assert banner["texts"]["title"] == "عنوان المسودة" and banner["version"] == 2
    public = client.get(f"/v1/sites/{owner.site_key}/banner?lang=ar").get_json()
    assert public["texts"]["title"] != "عنوان المسودة"  # shoppers still see the live one


def test_decisions_in_the_preview_are_answered_but_never_recorded(client, owner, row_counts):
    _, _, api = frame(client, owner)
    before = row_counts()
    visitor = str(uuid.uuid4())
    body = {"visitor_id": visitor, "version": 2, "action": "accept_all", "language": "en",
            "source": "banner", "choices": {"necessary": True, "functional": True,
                                            "analytics": True, "advertising": True},
            "idempotency_key": "preview-test-1"}
    response = client.post(f"{api}/consents", data=json.dumps(body), content_type="text/plain")
    assert response.status_code == 201
    assert set(response.get_json()) == {"consent_id", "visitor_id", "version", "choices",
                                        "expires_at", "recorded_at"}
    assert response.get_json()["visitor_id"] == visitor
    impression = client.post(f"{api}/impressions", content_type="text/plain",
                             data=json.dumps({"version": 2, "language": "en",
                                              "visitor_id": visitor}))
    assert impression.status_code == 204
    bad = client.post(f"{api}/consents", data="{}", content_type="text/plain")
    assert bad.status_code == 422 and bad.get_json()["code"] == 422
    assert row_counts() == before


def test_the_preview_api_needs_the_owners_token_and_session(app, client, owner, stranger_site):
    _, _, api = frame(client, owner)
    assert client.get(f"{api}/banner").status_code == 200
    anonymous = app.test_client()
    assert anonymous.get(f"{api}/banner").status_code == 404  # no session with the token
    assert anonymous.get(f"/dashboard/sites/{owner.id}/preview/frame").status_code == 404
    forged = api.replace("/preview/", "/preview/x")
    assert client.get(f"{forged}/banner").status_code == 404
    other_key = api.replace(owner.site_key, stranger_site.site_key)
    assert client.get(f"{other_key}/banner").status_code == 404
    other_site = api.replace(f"/sites/{owner.id}/", f"/sites/{stranger_site.id}/", 1)
    assert client.get(f"{other_site}/banner").status_code == 404
    body = json.dumps({"version": 1, "language": "en", "visitor_id": str(uuid.uuid4())})
    assert anonymous.post(f"{forged}/impressions", data=body).status_code == 404
    # Posts come without cookies (the snippet omits them): the token is enough.
    assert anonymous.post(f"{api}/impressions", data=body).status_code == 204


def test_the_frame_previews_what_the_form_holds_without_storing_it(client, owner, row_counts):
    fields = editor_fields(client, owner.id)
    before, stored = row_counts(), drafts.get_draft(owner).content_hash
    fields["texts-en-title"] = "Typed, not saved"
    response = client.post(f"/dashboard/sites/{owner.id}/preview/frame?lang=en", data=fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    embedded = json.loads(re.search(
        r'<script type="application/json" id="preview-banner">(.*?)</script>', page).group(1))
    assert embedded["texts"]["title"] == "Typed, not saved" and embedded["language"] == "en"
    fields["policy_url"] = "javascript:alert(1)"
    refused = client.post(f"/dashboard/sites/{owner.id}/preview/frame?lang=en", data=fields)
    assert "this shows the saved draft" in refused.get_data(as_text=True)
    assert "preview-banner" not in refused.get_data(as_text=True)
    assert row_counts() == before and drafts.get_draft(owner).content_hash == stored
