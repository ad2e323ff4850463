"""Signing in to the dashboard: sessions, CSRF, guessing slowed per account and client,
the password, the language, and no open redirect."""
import re

import pytest

from banner.extensions import db
from banner.models import LoginAttempt
from banner.services.demo import DEMO_EMAIL, DEMO_PASSWORD, seed_demo

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def merchant(ctx):
    seed_demo()
    return DEMO_EMAIL, DEMO_PASSWORD


def csrf(client, path="/dashboard/login") -> str:
    return TOKEN.search(client.get(path).get_data(as_text=True)).group(1)


def sign_in(client, email=DEMO_EMAIL, password=DEMO_PASSWORD, next_path="", **environ):
    return client.post("/dashboard/login", data={
        "email": email, "password": password, "next": next_path, "csrf_token": csrf(client)},
        environ_base=environ, headers={"Accept-Language": "en"})


def test_signing_in_opens_the_stores_with_a_safe_session_cookie(client, merchant):
    response = sign_in(client)
    assert response.status_code == 302 and response.location == "/dashboard/sites"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert client.get("/dashboard/sites").status_code == 200


def test_the_session_cookie_is_secure_over_https(app, merchant):
    client = app.test_client()
    page = client.get("/dashboard/login", base_url="https://dash.example")
    token = TOKEN.search(page.get_data(as_text=True)).group(1)
    response = client.post("/dashboard/login", base_url="https://dash.example", data={
        "email": DEMO_EMAIL, "password": DEMO_PASSWORD, "csrf_token": token})
    assert response.status_code == 302 and "Secure" in response.headers["Set-Cookie"]


def test_pages_need_a_signed_in_merchant(client, merchant):
    response = client.get("/dashboard/sites")
    assert response.status_code == 302
    assert response.location.startswith("/dashboard/login?next=")


def test_a_wrong_password_is_refused_with_a_message(client, merchant):
    response = sign_in(client, password="not-it")
    assert response.status_code == 401
    assert "The email or the password is wrong." in response.get_data(as_text=True)
    assert client.get("/dashboard/sites").status_code == 302


def test_a_login_posted_without_its_csrf_token_is_refused(client, merchant, row_counts):
    before = row_counts()
    response = client.post("/dashboard/login", data={"email": DEMO_EMAIL,
                                                     "password": DEMO_PASSWORD})
    assert response.status_code == 400
    assert row_counts() == before
    assert client.get("/dashboard/sites").status_code == 302


def test_five_failures_lock_the_account_whatever_the_network(client, merchant):
    for n in range(5):
        assert sign_in(client, password=f"guess-{n}", REMOTE_ADDR=f"198.51.100.{n}") \
            .status_code == 401
    locked = sign_in(client, REMOTE_ADDR="203.0.113.9")  # even the right password
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.get_data(as_text=True)
    assert client.get("/dashboard/sites").status_code == 302


def test_twenty_failures_from_one_network_lock_it_for_every_account(client, merchant):
    for n in range(20):
        sign_in(client, email=f"nobody{n}@example.com", password="x", REMOTE_ADDR="198.51.100.7")
    assert sign_in(client, REMOTE_ADDR="198.51.100.7").status_code == 429
    assert sign_in(client, REMOTE_ADDR="198.51.100.8").status_code == 302


def test_attempts_keep_neither_the_email_nor_the_address(client, merchant):
    sign_in(client, password="wrong", REMOTE_ADDR="198.51.100.44")
    stored = [str(value) for row in db.session.scalars(db.select(LoginAttempt))
              for value in (row.account, row.client)]
    assert stored and not any("198.51" in v or "example.com" in v for v in stored)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x",
                                    "/\\evil.example", "javascript:alert(1)"])
def test_next_never_leads_to_another_site(client, merchant, target):
    response = sign_in(client, next_path=target)
    assert response.status_code == 302 and response.location == "/dashboard/sites"


def test_next_leads_back_to_the_page_asked_for(client, merchant):
    assert sign_in(client, next_path="/dashboard/account/password").location == \
        "/dashboard/account/password"


def test_changing_the_password_signs_out_other_sessions(app, client, merchant):
    other = app.test_client()
    sign_in(other)
    sign_in(client)
    token = csrf(client, "/dashboard/account/password")
    response = client.post("/dashboard/account/password", data={
        "current": DEMO_PASSWORD, "new": "a much longer secret", "csrf_token": token})
    assert response.status_code == 302
    assert client.get("/dashboard/sites").status_code == 200
    assert other.get("/dashboard/sites").status_code == 302
    assert sign_in(app.test_client(), password="a much longer secret").status_code == 302


def test_a_wrong_current_password_is_refused_at_the_field(client, merchant, row_counts):
    sign_in(client)
    before = row_counts()
    response = client.post("/dashboard/account/password", data={
        "current": "nope", "new": "a much longer secret",
        "csrf_token": csrf(client, "/dashboard/account/password")})
    assert response.status_code == 422
    assert 'id="current-error"' in response.get_data(as_text=True)
    assert row_counts() == before


def test_signing_out_needs_the_form_and_ends_the_session(client, merchant):
    sign_in(client)
    assert client.post("/dashboard/logout").status_code == 400  # no CSRF token
    assert client.get("/dashboard/sites").status_code == 200
    token = csrf(client, "/dashboard/sites")
    assert client.post("/dashboard/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/dashboard/sites").status_code == 302


def test_the_chosen_language_is_remembered_on_the_account(app, client, merchant):
    sign_in(client)
    token = csrf(client, "/dashboard/sites")
    client.post("/dashboard/language", data={"language": "en", "csrf_token": token,
                                             "next": "/dashboard/sites"})
    assert 'lang="en"' in client.get("/dashboard/sites").get_data(as_text=True)
    elsewhere = app.test_client()  # another browser, Arabic preferred
    sign_in(elsewhere)
    page = elsewhere.get("/dashboard/sites", headers={"Accept-Language": "ar"})
    assert 'lang="en" dir="ltr"' in page.get_data(as_text=True)


def test_dashboard_pages_forbid_inline_scripts_and_framing(client, merchant):
    policy = client.get("/dashboard/login").headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
