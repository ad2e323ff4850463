"""Snippet size (raw, gzip -9, brotli 11) against the budget, and time-to-banner in Chromium.

Sizes are those of what the app serves at /static/snippet.js (the source with the vendor
catalogue filled in and comment lines dropped), fetched over HTTP from the bench server.

    .venv/bin/python bench/snippet_size.py [--rounds 15] [--lang ar]

Time-to-banner is measured from navigation start until the banner's accept button is
visible in `#consent-banner`'s shadow root, on a demo-electronics store page with the
install tag first in <head>. The baseline is the same page from the same server with the
same banner as static HTML (a declarative shadow root copied from a real run): no script,
no API call. Loads alternate between the two, each in a fresh browser context (nothing
cached, no stored choice); the medians give the ratio, since absolute times drift here.
"""
import argparse
import gzip
import logging
import statistics
import tempfile
import threading
from urllib.request import urlopen

import brotli
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from harness import ROOT

SNIPPET = ROOT / "static" / "snippet.js"
BUDGET = 6144  # bytes, gzip -9
SITE = "demo-electronics"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

# Runs before any script of every page: records performance.now() (ms since navigation
# start) the first time the accept button has a box, checked on every DOM mutation and
# every frame.
PROBE = """(() => {
  let observer;
  const check = () => {
    if (window.__bannerAt !== undefined) return;
    const host = document.getElementById('consent-banner');
    const button = host && host.shadowRoot &&
      host.shadowRoot.querySelector('[data-action="accept-all"]');
    if (!button || !button.checkVisibility()) return;
    window.__bannerAt = performance.now();
    observer.disconnect();
  };
  observer = new MutationObserver(check);
  observer.observe(document, {childList: true, subtree: true});
  const frame = () => {
    check();
    if (window.__bannerAt === undefined) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})();"""

STORE = ("<h1>Al-VoIP Electronics</h1><nav><a href='#'>Phones</a> <a href='#'>Routers</a></nav>"
         + "".join(f"<article><h2>Product {i}</h2><p>IP phone, PoE, two lines.</p>"
                   f"<button>Add to cart</button></article>" for i in range(1, 13)))


def page(lang: str, head: str = "", body: str = "") -> str:
    return (f'<!doctype html><html lang="{lang}"><head>{head}<meta charset="utf-8">'
            f"<title>Store</title></head><body>{body}{STORE}</body></html>")


def sizes(base: str) -> None:
    with urlopen(base + "/static/snippet.js") as response:
        raw = response.read()
    zipped = len(gzip.compress(raw, compresslevel=9, mtime=0))
    print(f"static/snippet.js  source {SNIPPET.stat().st_size} B, served: raw {len(raw)} B  "
          f"gzip -9 {zipped} B  brotli 11 {len(brotli.compress(raw, quality=11))} B")
    verdict = f"ok, {BUDGET - zipped} B to spare" if zipped <= BUDGET else \
        f"OVER BUDGET by {zipped - BUDGET} B"
    print(f"budget: {BUDGET} B gzip -9: {verdict} (for reference, vanilla-cookieconsent, "
          f"the best full-featured open-source banner, needs 15.5 KB of JS+CSS)")


def serve_app(tmp: str, pages: dict):
    """The app on a temporary SQLite database with the demo seeded, plus /bench/<name>."""
    from banner import create_app
    from banner.extensions import db
    from banner.services.demo import seed_demo

    # Demo mode: the demo sites trust the app's own origin, where the bench pages are.
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
                      "RATELIMIT_ENABLED": False, "BANNER_DEMO": True})
    with app.app_context():
        db.create_all()
        seed_demo()
    app.add_url_rule("/bench/<name>", "bench_page", lambda name: pages[name])
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def time_to_banner(browser, url: str) -> float:
    """One load in a fresh context; ms from navigation start to a visible accept button."""
    context = browser.new_context()
    try:
        context.add_init_script(PROBE)
        tab = context.new_page()
        tab.goto(url)
        tab.wait_for_function("window.__bannerAt !== undefined", timeout=15000)
        return tab.evaluate("window.__bannerAt")
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="A/B rounds; medians taken")
    parser.add_argument("--lang", default="ar", help="data-lang of the install tag (ar, en)")
    args = parser.parse_args()

    tag = f'<script src="/static/snippet.js" data-site="{SITE}" data-lang="{args.lang}"></script>'
    pages = {"snippet": page(args.lang, head=tag)}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        server, base = serve_app(tmp, pages)
        sizes(base)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            # Warm-up load, which also gives the baseline its banner: the snippet's own markup.
            context = browser.new_context()
            tab = context.new_page()
            tab.goto(base + "/bench/snippet")
            tab.locator('#consent-banner [data-action="accept-all"]').first.wait_for()
            markup = tab.evaluate("document.getElementById('consent-banner').shadowRoot.innerHTML")
            context.close()
            pages["static"] = page(args.lang, body='<div id="consent-banner"><template '
                                   f'shadowrootmode="open">{markup}</template></div>')
            time_to_banner(browser, base + "/bench/static")

            print(f"Chromium {browser.version}, {SITE}, lang {args.lang}, {args.rounds} rounds, "
                  f"fresh context per load")
            runs = {"snippet": [], "static": []}
            for round_ in range(args.rounds):
                order = ("snippet", "static") if round_ % 2 == 0 else ("static", "snippet")
                for name in order:  # ABBA: neither side always goes first
                    runs[name].append(time_to_banner(browser, f"{base}/bench/{name}"))
                print(f"  round {round_ + 1:<3} snippet {runs['snippet'][-1]:7.1f} ms   "
                      f"static banner {runs['static'][-1]:7.1f} ms", flush=True)
        finally:
            browser.close()
            server.shutdown()

    ours, baseline = (statistics.median(runs[name]) for name in ("snippet", "static"))
    print(f"\ntime-to-banner: {ours:.1f} ms vs {baseline:.1f} ms baseline = "
          f"{ours / baseline:.2f} x (median of {args.rounds}; baseline: the same banner as "
          f"static HTML, no script, no API call)")


if __name__ == "__main__":
    main()
