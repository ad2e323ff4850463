"""The merchant API's promise, end to end as the README shows it with curl: the demo
merchant reads its sites, edits the Arabic title, publishes it as material, sees the demo
store ask again with the new title, looks up a visitor's proof, erases the visitor and
revokes its key. HTTP calls go over the loopback like curl's; the store runs in Chromium."""
import json
import re
import urllib.error
import urllib.request

import pytest

from banner.services.demo import DEMO_EMAIL, seed_demo
from tests.browser.conftest import banner_button, wait_banner, wait_decided

pytestmark = pytest.mark.browser
NEW_TITLE = "خصوصيتك تهمّنا: سياسة محدّثة"


class Curl:
    """Calls the live server's admin API with a bearer key, as curl would."""

    def __init__(self, base: str, key: str):
        self.base, self.key = base, key

    def __call__(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        request = urllib.request.Request(
            self.base + path, method=method, headers={
                "Authorization": f"Bearer {self.key}", "Content-Type": "application/json"},
            data=json.dumps(body).encode() if body is not None else None)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw else {}
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())


@pytest.fixture
def demo_key(app):
    with app.app_context():
        seed_demo()
        result = app.test_cli_runner().invoke(
            args=["banner", "create-api-key", "--merchant", DEMO_EMAIL])
    assert result.exit_code == 0, result.output
    return re.search(r"cb_\S+", result.output).group(0)


def test_demo_merchant_walks_through_the_admin_api(page, live_server, demo_key):
    curl = Curl(live_server, demo_key)
    page.goto(f"{live_server}/demo/demo-electronics")
    wait_banner(page)
    banner_button(page, "accept-all").click()
    wait_decided(page)
    visitor = page.evaluate("() => ConsentBanner.get().visitorId")

    status, sites = curl("GET", "/v1/admin/sites")
    assert status == 200
    site = next(s for s in sites["items"] if s["site_key"] == "demo-electronics")
    base = f"/v1/admin/sites/{site['id']}"

    status, draft = curl("GET", f"{base}/banner/draft")
    assert status == 200 and draft["changed"] is False
    document = draft["document"]
    document["texts"]["ar"]["title"] = NEW_TITLE
    status, saved = curl("PUT", f"{base}/banner/draft", document)
    assert status == 200 and saved["changed"] is True
    status, version = curl("POST", f"{base}/versions",
                           {"change": "material", "note": "Policy updated"})
    assert status == 201 and version["number"] == 2

    page.reload()
    wait_banner(page)  # asked again: the consent was given to version 1
    assert page.locator("#consent-banner #cb-t").inner_text() == NEW_TITLE

    status, proof = curl("GET", f"{base}/visitors/{visitor}")
    assert status == 200
    assert [(r["action"], r["version"]["number"]) for r in proof["records"]] == [("accept_all", 1)]

    status, receipt = curl("DELETE", f"{base}/visitors/{visitor}")
    assert status == 200 and receipt["records_removed"] == 1
    assert curl("GET", f"{base}/visitors/{visitor}")[0] == 404

    status, keys = curl("GET", "/v1/admin/api-keys")
    key_id = next(k["id"] for k in keys["items"] if k["prefix"] in demo_key)
    assert curl("DELETE", f"/v1/admin/api-keys/{key_id}")[0] == 204
    status, refused = curl("GET", "/v1/admin/sites")
    assert status == 401 and refused["name"] == "Unauthorized"
