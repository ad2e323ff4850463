"""The banner's look: its shadow-root markup and CSS, rendered on the server.

Rendered once per published version and language and shipped inside the cacheable
banner response, so the storefront snippet carries behaviour only and stays small,
and merchant texts are escaped by Jinja rather than by string building in the browser.
"""
import re
from functools import lru_cache
from importlib.resources import files

from markupsafe import Markup
from jinja2 import Environment, PackageLoader, select_autoescape

_env = Environment(loader=PackageLoader("banner", "templates"),
                   autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)


@lru_cache(maxsize=1)
def _css() -> Markup:
    text = files("banner").joinpath("templates/banner/banner.css").read_text(encoding="utf-8")
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)  # comments are for us, not visitors
    # Our own file, not merchant input: safe to put in <style> unescaped.
    return Markup("".join(line.strip() for line in text.splitlines()))


def luminance(hex_colour: str) -> float:
    """WCAG relative luminance of #rrggbb."""
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def ink_on(hex_colour: str) -> str:
    """Black or white, whichever contrasts more with the accent colour."""
    # Contrast with black beats contrast with white above this luminance.
    return "#000" if luminance(hex_colour) > 0.179 else "#fff"


def _contact_links(contact: dict) -> list[tuple[str, str]]:
    links = []
    if contact.get("email"):
        links.append((f"mailto:{contact['email']}", contact["email"]))
    if contact.get("phone"):
        links.append(("tel:" + re.sub(r"[^+\d]", "", contact["phone"]), contact["phone"]))
    if contact.get("whatsapp"):
        links.append(("https://wa.me/" + re.sub(r"\D", "", contact["whatsapp"]),
                      f"WhatsApp {contact['whatsapp']}"))
    return links


def render_markup(banner: dict) -> str:
    """The shadow-root HTML of a localised banner (see services/banners.localise)."""
    return _env.get_template("banner/markup.html").render(
        **banner, css=_css(), ink=ink_on(banner["appearance"]["accent_color"]),
        labels={c["key"]: c["label"] for c in banner["categories"]},
        contact_links=_contact_links(banner["contact"]))
