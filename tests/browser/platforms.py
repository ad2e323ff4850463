"""The platforms' own storefront code in the test pages: Salla's SDK and cookie bar, and
Hydrogen's customer privacy code, as published on the npm registry and fetched by
`make platform-sdks` into tests/.platforms/ (versions pinned in platform_sdks.txt).

Nothing of theirs is copied into the project: the pages load their files as published
through Playwright routes, or run their functions as the package has them. Stand-ins are
only what no npm package holds (Salla's translations file and Shopify's Customer Privacy
API script, both on the platforms' CDNs) and React's hooks under Hydrogen's code.
"""
import json
import re
from pathlib import Path

from tests.browser.dashboard import OUTPUT

ROOT = Path(__file__).resolve().parent.parent / ".platforms"
SPECS = [line.strip() for line in (Path(__file__).parent / "platform_sdks.txt").read_text()
         .splitlines() if line.strip() and not line.startswith("#")]
# Where the pages load the packages from: the test route answers with the fetched files.
NPM_CDN = "https://cdn.salla.network/npm/"


def package(name: str) -> Path:
    """The fetched folder of an npm package of platform_sdks.txt."""
    spec = next(s for s in SPECS if s.rsplit("@", 1)[0] == name)
    folder = ROOT / spec
    assert (folder / "package.json").is_file(), f"{spec} is missing: run `make platform-sdks`"
    return folder


def package_url(name: str, path: str) -> str:
    package(name)
    return NPM_CDN + next(s for s in SPECS if s.rsplit("@", 1)[0] == name) + "/" + path


def serve_packages(context) -> None:
    """Answers NPM_CDN URLs with the fetched packages' files (registered after the
    context's catch-all route, so it is asked first)."""
    def route(route):
        relative = route.request.url[len(NPM_CDN):].split("?")[0]
        file = (ROOT / relative).resolve()
        if ROOT.resolve() not in file.parents or not file.is_file():
            return route.fulfill(status=404, body="not found")
        types = {".js": "text/javascript", ".css": "text/css", ".json": "application/json"}
        return route.fulfill(status=200, body=file.read_bytes(),
                             content_type=types.get(file.suffix, "application/octet-stream"))
    context.route(NPM_CDN + "**", route)


# --- Salla ---

TWILIGHT = ("@salla.sa/twilight", "dist/@salla.sa/twilight.min.js")
COMPONENTS = ("@salla.sa/twilight-components", "dist/twilight/twilight.esm.js")
# The SDK falls back to this file when the store has no translations of its own.
TRANSLATIONS = "https://cdn.salla.network/js/translations.js"


def serve_salla(context) -> None:
    serve_packages(context)
    context.route(TRANSLATIONS, lambda route: route.fulfill(
        status=200, content_type="text/javascript",
        body='window.translations = {"ar.trans": {}, "en.trans": {}};'))


def salla_store_page(store_page, *, components: bool = True, lang: str = "en",
                     path: str = "/") -> str:
    """A Salla storefront with its cookie feature on: our install tag first, then the
    Twilight SDK, the web components (unless `components` is false) and Salla.init as a
    theme calls it. The SDK mounts <salla-cookies-bar> in the body:end hook; its analytics
    posts to the store's /_app/e. The components' bundle carries its own copy of the SDK,
    which takes over window.Salla when it loads."""
    head = f'<script src="{package_url(*TWILIGHT)}"></script>'
    if components:
        head += f'<script type="module" src="{package_url(*COMPONENTS)}"></script>'
    config = {
        "store": {"id": 1, "url": "http://shop.localhost", "api": "http://shop.localhost/api/",
                  "features": ["website-cookies"]},
        "theme": {"is_rtl": lang == "ar"}, "user": {"type": "guest", "language_code": lang},
        # Salla's analytics (Jitsu) starts only with a host and a key.
        "jitsu": {"host": "http://shop.localhost", "key": "test:key"},
    }
    # A module: it runs after the components' module, whose bundle carries the SDK too.
    body = ('<p>Subscriptions</p><salla-hook name="body:end"></salla-hook>'
            f'<script type="module">salla.init({json.dumps(config)});</script>')
    return store_page(body=body, head=head, lang=lang, path=path)


def wait_salla_ready(page) -> None:
    page.wait_for_function("() => window.salla && salla.status === 'ready'")


def wait_salla_bar(page) -> None:
    """Waits until Salla's cookie bar has loaded: it has read its cookies and swept."""
    page.wait_for_function(
        "() => { const bar = document.querySelector('salla-cookies-bar');"
        " return !!bar && bar.classList.contains('hydrated'); }")


# --- Shopify ---

HYDROGEN, HYDROGEN_REACT = "@shopify/hydrogen", "@shopify/hydrogen-react"
API_STAND_IN = """(() => {
  // Shopify's Customer Privacy API (cdn.shopify.com, not on npm): completes the object the
  // storefront made, records what it is given, and announces itself as Hydrogen expects.
  const privacy = (window.Shopify = window.Shopify || {}).customerPrivacy =
    window.Shopify.customerPrivacy || {};
  privacy.consentStatus = 'loaded';
  privacy.setTrackingConsent = (consent, done) => {
    (window.__shopifyConsent = window.__shopifyConsent || []).push(consent);
    if (done) done({});
  };
  privacy.currentVisitorConsent = () => ({});
  privacy.shouldShowBanner = () => false;
  document.dispatchEvent(new CustomEvent('consentTrackingApiLoaded'));
})();"""
# React's hooks reduced to one render whose effects run at once; React Router's revalidation
# does nothing (no loader data here).
REACT = """
  const useRef = value => ({current: value});
  const useState = init => [typeof init === 'function' ? init() : init, () => {}];
  const useMemo = make => make();
  const useEffect = effect => { effect(); };
  const useRevalidator = () => ({revalidate: () => Promise.resolve()});
"""


def _between(name: str, path: str, start: str, end: str) -> str:
    """The text of a published file from one marker up to another (both must be there)."""
    source = (package(name) / path).read_text()
    first = source.index(start)
    return source[first:source.index(end, first)]


def hydrogen_customer_privacy() -> tuple[str, str]:
    """(CONSENT_API URL, JS defining window.usePrivacy) from the published builds:
    Hydrogen's useCustomerPrivacy with the functions it calls, and the loadScript and
    getTrackingValues it imports from hydrogen-react, unchanged. Only React's hooks are
    stand-ins. `usePrivacy(props)` then does on the page what Hydrogen does on a
    storefront: leaves Shopify.customerPrivacy as an object without setTrackingConsent,
    loads the API, wraps setTrackingConsent with the storefront's settings once it is
    there and dispatches shopifyCustomerPrivacyApiLoaded."""
    hydrogen = _between(HYDROGEN, "dist/development/index.js", "var CONSENT_API = ",
                        "// package.json")
    load_script = _between(HYDROGEN_REACT, "dist/browser-dev/load-script.mjs",
                           "var SCRIPTS_LOADED", "/**")
    tracking = _between(HYDROGEN_REACT, "dist/browser-dev/tracking-utils.mjs", "//#region",
                        "//#endregion")
    url = re.search(r'var CONSENT_API = "([^"]+)"', hydrogen).group(1)
    return url, (f"window.usePrivacy = (() => {{ {REACT}\n{load_script}\n{tracking}\n"
                 f"{hydrogen}\nreturn useCustomerPrivacy; }})();")


def screenshot(page, name: str, lang: str, device: str) -> Path:
    """A full-page screenshot in the tests' output folder, to look at."""
    OUTPUT.mkdir(exist_ok=True)
    path = OUTPUT / f"platform-{name}-{lang}-{device}.png"
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    return path
