"""The app served by another OS process, as a second worker would be: for tests of what
must hold across processes (caches, rate limits)."""
import json
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from contextlib import contextmanager

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from banner import ROOT

SERVE = """
import json, sys
from werkzeug.serving import make_server
from banner import create_app
server = make_server("127.0.0.1", 0, create_app(json.loads(sys.argv[1])), threaded=True)
print(server.server_port, flush=True)
server.serve_forever()
"""


@contextmanager
def app_process(config: dict, timeout: float = 30):
    """Serve create_app(config) in a new process; yields its base URL."""
    process = subprocess.Popen([sys.executable, "-c", SERVE, json.dumps(config)], cwd=ROOT,
                               stdout=subprocess.PIPE, text=True)
    try:
        port = _first_line(process, timeout)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()


def _first_line(process: subprocess.Popen, timeout: float) -> int:
    import selectors
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            raise AssertionError("the app process did not start in time")
    line = process.stdout.readline()
    if not line.strip().isdigit():
        raise AssertionError(f"the app process failed to start (exit {process.poll()})")
    return int(line)


def request(method: str, url: str, body: dict | None = None,
            headers: dict | None = None) -> tuple[int, dict]:
    """One HTTP call; returns the status and the JSON body ({} when empty)."""
    data = json.dumps(body).encode() if body is not None else None
    call = urllib.request.Request(url, data=data, method=method, headers={
        "Content-Type": "text/plain", **(headers or {})})
    try:
        with urllib.request.urlopen(call, timeout=10) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else {}
    except urllib.error.HTTPError as error:
        raw = error.read()
        return error.code, json.loads(raw) if raw else {}


def closing_responses(app):
    """`app` with every response closed, even when the client drops the connection.

    Werkzeug's dev server (3.1) drains the request after answering and closes the response
    only after that; a browser that resets the connection (a navigation cancelling a script
    load) makes the drain raise, the close is skipped, and Flask's open static file is left
    to the garbage collector: a ResourceWarning that fails whichever test is running. A
    generator's `finally` runs on close() and, when abandoned, on collection alike."""
    def serve(environ, start_response):
        body = app(environ, start_response)
        try:
            yield from body
        finally:
            if hasattr(body, "close"):
                body.close()
    return serve


@contextmanager
def wsgi_thread(app):
    """Serve a WSGI app on a free loopback port in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, closing_responses(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def html_page(html: str):
    """One HTML page, as a store serves it, at the URL yielded."""
    page = Request.application(lambda request: Response(html, content_type="text/html"))
    with wsgi_thread(page) as base:
        yield base + "/"
