"""Snippet size (raw, gzip -9, brotli 11) against its budget, the first visit's bytes, and
time to a visible accept button in Chromium against vanilla-cookieconsent and static HTML.

    make bench-snippet          (= .venv/bin/python bench/snippet_size.py [--rounds 15] [--lang ar])

Sizes are those of what the app serves (the minified build, `make snippet`), fetched over
HTTP from the bench server; the source map is not downloaded by visitors and not counted.

Time to banner runs on the demo-electronics store page as the app serves it (its trackers
as gated markup), with four install variants (snippet_pages.py): our per-site script tag
(one request), our static snippet tag (two requests), vanilla-cookieconsent 3.1.0
configured inline with the same categories and texts, and our banner as static HTML.
Each round loads every variant once, in a rotating order, each in a fresh browser context
(nothing cached, no stored choice); the medians give the ratios, since absolute times
drift here. Then a returning visitor (accepted on a first visit, same profile): what the
page asks our backend for before its first gated tag starts.
"""
import argparse
import gzip
import json
import logging
import tempfile
import threading
from urllib.request import urlopen

import brotli
from flask import Response, send_from_directory
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from harness import ROOT
from snippet_pages import (COOKIECONSENT, COOKIECONSENT_FILES, cookieconsent_version,
                           static_banner, variants)
from snippet_timing import first_visit, launch, median, returning_visit, time_to_banner

SNIPPET = ROOT / "static" / "snippet.js"
BUDGET = 6144  # bytes, gzip -9, the snippet
FIRST_VISIT_BUDGET = 12 * 1024  # bytes, gzip, everything the first visit takes from us
SITE = "demo-electronics"
# Our consent backend, as opposed to the store's own page and assets.
OURS = {"/v1/", "/static/snippet"}
NAMES = ("site", "static", "cookieconsent", "html")
LABELS = {"site": "(a) per-site script tag", "static": "(b) static snippet tag",
          "cookieconsent": "(c) vanilla-cookieconsent", "html": "(d) static HTML banner"}


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def line(label: str, data: bytes) -> str:
    return (f"{label:<44} raw {len(data):6} B   gzip -9 {gz(data):6} B   "
            f"brotli 11 {len(brotli.compress(data, quality=11)):6} B")


def sizes(base: str, lang: str) -> None:
    with urlopen(base + "/static/snippet.js") as response:
        snippet, source_map = response.read(), response.headers.get("SourceMap")
    with urlopen(f"{base}/v1/sites/{SITE}/snippet.js") as response:
        site_script = response.read()
    with urlopen(f"{base}/v1/sites/{SITE}/banner?lang={lang}") as response:
        banner = response.read()
    print(f"static/snippet.js source {SNIPPET.stat().st_size} B; served "
          f"{'minified, source map ' + source_map if source_map else 'UNMINIFIED (no build)'}")
    print(line("/static/snippet.js", snippet))
    verdict = f"ok, {BUDGET - gz(snippet)} B to spare" if gz(snippet) <= BUDGET else \
        f"OVER BUDGET by {gz(snippet) - BUDGET} B"
    print(f"snippet budget {BUDGET} B gzip -9: {verdict}")
    print(line(f"/v1/sites/{SITE}/snippet.js (ar + en)", site_script))
    print(line(f"/v1/sites/{SITE}/banner?lang={lang}", banner))
    version = cookieconsent_version()
    files = [(COOKIECONSENT / name).read_bytes() for name in COOKIECONSENT_FILES]
    for name, data in zip(COOKIECONSENT_FILES, files):
        print(line(f"vanilla-cookieconsent {version} {name.split('/')[-1]}", data))
    print(f"vanilla-cookieconsent {version} JS + CSS: gzip -9 {sum(map(gz, files))} B")


def first_visit_sizes(fetched: list[tuple[str, bytes]], label: str) -> None:
    total = sum(gz(body) for _, body in fetched)
    parts = ", ".join(f"{path} {gz(body)} B" for path, body in fetched)
    verdict = "ok" if total <= FIRST_VISIT_BUDGET else "OVER BUDGET"
    print(f"first visit, {label}: {len(fetched)} responses from us, gzip -9 {total} B "
          f"({verdict}, budget {FIRST_VISIT_BUDGET} B): {parts}")


def serve_app(tmp: str, pages: dict, served: list):
    """The app on a temporary SQLite database with the demo seeded, plus the bench pages
    at /bench/<name> and vanilla-cookieconsent's files at /bench/cc/."""
    from banner import create_app
    from banner.demo import bp as demo
    from banner.extensions import db
    from banner.services.demo import seed_demo

    # Demo mode: the demo sites trust the app's own origin, where the bench pages are.
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
                      "RATELIMIT_ENABLED": False, "BANNER_DEMO": True})
    with app.app_context():
        db.create_all()
        seed_demo()
    # The demo store's own policy: the same page rules for every variant.
    app.add_url_rule("/bench/<name>", "bench_page", lambda name: Response(
        pages[name], headers={"Content-Security-Policy": demo.content_security_policy}))
    app.add_url_rule("/bench/cc/<path:name>", "bench_cookieconsent",
                     lambda name: send_from_directory(COOKIECONSENT, name))
    inner = app.wsgi_app

    def record(environ, start_response):  # the paths the server answered, in order
        query = environ.get("QUERY_STRING")
        served.append(environ["PATH_INFO"] + (f"?{query}" if query else ""))
        return inner(environ, start_response)
    app.wsgi_app = record
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="rounds; medians taken")
    parser.add_argument("--lang", default="ar", help="data-lang of the install tag (ar, en)")
    parser.add_argument("--returning", type=int, default=3, help="returning-visitor runs")
    args = parser.parse_args()

    pages, served = {}, []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        server, base = serve_app(tmp, pages, served)
        sizes(base, args.lang)
        with urlopen(f"{base}/demo/{SITE}?lang={args.lang}") as response:
            store = response.read().decode()
        with urlopen(f"{base}/v1/sites/{SITE}/banner?lang={args.lang}") as response:
            banner = json.load(response)
        pages.update(variants(store, banner, SITE, args.lang))
        browser = launch(playwright)
        try:
            # Warm-up loads, which also give the baseline its banner: the snippet's own markup.
            fetched, shadow = first_visit(browser, base + "/bench/site", OURS)
            first_visit_sizes(fetched, LABELS["site"])
            first_visit_sizes(first_visit(browser, base + "/bench/static", OURS)[0],
                              LABELS["static"])
            pages["html"] = static_banner(store, shadow)
            for name in NAMES:
                time_to_banner(browser, f"{base}/bench/{name}")

            print(f"\nChromium {browser.version}, {SITE}, lang {args.lang}, {args.rounds} "
                  f"rounds, fresh context per load; ms from navigation start to a visible "
                  f"accept button")
            runs = {name: [] for name in NAMES}
            for round_ in range(args.rounds):
                shift = round_ % len(NAMES)  # each variant goes first as often as the others
                for name in NAMES[shift:] + NAMES[:shift]:
                    runs[name].append(time_to_banner(browser, f"{base}/bench/{name}"))
                print(f"  round {round_ + 1:<3}" + "".join(
                    f"  {name} {runs[name][-1]:6.1f}" for name in NAMES), flush=True)

            returning = {name: [returning_visit(browser, f"{base}/bench/{name}", OURS, served)
                                for _ in range(args.returning)] for name in ("site", "static")}
        finally:
            browser.close()
            server.shutdown()

    medians = {name: median(runs[name]) for name in NAMES}
    print()
    for name in NAMES:
        print(f"{LABELS[name]:<28} median {medians[name]:7.1f} ms")
    site, cc, html = medians["site"], medians["cookieconsent"], medians["html"]
    print(f"a/c = {site / cc:.2f} x (target <= 0.8)   a/d = {site / html:.2f} x (target <= 2)"
          f"   b/c = {medians['static'] / cc:.2f} x   (ratios of the medians)")
    # The loads of one round are seconds apart, so their ratios drift less with the load
    # of the machine than medians taken over the whole run.
    per_round = {pair: median([runs[a][i] / runs[b][i] for i in range(args.rounds)])
                 for pair, (a, b) in {"a/c": ("site", "cookieconsent"), "a/d": ("site", "html"),
                                      "b/c": ("static", "cookieconsent")}.items()}
    print("   ".join(f"{pair} = {ratio:.2f} x" for pair, ratio in per_round.items())
          + "   (medians of the per-round ratios)")
    print("\nreturning visitor (accepted before; same profile): requests to our backend "
          "before the first gated tag starts")
    for name, visits in returning.items():
        script = f"/v1/sites/{SITE}/snippet.js" if name == "site" else "/static/snippet.js"
        others = [[path for path in visit["asked"] if not path.startswith(script)]
                  for visit in visits]
        print(f"{LABELS[name]}: {max(map(len, others))} besides the script (target 0) "
              f"{others[0]}; reached the server: {visits[0]['reached']}; first gated tag at "
              f"{median([visit['tracker_at'] for visit in visits]):.1f} ms (median of "
              f"{len(visits)})")


if __name__ == "__main__":
    main()
