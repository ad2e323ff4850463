"""Whether a banner's accent colour keeps its buttons readable and visible (WCAG 2.2)."""
import re

from .markup import luminance, ink_on

# The banner's background in each theme (--b in templates/banner/banner.css).
BACKGROUNDS = {"light": "#ffffff", "dark": "#1d1d21"}
TEXT_CONTRAST = 4.5  # 1.4.3: the button's text on the accent colour
EDGE_CONTRAST = 3.0  # 1.4.11: the button's shape against the banner behind it
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def _full(colour: str) -> str:
    """#rgb -> #rrggbb (ink_on answers in the short form)."""
    return "#" + "".join(c * 2 for c in colour[1:]) if len(colour) == 4 else colour


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two #rrggbb colours, from 1 to 21."""
    light, dark = sorted((luminance(_full(first)), luminance(_full(second))), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def accent_problems(accent: str, theme: str) -> list[str]:
    """'text' when the button text would be hard to read on the accent colour, 'edge'
    when the buttons would barely stand out from the banner; nothing for a colour that
    is not #rrggbb (the document's validation says so)."""
    if not isinstance(accent, str) or not COLOUR.fullmatch(accent):
        return []
    problems = []
    if contrast(accent, ink_on(accent)) < TEXT_CONTRAST:
        problems.append("text")
    if contrast(accent, BACKGROUNDS.get(theme, BACKGROUNDS["light"])) < EDGE_CONTRAST:
        problems.append("edge")
    return problems
