"""The API reference in Chromium: ReDoc renders the OpenAPI document's public and admin
operations from files this app serves, and no request leaves the machine."""
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

OUTPUT = Path(__file__).resolve().parent.parent / "output"
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
ADMIN_OPERATION = "The merchant's sites, oldest first."
PUBLIC_OPERATION = "Record a visitor's choice."
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@pytest.mark.parametrize("device", VIEWPORTS)
def test_reference_renders_every_operation_offline(page, network, live_server, device):
    errors, blocked = [], set()
    page.on("pageerror", lambda error: errors.append(str(error)))
    # Chromium reports a request the page's CSP refuses, then its failure ("csp"): it
    # never left the browser.
    page.on("requestfailed", lambda request: blocked.add(request.url)
            if request.failure == "csp" else None)
    page.set_default_timeout(15000)
    page.set_viewport_size(VIEWPORTS[device])
    page.goto(live_server + "/docs/api")
    admin = page.get_by_role("heading", name=ADMIN_OPERATION)
    admin.wait_for()
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=OUTPUT / f"api-reference-{device}.png")

    assert page.get_by_role("heading", name=PUBLIC_OPERATION).is_visible()
    admin.scroll_into_view_if_needed()
    page.screenshot(path=OUTPUT / f"api-reference-{device}-operation.png")
    assert errors == []
    # The page, the bundle and the document came from here; nothing went anywhere else
    # (ReDoc's attribution logo on its CDN is refused by the page's policy).
    paths = {urlsplit(url).path for url in network.urls}
    assert {"/docs/api", "/v1/openapi.json"} <= paths
    assert any(path.endswith("/redoc.standalone.js") for path in paths)
    outside = [url for url in network.urls if urlsplit(url).hostname not in LOCAL_HOSTS]
    for url in outside:  # each must be one the policy refused (its failure may come later)
        if url not in blocked:
            page.wait_for_event("requestfailed", lambda request: request.url == url)
    left = [url for url in outside if url not in blocked]
    assert left == []
