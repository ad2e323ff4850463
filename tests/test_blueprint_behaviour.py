"""Whether a request gets a cookie session, and whether its errors are JSON, is decided by
the blueprint it belongs to (DESIGN.md section 2), not by its URL."""
import flask
import pytest

from banner import errors
from banner.api.base import Blueprint as ApiBlueprint


@pytest.fixture
def faces(make_app):
    """An app with a page blueprint that keeps a session, and an API blueprint mounted
    where a prefix rule would have taken it for a page."""
    app = make_app()
    pages = flask.Blueprint("pages", __name__, url_prefix="/v1/pages")
    pages.cookie_session = True

    @pages.get("/visit")
    def visit():
        flask.session["visits"] = flask.session.get("visits", 0) + 1
        return f"visit {flask.session['visits']}"

    @pages.get("/broken")
    def broken_page():
        flask.abort(409)

    api = ApiBlueprint("elsewhere", __name__, url_prefix="/pages-api")

    @api.get("/touch")
    def touch():
        return {"session_is_null": flask.session.__class__.__name__ == "NullSession"}

    @api.get("/broken")
    def broken_api():
        flask.abort(409)

    app.register_blueprint(pages)
    app.register_blueprint(api)
    return app.test_client()


def test_a_page_blueprint_that_asks_for_a_session_gets_one(faces):
    assert faces.get("/v1/pages/visit").get_data(as_text=True) == "visit 1"
    assert faces.get("/v1/pages/visit").get_data(as_text=True) == "visit 2"


def test_an_api_blueprint_gets_no_session_and_sets_no_cookie(faces):
    faces.get("/v1/pages/visit")  # holds a session cookie now
    response = faces.get("/pages-api/touch")
    assert response.json == {"session_is_null": True}
    assert "Set-Cookie" not in response.headers and "Cookie" not in response.headers.get("Vary", "")


def test_the_public_api_sets_no_cookie_even_for_a_client_with_one(client, site):
    client.set_cookie("session", "anything")
    response = client.get("/v1/sites/test-store/banner")
    assert "Set-Cookie" not in response.headers and response.headers["Vary"] == "Origin"


def test_api_errors_are_json_wherever_the_blueprint_is_mounted(faces):
    response = faces.get("/pages-api/broken", headers={"Accept": "text/html"})
    assert response.status_code == 409 and response.json["name"] == "Conflict"


def test_page_errors_are_html_even_under_v1(faces):
    response = faces.get("/v1/pages/broken", headers={"Accept": "application/json"})
    assert response.status_code == 409 and response.mimetype == "text/html"


@pytest.mark.parametrize("accept, mimetype", [
    (None, "application/json"), ("*/*", "application/json"),
    ("text/html,application/xhtml+xml,*/*;q=0.8", "text/html")])
def test_a_request_no_route_matched_gets_what_the_client_prefers(client, accept, mimetype):
    headers = {"Accept": accept} if accept else {}
    response = client.get("/v1/no-such-route", headers=headers)
    assert response.status_code == 404 and response.mimetype == mimetype


@pytest.mark.parametrize("error, status", [
    (errors.NotFound("x"), 404), (errors.Invalid("x"), 422), (errors.Conflict("x"), 409),
    (errors.Forbidden("x"), 403), (errors.Unauthenticated("x"), 401),
    (errors.Throttled("x", retry_after=30), 429)])
def test_every_domain_error_and_its_kinds_map_to_one_status(make_app, error, status):
    app = make_app()
    api = ApiBlueprint("raising", __name__, url_prefix="/raising")

    class Particular(type(error)):
        """A service's own kind of a domain error."""

    @api.get("/base")
    def raise_base():
        raise error

    @api.get("/kind")
    def raise_kind():
        raise Particular(*((error.message, error.retry_after)
                           if isinstance(error, errors.Throttled) else (error.message,)))

    app.register_blueprint(api)
    client = app.test_client()
    for path in ("/raising/base", "/raising/kind"):
        response = client.get(path)
        assert response.status_code == status and response.json["code"] == status
    if status == 429:
        assert response.headers["Retry-After"] == "30"
