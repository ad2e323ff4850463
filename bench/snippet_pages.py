"""The pages `snippet_size.py` loads: the demo store page as the app serves it, with its
install tag swapped for each variant; its trackers (gated markup) stay the same.

- `site`: the per-site script tag, the snippet and the banners in one response;
- `static`: the static snippet tag, which then asks for the banner (two requests);
- `cookieconsent`: vanilla-cookieconsent 3.1.0 (npm, installed by `make snippet` into
  node_modules/), configured inline with the same categories and texts
  (banner/demo/vanilla.py), gating the same tags by its own attribute (`data-category`),
  loaded from the same server;
- `html`: the same banner as static HTML (a declarative shadow root copied from a real
  run of ours): no script, no request; the floor.
"""
import json
import re

from harness import ROOT

from banner.demo.vanilla import vanilla_config

COOKIECONSENT = ROOT / "node_modules" / "vanilla-cookieconsent"
COOKIECONSENT_FILES = ("dist/cookieconsent.umd.js", "dist/cookieconsent.css")
INSTALL_TAG = re.compile(r'<script src="[^"]*snippet\.js"[^>]*></script>')
BODY = re.compile(r"<body[^>]*>")


def cookieconsent_version() -> str:
    return json.loads((COOKIECONSENT / "package.json").read_text())["version"]


def _swap_tag(page: str, replacement: str) -> str:
    swapped, count = INSTALL_TAG.subn(replacement, page, count=1)
    if count != 1:
        raise RuntimeError("the demo page has no install tag to swap")
    return swapped


def _after_body(page: str, markup: str) -> str:
    return BODY.sub(lambda match: match.group() + markup, page, count=1)


def our_tag(src: str, site: str, lang: str) -> str:
    return f'<script src="{src}" data-site="{site}" data-lang="{lang}"></script>'


def variants(store_page: str, banner: dict, site: str, lang: str) -> dict[str, str]:
    """name -> page HTML, all but `html` (which needs a rendered banner: static_banner)."""
    config = json.dumps(vanilla_config(banner), ensure_ascii=False)
    cookieconsent = _swap_tag(
        store_page, '<link rel="stylesheet" href="/bench/cc/dist/cookieconsent.css">'
        '<script src="/bench/cc/dist/cookieconsent.umd.js"></script>')
    # Run as early as it can: it needs <body>; the same tags, under its own attribute.
    cookieconsent = _after_body(cookieconsent.replace(' data-consent="', ' data-category="'),
                                f"<script>CookieConsent.run({config});</script>")
    return {
        "site": _swap_tag(store_page, our_tag(f"/v1/sites/{site}/snippet.js", site, lang)),
        "static": _swap_tag(store_page, our_tag("/static/snippet.js", site, lang)),
        "cookieconsent": cookieconsent,
    }


def static_banner(store_page: str, shadow_html: str) -> str:
    """The store page with our banner as static HTML where the snippet puts it."""
    host = (f'<div id="consent-banner"><template shadowrootmode="open">{shadow_html}'
            '</template></div>')
    return _after_body(_swap_tag(store_page, ""), host)


# Our banner's shadow root as HTML: its markup and its style sheets, constructed ones
# (adoptedStyleSheets, used under a strict CSP) written out as <style>.
SHADOW_HTML = """() => {
  const root = document.getElementById('consent-banner').shadowRoot;
  const sheets = [...root.adoptedStyleSheets].map(
    sheet => '<style>' + [...sheet.cssRules].map(rule => rule.cssText).join('\\n') + '</style>');
  return sheets.join('') + root.innerHTML;
}"""
