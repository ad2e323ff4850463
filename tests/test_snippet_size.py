"""The snippet's size budget and the static parts of its contract (DESIGN.md section 5),
checked on what is served: static/snippet.js with the vendor catalogue filled in.

`make bench-snippet` prints the same sizes with brotli and the time-to-banner.
"""
import gzip
import re
from pathlib import Path

import pytest

from banner.snippet import MARKER, catalogue_json

SNIPPET = Path(__file__).resolve().parent.parent / "static" / "snippet.js"
BUDGET = 6144  # bytes after gzip -9

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


@pytest.fixture
def served(client) -> bytes:
    response = client.get("/static/snippet.js", buffered=True)
    assert response.status_code == 200
    return response.data


@pytest.fixture
def code(served) -> list[tuple[str, str]]:
    return tokens(served.decode())


def test_snippet_gzips_within_budget(served):
    size = len(gzip.compress(served, compresslevel=9))
    assert size <= BUDGET, f"the served snippet is {size} B with gzip -9, {size - BUDGET} B over"


def test_served_snippet_is_the_source_with_the_catalogue_in_place(code):
    # Dropping comment lines and indentation must not change a single token.
    source = SNIPPET.read_text(encoding="utf-8")
    assert code == tokens(source.replace(MARKER, catalogue_json()))


def test_served_snippet_keeps_the_source_line_numbers(served):
    assert served.count(b"\n") == SNIPPET.read_bytes().count(b"\n")


def test_snippet_is_one_strict_iife(code):
    texts = [text for _, text in code]
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


def test_snippet_has_no_eval_and_no_dependencies(code):
    words = " ".join(text for kind, text in code if kind in ("word", "punct"))
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
