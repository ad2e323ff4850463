"""Browser measurements of `snippet_size.py`: time to a visible accept button on a first
visit, and what a returning visitor's page asks us for before its gated tags load.
"""
import statistics
from urllib.parse import urlsplit

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 15000
# The demo store's stand-in trackers: the gated tags.
TRACKERS = "/demo/static/trackers/"

# Runs before any script of every page: records performance.now() (ms since navigation
# start) the first time an accept button is visible: ours in #consent-banner's shadow
# root, or vanilla-cookieconsent's. Visible means rendered, not visibility:hidden and not
# fully transparent (both banners fade in). Checked on every DOM mutation and every frame.
PROBE = """(() => {
  let observer;
  const button = () => {
    const host = document.getElementById('consent-banner');
    return host && host.shadowRoot && host.shadowRoot.querySelector('[data-action="accept-all"]')
      || document.querySelector('#cc-main [data-role="all"]');
  };
  const check = () => {
    if (window.__bannerAt !== undefined) return;
    const found = button();
    if (!found || !found.checkVisibility({opacityProperty: true, visibilityProperty: true})) return;
    window.__bannerAt = performance.now();
    observer.disconnect();
    console.debug('banner visible at ' + window.__bannerAt);
  };
  observer = new MutationObserver(check);
  observer.observe(document, {childList: true, subtree: true, attributes: true});
  const frame = () => {
    check();
    if (window.__bannerAt === undefined) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})();"""

VISIBLE = "banner visible at "
GATED = "gated tag at "
# When the page's first gated tag (a stand-in tracker) started loading, once it has loaded.
GATED_PROBE = """new PerformanceObserver((list, observer) => {
  const tag = list.getEntries().find(entry => entry.name.includes('%s'));
  if (tag) { observer.disconnect(); console.debug('%s' + tag.startTime); }
}).observe({type: 'resource', buffered: true});""" % (TRACKERS, GATED)
ACCEPT = '#consent-banner [data-action="accept-all"]'


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                      args=CHROMIUM_ARGS)


def time_to_banner(browser, url: str) -> float:
    """One load in a fresh context; ms from navigation start to a visible accept button."""
    context = browser.new_context()
    try:
        context.add_init_script(PROBE)
        tab = context.new_page()
        # An event, not polling: the store's CSP forbids the eval that polling a
        # JavaScript condition would need.
        with tab.expect_console_message(lambda m: m.text.startswith(VISIBLE),
                                        timeout=TIMEOUT_MS) as message:
            tab.goto(url)
        return float(message.value.text[len(VISIBLE):])
    finally:
        context.close()


def first_visit(browser, url: str, ours: set[str]) -> tuple[list[tuple[str, bytes]], str]:
    """One first visit until the banner shows: (path, body) of every GET answered by the
    consent backend (paths under those in `ours`), and the banner's shadow root HTML."""
    from snippet_pages import SHADOW_HTML
    context = browser.new_context()
    try:
        tab = context.new_page()
        responses = []
        tab.on("response", lambda response: responses.append(response))
        tab.goto(url)
        tab.locator(ACCEPT).first.wait_for(timeout=TIMEOUT_MS)
        shadow = tab.evaluate(SHADOW_HTML)
        # What it downloads (the impression it then posts has no body).
        fetched = [(_path(response.url), response.body()) for response in responses
                   if _ours(response.url, ours) and response.request.method == "GET"]
        return fetched, shadow
    finally:
        context.close()


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _ours(url: str, ours: set[str]) -> bool:
    path = urlsplit(url).path
    return any(path.startswith(prefix) for prefix in ours)


def returning_visit(browser, url: str, ours: set[str], served: list[str]) -> dict:
    """Accept on a first visit, then load the page again in the same profile: what the page
    asked our backend for before its first gated tag, and how many of those reached the
    server (`served` lists the paths the server answered, appended as they come)."""
    context = browser.new_context()
    try:
        context.add_init_script(PROBE)
        context.add_init_script(GATED_PROBE)
        tab = context.new_page()
        tab.goto(url)
        with tab.expect_response(lambda r: r.request.method == "POST"
                                 and urlsplit(r.url).path.endswith("/consents"),
                                 timeout=TIMEOUT_MS):
            tab.locator(ACCEPT).first.click(timeout=TIMEOUT_MS)
        tab.goto("about:blank")  # ends the first page and whatever it still loads
        asked = []
        tab.on("request", lambda request: asked.append(request.url))
        reached = len(served)
        with tab.expect_console_message(lambda m: m.text.startswith(GATED),
                                        timeout=TIMEOUT_MS) as message:
            tab.goto(url, wait_until="commit")
        first = next(i for i, u in enumerate(asked) if TRACKERS in u)
        on_server = served[reached:]
        on_server = on_server[:next((i for i, p in enumerate(on_server) if TRACKERS in p),
                                    len(on_server))]
        return {"asked": [_path(u) for u in asked[:first] if _ours(u, ours)],
                "reached": [p for p in on_server if _ours("http://server" + p, ours)],
                "tracker_at": float(message.value.text[len(GATED):])}
    finally:
        context.close()


def median(values: list[float]) -> float:
    return statistics.median(values)
