"""The snippet's size budget, measured on what is served (the minified build of
static/snippet.js, `make snippet`, with the vendor catalogue filled in), its source map,
and the static parts of its contract (DESIGN.md section 5), checked on the readable source.

`make bench-snippet` prints the same sizes with brotli and the time-to-banner.
"""
import gzip
import json
import re
import shutil
from pathlib import Path

import pytest

from banner.snippet import MAP_URL, MARKER, PRELOADED, catalogue_json, readable_build
from banner.snippet_build import BUILD, MARKER_NAMES, marker, with_placeholders, wrapper

SNIPPET = Path(__file__).resolve().parent.parent / "static" / "snippet.js"
BUDGET = 6144  # bytes after gzip -9, of what is served

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<string>'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`)
  | (?P<word>[\w$]+)
  | (?P<punct>.)
""", re.S | re.X)
_REGEX = re.compile(r"/(?:\\.|\[(?:\\.|[^\]\\\n])*\]|[^/\\\n\[])+/[a-z]*")
# After these a "/" starts a regular expression literal, not a division.
_BEFORE_REGEX = {"return", "typeof", "case", "do", "else", "in", "of", "void", "delete", "new"}
_BASE64 = {char: value for value, char in enumerate(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}


def tokens(source: str) -> list[tuple[str, str]]:
    """(kind, text) of the JavaScript source without spaces and comments; literals whole."""
    found, pos = [], 0
    while pos < len(source):
        previous = found[-1] if found else ("punct", "(")
        divides = previous[0] in ("word", "string", "regex") and previous[1] not in _BEFORE_REGEX \
            or previous[1] in (")", "]", "}")
        regex = None if divides or source.startswith(("//", "/*"), pos) \
            else _REGEX.match(source, pos)
        if regex:
            found.append(("regex", regex.group()))
            pos = regex.end()
            continue
        match = _TOKEN.match(source, pos)
        if match.lastgroup not in ("space", "comment"):
            found.append((match.lastgroup, match.group()))
        pos = match.end()
    return found


def mappings(source_map: dict) -> list[list[tuple[int, int, int]]]:
    """Per generated line, its (generated column, source line, source column) segments
    (source map v3: base64 VLQ, each field relative to the one before)."""
    lines, source_line, source_column = [], 0, 0
    for line in source_map["mappings"].split(";"):
        segments, column = [], 0
        for segment in filter(None, line.split(",")):
            fields, value, shift = [], 0, 0
            for char in segment:
                digit = _BASE64[char]
                value += (digit & 31) << shift
                shift += 5
                if not digit & 32:
                    fields.append(-(value >> 1) if value & 1 else value >> 1)
                    value, shift = 0, 0
            column += fields[0]
            if len(fields) >= 4:
                source_line += fields[2]
                source_column += fields[3]
                segments.append((column, source_line, source_column))
        lines.append(segments)
    return lines


@pytest.fixture
def served(client) -> bytes:
    response = client.get("/static/snippet.js", buffered=True)
    assert response.status_code == 200
    return response.data


@pytest.fixture
def source_code() -> list[tuple[str, str]]:
    return tokens(SNIPPET.read_text(encoding="utf-8"))


def test_served_snippet_is_the_minified_build_of_the_current_source(client, served):
    built = BUILD.read_text(encoding="utf-8") if BUILD.exists() else ""
    source_map = json.loads(Path(f"{BUILD}.map").read_text()) if built else {}
    assert source_map.get("sourcesContent") == [SNIPPET.read_text(encoding="utf-8")], \
        "static/build/snippet.min.js is missing or out of date: run `make snippet`"
    assert served.decode() == built.replace(MARKER, catalogue_json()).replace(PRELOADED, "{}")
    assert len(served) < SNIPPET.stat().st_size * 0.8, "the build is not minified"


def test_snippet_gzips_within_budget(served):
    size = len(gzip.compress(served, compresslevel=9))
    assert size <= BUDGET, f"the served snippet is {size} B with gzip -9, {size - BUDGET} B over"


def test_each_marker_survives_the_build_exactly_once_and_is_filled_when_served(served):
    built = BUILD.read_text(encoding="utf-8")
    head, tail = wrapper()
    assert built.startswith(head + "\n") and built.endswith("\n" + tail + "\n")
    for name in MARKER_NAMES:
        assert built.count(marker(name)) == 1 and tail.count(marker(name)) == 1
    text = served.decode()
    assert "/*catalogue*/" not in text and "/*preloaded*/" not in text
    assert text.count(catalogue_json()) == 1
    assert text.endswith(f"}})({catalogue_json()},{{}});\n")


def test_placeholders_keep_every_column_of_the_source():
    source = SNIPPET.read_text(encoding="utf-8")
    assert source.count(MARKER) == 1 and source.count(PRELOADED) == 1
    replaced = with_placeholders(source)
    assert [len(line) for line in replaced.split("\n")] == \
        [len(line) for line in source.split("\n")]
    assert "__catalogue__" in replaced and "__preloaded__" in replaced
    assert "/*catalogue*/" not in replaced and "/*preloaded*/" not in replaced


def test_source_map_points_into_the_readable_source(served):
    source_map = json.loads(Path(f"{BUILD}.map").read_text())
    source_lines = source_map["sourcesContent"][0].split("\n")
    generated = served.decode().split("\n")
    lines = mappings(source_map)
    # A string the source holds once: the segment before it in the minified line must
    # come from the source line that holds it.
    for needle in ("consentbanner:change", "use strict"):
        row = next(i for i, line in enumerate(generated) if f'"{needle}"' in line)
        column = generated[row].index(f'"{needle}"')
        _, line, _ = max(segment for segment in lines[row] if segment[0] <= column)
        assert needle in source_lines[line], (needle, source_lines[line])


def test_source_map_is_served_with_the_snippet(client):
    snippet = client.get("/static/snippet.js")
    assert snippet.headers["SourceMap"] == MAP_URL
    source_map = client.get(MAP_URL)
    assert source_map.status_code == 200 and source_map.mimetype == "application/json"
    assert source_map.json["sources"] == ["snippet.js"]
    assert source_map.headers["Access-Control-Allow-Origin"] == "*"
    assert source_map.cache_control.public


@pytest.fixture
def unbuilt(make_app, tmp_path):
    """An app whose build is missing."""
    return make_app(SNIPPET_BUILD_PATH=str(tmp_path / "missing.min.js"))


def test_without_a_build_the_readable_source_is_served_and_a_warning_logged(unbuilt, caplog):
    with unbuilt.app_context():
        client = unbuilt.test_client()
        first = client.get("/static/snippet.js", buffered=True)
        second = client.get("/static/snippet.js", buffered=True)
        source = SNIPPET.read_text(encoding="utf-8")
        assert first.data == second.data
        assert tokens(first.data.decode()) == \
            tokens(source.replace(MARKER, catalogue_json()).replace(PRELOADED, "{}"))
        # Dropping comment lines keeps the line numbers of the readable file.
        assert first.data.count(b"\n") == source.count("\n")
        assert "SourceMap" not in first.headers
        assert client.get(MAP_URL).status_code == 404
    warnings = [r for r in caplog.records if "make snippet" in r.getMessage()]
    assert len(warnings) == 1 and warnings[0].levelname == "WARNING"


def test_a_build_of_another_source_is_not_served(make_app, tmp_path):
    stale = tmp_path / "snippet.min.js"
    shutil.copy(BUILD, stale)
    source_map = json.loads(Path(f"{BUILD}.map").read_text())
    source_map["sourcesContent"] = ["(() => { 'use strict'; })();"]
    Path(f"{stale}.map").write_text(json.dumps(source_map))
    app = make_app(SNIPPET_BUILD_PATH=str(stale))
    with app.app_context():
        served = app.test_client().get("/static/snippet.js", buffered=True).data.decode()
    assert served == readable_build(SNIPPET.read_text(encoding="utf-8")) \
        .replace(MARKER, catalogue_json()).replace(PRELOADED, "{}")


def test_snippet_is_one_strict_iife(source_code):
    texts = [text for _, text in source_code]
    heads = (["(", "function", "(", ")", "{"], ["(", "(", ")", "=", ">", "{"])
    head = next((len(h) for h in heads if texts[:len(h)] == h), None)
    assert head, "must start with (function () { or (() => {"
    assert texts[head] in ("'use strict'", '"use strict"'), "'use strict' must come first"
    depth = 0
    for end, text in enumerate(texts[head - 1:], start=head - 1):
        depth += {"{": 1, "}": -1}.get(text, 0)
        if depth == 0:
            break
    assert texts[end + 1:] in ([")", "(", ")", ";"], [")", "(", ")"]), \
        "the function must close with })(); and nothing may follow it"


def test_snippet_has_no_eval_and_no_dependencies(source_code):
    words = " ".join(text for kind, text in source_code if kind in ("word", "punct"))
    for forbidden in (r"\beval \(", r"\bnew Function\b", r"\bFunction \(", r"\bimport\b",
                      r"\brequire \(", r"\bexport\b"):
        assert not re.search(forbidden, words), forbidden


def test_tokens_keep_literals_whole():
    assert tokens("a = /[}'\"]/g; // }\nb = '}' / 2 /* { */") == [
        ("word", "a"), ("punct", "="), ("regex", "/[}'\"]/g"), ("punct", ";"), ("word", "b"),
        ("punct", "="), ("string", "'}'"), ("punct", "/"), ("word", "2")]


def test_snippet_is_served_cacheable_revalidatable_and_cross_origin(client):
    response = client.get("/static/snippet.js", buffered=True)
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.cache_control.public and response.cache_control.max_age >= 3600
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    etag = response.headers["ETag"]
    again = client.get("/static/snippet.js", headers={"If-None-Match": etag}, buffered=True)
    assert again.status_code == 304
    assert again.headers["Access-Control-Allow-Origin"] == "*"


def test_source_lines_fit_the_project_limit():
    """The readable source stays readable: no line beyond 100 characters (STYLE.md)."""
    long = [number for number, line in
            enumerate(SNIPPET.read_text(encoding="utf-8").split("\n"), start=1)
            if len(line) > 100]
    assert long == [], f"static/snippet.js lines over 100 characters: {long}"
