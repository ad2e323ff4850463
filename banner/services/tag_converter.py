"""Turns a vendor's standard tag into the gated markup the snippet holds back (README,
"Gate each tag"). The markup is only parsed (html.parser), never run; the result is text
for the merchant to paste into the theme."""
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

from ..errors import Invalid
from .tag_vendors import Vendor, host_of, is_gtm_container, is_our_tag, known_hosts, vendors_in

MAX_MARKUP = 5_000  # characters: base codes are 0.5-2 KB; fits the 16 KB request cap
GATED_CATEGORIES = ("functional", "analytics", "advertising")  # necessary is never held back
STRICTEST_FIRST = ("advertising", "analytics", "functional")
JS_TYPES = frozenset({"", "text/javascript", "application/javascript", "text/ecmascript",
                      "application/ecmascript", "application/x-javascript", "module"})
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                  "param", "source", "track", "wbr"})


@dataclass(frozen=True)
class Gated:
    """One element the conversion changed."""

    kind: str  # script (external), inline, iframe or img
    category: str | None
    vendors: tuple[str, ...]  # names of the vendors recognised in it
    source: str  # vendor (recognised), previous (config of the script before), chosen, unknown
    host: str | None = None


@dataclass
class Conversion:
    markup: str
    gated: list[Gated] = field(default_factory=list)
    noscript_removed: int = 0
    notes: list[str] = field(default_factory=list)  # already_gated, our_tag, gtm, mixed

    @property
    def unknown(self) -> bool:
        """Some element's vendor was not recognised and no category was chosen."""
        return any(item.category is None for item in self.gated)


def start_tag(name: str, attrs: list[tuple[str, str | None]]) -> str:
    """A start tag rebuilt from parsed attributes, every value escaped."""
    parts = [name] + [key if value is None else f'{key}="{escape(value, quote=True)}"'
                      for key, value in attrs]
    return "<" + " ".join(parts) + ">"


def _absolute(url: str) -> str:
    """The snippet activates only http(s) URLs: a protocol-relative one becomes https."""
    url = url.strip()
    return "https:" + url if url.startswith("//") else url


class _Converter(HTMLParser):
    def __init__(self, hosts: dict[str, Vendor], chosen: str | None):
        super().__init__(convert_charrefs=True)
        self.hosts, self.chosen = hosts, chosen
        self.out: list[str] = []
        self.result = Conversion("")
        self.noscript = 0
        self.script: list | None = None  # [attrs, code parts] while inside <script>
        self.last_script_category: str | None = None

    # --- the element kinds ---
    def _category(self, vendors: list[Vendor], inherit: bool) -> tuple[str | None, str]:
        if self.chosen:
            return self.chosen, "chosen"
        categories = {vendor.category for vendor in vendors}
        if len(categories) > 1:
            self.result.notes.append("mixed")
        for category in STRICTEST_FIRST:
            if category in categories:
                return category, "vendor"
        if inherit and self.last_script_category:
            return self.last_script_category, "previous"
        return None, "unknown"

    def _script(self, attrs: list, code: str) -> str:
        found = dict(attrs)
        kind = (found.get("type") or "").strip().lower()
        src = found.get("src")
        unchanged = start_tag("script", attrs) + code + "</script>"
        if kind == "text/plain" and "data-consent" in found:
            self.result.notes.append("already_gated")
            return unchanged
        if kind not in JS_TYPES:
            return unchanged  # data (JSON-LD) or a template: nothing runs
        if is_our_tag(found):
            self.result.notes.append("our_tag")
            return unchanged
        if is_gtm_container(src, code):
            self.result.notes.append("gtm")
            return unchanged
        vendors = vendors_in(self.hosts, src, code)
        category, source = self._category(vendors, inherit=not src)
        self.last_script_category = category
        self.result.gated.append(Gated("script" if src else "inline", category,
                                       tuple(v.name for v in vendors), source, host_of(src)))
        rest = [(key, value) for key, value in attrs if key not in ("type", "src")]
        head = [("type", "text/plain"), ("data-consent", category or "")]
        if kind == "module":
            head.append(("data-type", "module"))
        if src:
            head.append(("data-src", _absolute(src)))
        return start_tag("script", head + rest) + code + "</script>"

    def _embed(self, tag: str, attrs: list) -> str:
        found = dict(attrs)
        src = found.get("src")
        if not src or "data-consent" in found:
            return start_tag(tag, attrs)
        vendors = vendors_in(self.hosts, src)
        category, source = self._category(vendors, inherit=False)
        self.result.gated.append(Gated(tag, category, tuple(v.name for v in vendors), source,
                                       host_of(src)))
        changed = []
        for key, value in attrs:
            if key == "src":
                changed += [("data-consent", category or ""), ("data-src", _absolute(value))]
            elif key != "srcset":  # would load before consent
                changed.append((key, value))
        return start_tag(tag, changed)

    # --- html.parser callbacks ---
    def handle_starttag(self, tag, attrs):
        if tag == "noscript":
            if not self.noscript:
                self.result.noscript_removed += 1
                if self.out and not self.out[-1].strip():
                    self.out.pop()  # the line the removed part stood on
            self.noscript += 1
        elif self.noscript:
            return
        elif tag == "script":
            self.script = [attrs, []]
        elif tag in ("iframe", "img"):
            self.out.append(self._embed(tag, attrs))
        else:
            self.out.append(start_tag(tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag == "noscript":
            self.noscript = max(0, self.noscript - 1)
        elif self.noscript:
            return
        elif tag == "script" and self.script is not None:
            attrs, code = self.script
            self.script = None
            self.out.append(self._script(attrs, "".join(code)))
        elif tag not in VOID:
            self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if self.noscript:
            return
        if self.script is not None:
            self.script[1].append(data)  # the code stays exactly as the vendor wrote it
        else:
            self.out.append(data if self.cdata_elem else escape(data, quote=False))

    def handle_comment(self, data):
        if not self.noscript:
            self.out.append(f"<!--{data.replace('--', '- -')}-->")


def convert(markup: str, category: str | None = None, vendors: list[dict] = ()) -> Conversion:
    """The gated form of pasted markup. category, when given, is used for every element;
    otherwise it is suggested from the hosts of the catalogue and the site's vendors."""
    if not isinstance(markup, str) or not markup.strip():
        raise Invalid("Paste a tag.", {"markup": ["Missing."]})
    if len(markup) > MAX_MARKUP:
        raise Invalid("The markup is too long.",
                      {"markup": [f"At most {MAX_MARKUP} characters."]})
    if category is not None and category not in GATED_CATEGORIES:
        raise Invalid("Unknown category.", {"category": [f"One of {GATED_CATEGORIES}."]})
    parser = _Converter(known_hosts(vendors), category)
    parser.feed(markup)
    parser.close()
    if parser.script is not None:  # an unclosed <script>: its code runs to the end
        parser.script[1].append(parser.rawdata)
        parser.handle_endtag("script")
    result = parser.result
    result.markup = "".join(parser.out).strip()
    result.notes = list(dict.fromkeys(result.notes))
    return result
