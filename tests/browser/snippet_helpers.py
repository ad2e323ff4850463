"""Helpers shared by the snippet UI tests: focus and direction read through shadow
roots, the consent POST awaited or proved absent, the display POST recognised, and a
store page whose scaffold is itself accessible (everything inside landmarks), for the
axe scans."""
import json
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

STORE_ORIGIN = "http://shop.localhost"

# The element that has focus, followed through open shadow roots.
FOCUSED = """() => {
  let a = document.activeElement;
  while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
  if (!a) return null;
  return {tag: a.tagName.toLowerCase(), action: a.getAttribute('data-action'),
          category: a.getAttribute('data-category'), checked: !!a.checked,
          inBanner: a.getRootNode() !== document,
          inDialog: !!a.closest('dialog, [role=dialog]')};
}"""

# The nearest dir and lang around an element, climbing out of shadow roots.
INHERITED = """(el, name) => {
  for (let n = el; n; n = n.parentNode || n.host) {
    if (n.nodeType === 1 && n.hasAttribute(name)) return n.getAttribute(name);
  }
  return null;
}"""

# Resolves after two frames: anything the last change laid out has been painted.
TWO_FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def focused(page) -> dict | None:
    return page.evaluate(FOCUSED)


def inherited(locator, name: str) -> str | None:
    """The dir or lang in force at a banner element (its own or an ancestor's)."""
    return locator.evaluate(INHERITED, name)


def is_consent_post(request) -> bool:
    return request.method == "POST" and request.url.endswith("/consents")


def is_impression(request) -> bool:
    return request.method == "POST" and request.url.endswith("/impressions")


def answered_impression(response) -> bool:
    return is_impression(response.request)


@contextmanager
def consent_posted(page):
    """Awaits the consent POST the block causes; yields a holder whose .value() is the body."""
    class Posted:
        def value(self) -> dict:
            return json.loads(info.value.post_data)
    with page.expect_request(is_consent_post) as info:
        yield Posted()


def assert_no_consent_post(page, within_ms: int = 1000) -> None:
    """Proves a negative: no consent POST leaves the page within the window."""
    try:
        with page.expect_request(is_consent_post, timeout=within_ms):
            pass
    except PlaywrightTimeoutError:
        return
    raise AssertionError("a consent was posted")


@contextmanager
def changed(page):
    """Awaits the consentbanner:change event the block causes (the snippet dispatches it
    once the change is applied: stored, cookies cleared, signals set, tags released or
    held); yields a holder whose .detail() is the event's detail."""
    page.evaluate("""() => { window.__consentChange = new Promise(resolve => addEventListener(
        'consentbanner:change', e => resolve({detail: e.detail}), {once: true})); }""")

    class Changed:
        def detail(self) -> dict | None:
            return outcome["detail"]
    outcome = {}
    yield Changed()
    # Polled through a flag (evaluate() on a promise that never settles would not time out).
    page.wait_for_function("""() => window.__consentChange
        .then(o => { window.__consentChanged = o; }) && window.__consentChanged""")
    outcome.update(page.evaluate("() => window.__consentChanged"))
    page.evaluate("() => { delete window.__consentChange; delete window.__consentChanged; }")


def landmarked_store_page(store_pages, live_server, lang: str = "en", tag_attrs: str = "",
                          path: str = "/", site_key: str = "test-store") -> str:
    """A store page like `store_page` (install tag first in <head>) whose own content
    sits in a <main> landmark, so an accessibility scan sees only the banner's issues."""
    store_pages[path] = (
        f'<!doctype html><html lang="{lang}"><head>'
        f'<script src="{live_server}/static/snippet.js" data-site="{site_key}"{tag_attrs}>'
        f'</script><meta charset="utf-8"><title>Shop</title></head>'
        f'<body><main id="content"><h1>Shop</h1><p>Phones, chargers and cables.</p>'
        f'</main></body></html>')
    return STORE_ORIGIN + path


OUTPUT = Path(__file__).resolve().parent.parent / "output"


def screenshot(page, name: str, lang: str, device: str) -> Path:
    """A screenshot of the store page with the banner, in the tests' output folder."""
    OUTPUT.mkdir(exist_ok=True)
    path = OUTPUT / f"snippet-{name}-{lang}-{device}.png"
    page.screenshot(path=str(path), animations="disabled")
    return path
