"""Colours of the banner: the text on its accent colour, and whether that colour keeps its
buttons readable and visible (WCAG 2.2) in the theme chosen."""
import re

# The banner's background in each theme (--b in templates/banner/banner.css); "auto" is
# drawn in either, as the device prefers.
BACKGROUNDS = {"light": "#ffffff", "dark": "#1d1d21"}
TEXT_CONTRAST = 4.5  # 1.4.3: the button's text on the accent colour
EDGE_CONTRAST = 3.0  # 1.4.11: the button's shape against the banner behind it
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


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


def _full(colour: str) -> str:
    """#rgb -> #rrggbb (ink_on answers in the short form)."""
    return "#" + "".join(c * 2 for c in colour[1:]) if len(colour) == 4 else colour


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two #rrggbb colours, from 1 to 21."""
    light, dark = sorted((luminance(_full(first)), luminance(_full(second))), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def accent_problems(accent: str, theme: str) -> list[str]:
    """'text' when the button text would be hard to read on the accent colour, 'edge'
    when the buttons would barely stand out from the banner (in either background when
    the theme follows the device); nothing for a colour that is not #rrggbb (the
    document's validation says so)."""
    if not isinstance(accent, str) or not COLOUR.fullmatch(accent):
        return []
    problems = []
    if contrast(accent, ink_on(accent)) < TEXT_CONTRAST:
        problems.append("text")
    backgrounds = BACKGROUNDS.values() if theme == "auto" else [
        BACKGROUNDS.get(theme, BACKGROUNDS["light"])]
    if any(contrast(accent, background) < EDGE_CONTRAST for background in backgrounds):
        problems.append("edge")
    return problems
