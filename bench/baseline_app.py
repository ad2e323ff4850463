"""Bare Flask baselines for bench/banner_get.py, serving the real banner body.

BASELINE_BODY_FILE names a file holding the bytes our app answered (the bench writes it),
so every endpoint here sends a body of exactly that length:

- /banner: a bare Flask JSON endpoint, the baseline the target is about: it returns the
  document as a dict and Flask serialises it per request (set up to produce the same
  bytes: no ASCII escapes, no key sorting, compact);
- /banner.bytes: the same bytes, serialised once at start: the floor of any Flask
  endpoint, printed for reference.
"""
import json
import os

from flask import Flask, Response

BODY = open(os.environ["BASELINE_BODY_FILE"], "rb").read()  # noqa: SIM115 (read once)
DOCUMENT = json.loads(BODY)

app = Flask(__name__)
app.json.ensure_ascii = False
app.json.sort_keys = False
app.json.compact = True


@app.get("/banner")
def banner():
    return DOCUMENT


@app.get("/banner.bytes")
def banner_bytes():
    return Response(BODY, mimetype="application/json")
