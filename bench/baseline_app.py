"""Bare Flask baseline for bench/banner_get.py: one route returning precomputed JSON bytes.

BASELINE_BODY_FILE names a file whose bytes are served (the bench writes the real
banner body there, so both servers send bodies of the same length).
"""
import os

from flask import Flask, Response

BODY = open(os.environ["BASELINE_BODY_FILE"], "rb").read()

app = Flask(__name__)


@app.get("/banner")
def banner():
    return Response(BODY, mimetype="application/json")
