"""Helpers of the banner's design tests: the demo stores at a given size, language and
colour scheme, what the banner looks like measured in the page, and screenshots in
tests/output/banner/."""
import re
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

from banner.services import appearance
from tests.browser.conftest import banner_button

OUTPUT = Path(__file__).resolve().parent.parent / "output" / "banner"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
# The demo stores and the theme each publishes (banner/services/demo.py).
DEMO_THEMES = {"demo-electronics": "light", "demo-subscriptions": "dark"}
INSTALL_TAG = re.compile(
    r'(<script src="[^"]*snippet\.js" data-site="[^"]+")( data-lang="[a-z]+")?')

# The first layer as a shopper sees it: its share of the screen, whether each control is
# inside it and on screen, whether its text scrolls, and on how many rows its buttons sit.
FIRST_LAYER = """() => {
  const bar = document.querySelector('#consent-banner').shadowRoot.querySelector('.bar');
  const r = bar.getBoundingClientRect(), text = bar.querySelector('.txt');
  const controls = [...bar.querySelectorAll('button, input, a')]
    .map(el => el.getBoundingClientRect());
  return {share: r.height / innerHeight, top: r.top, bottom: r.bottom, left: r.left, right: r.right,
          inside: controls.every(b => b.top >= r.top - 0.5 && b.bottom <= r.bottom + 0.5
                                      && b.bottom <= innerHeight && b.height > 0),
          scrolls: text.scrollHeight > text.clientHeight + 1,
          rows: new Set([...bar.querySelectorAll('button')]
                        .map(b => Math.round(b.getBoundingClientRect().top))).size};
}"""
# What a button looks like, for comparing one with another.
LOOK = """el => {
  const s = getComputedStyle(el), r = el.getBoundingClientRect();
  return {fontWeight: s.fontWeight, fontSize: s.fontSize, fontFamily: s.fontFamily,
          background: s.backgroundColor, backgroundImage: s.backgroundImage, color: s.color,
          borderStyle: s.borderStyle, borderWidth: s.borderWidth, borderColor: s.borderColor,
          textDecoration: s.textDecorationLine, radius: s.borderRadius,
          x: r.x, y: r.y, width: r.width, height: r.height};
}"""
# Resolves after two frames: anything the last change laid out has been painted.
TWO_FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def shadow(page, selector: str):
    """A locator inside the banner's shadow root (Playwright pierces open roots)."""
    return page.locator(f"#consent-banner {selector}")


def open_demo(page, live_server: str, site_key: str, lang: str, device: str,
              scheme: str = "light") -> None:
    """The demo store page with its banner in `lang` (the subscriptions store's page is
    Arabic only: its install tag is asked for the other language), first layer shown."""
    page.set_viewport_size(VIEWPORTS[device])
    page.emulate_media(color_scheme=scheme, reduced_motion="reduce")

    def in_language(route):
        response = route.fetch()
        html = INSTALL_TAG.sub(lambda m: f'{m[1]} data-lang="{lang}"', response.text(), count=1)
        route.fulfill(response=response, body=html)
    page.route(f"{live_server}/demo/{site_key}*", in_language)
    page.goto(f"{live_server}/demo/{site_key}?lang={lang}")
    banner_button(page, "accept-all").wait_for()


def open_preferences(page):
    banner_button(page, "customize").click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    return dialog


def screenshot(page, name: str) -> Path:
    """The viewport as the shopper sees it, in tests/output/banner/."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    path = OUTPUT / f"{name}.png"
    page.screenshot(path=str(path), animations="disabled")
    return path


def banner_axe_violations(page) -> str:
    """axe's report of the banner's violations (its host and shadow root); empty when none."""
    results = Axe().run(page, context="#consent-banner")
    return "" if results.violations_count == 0 else results.generate_report()


def hex_colour(css: str) -> str:
    """#rrggbb of a computed CSS colour (rgb(...) string)."""
    return "#" + "".join(f"{int(float(v)):02x}" for v in re.findall(r"[\d.]+", css)[:3])


def contrast(first: str, second: str) -> float:
    """WCAG contrast of two computed CSS colours, as the editor judges the accent colour."""
    return appearance.contrast(hex_colour(first), hex_colour(second))
