"""The banner's look: its shadow-root markup and its style sheet, rendered on the server.

Rendered once per published version and language and shipped inside the cacheable
banner response, so the storefront snippet carries behaviour only and stays small,
and merchant texts are escaped by Jinja rather than by string building in the browser.
The style sheet travels apart from the markup (`styles`): the snippet adopts it as a
constructed style sheet, which a strict storefront CSP (`style-src 'self'`) allows where
it would block a <style> element or a style attribute.
"""
import re
from functools import lru_cache

from jinja2 import Environment, PackageLoader, select_autoescape

from .appearance import ink_on

_env = Environment(loader=PackageLoader("banner", "templates"),
                   autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)


def _minified(css: str) -> str:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)  # comments are for us, not visitors
    return "".join(line.strip() for line in css.splitlines())


@lru_cache(maxsize=256)
def _styles(appearance: tuple) -> str:
    values = dict(appearance)
    return _minified(_env.get_template("banner/banner.css").render(
        appearance=values, ink=ink_on(values["accent_color"])))


def render_styles(appearance: dict) -> str:
    """The banner's CSS for its validated appearance: only the rules of the options chosen.
    Every value put in it is checked by the document's schema (#rrggbb, an integer, one of
    a list), none is free text."""
    return _styles(tuple(sorted(appearance.items())))


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
    vendors = {}
    for vendor in banner["vendors"]:
        vendors.setdefault(vendor["category"], []).append(vendor)
    return _env.get_template("banner/markup.html").render(
        **banner, vendors_of=vendors, contact_links=_contact_links(banner["contact"]))
