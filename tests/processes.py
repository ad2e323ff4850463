"""Real processes for the reliability tests: a PostgreSQL database of their own (made,
migrated and seeded here, whatever database the rest of the run uses), gunicorn with the
production config, and a TCP proxy in front of PostgreSQL that a test can cut."""
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from banner import ROOT

BIN = Path(sys.executable).parent
LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
ORIGIN = "https://store.example"
SITE_KEY = "test-store"


def wait_for(condition, timeout: float = 20.0, what: str = "the condition"):
    """Polls condition() until it returns something truthy (returned), or fails."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


def postgres_url() -> sa.URL:
    """The PostgreSQL server of this run: TEST_DATABASE_URL's if it names one, else local."""
    url = os.environ.get("TEST_DATABASE_URL", "").replace("postgresql://", "postgresql+psycopg://")
    parsed = sa.engine.make_url(url or LOCAL_POSTGRES)
    return parsed if parsed.get_backend_name() == "postgresql" else sa.engine.make_url(
        LOCAL_POSTGRES)


@contextmanager
def fresh_database(prefix: str):
    """A new PostgreSQL database, migrated with `flask db upgrade` and seeded with one
    site (SITE_KEY, allowing ORIGIN and http://shop.localhost); yields its URL."""
    server = postgres_url()
    name = f"{prefix}_{os.getpid()}"  # runs in parallel sessions do not collide
    admin = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    url = server.set(database=name).render_as_string(hide_password=False)
    try:
        migrated = subprocess.run(
            [str(BIN / "flask"), "db", "upgrade"], cwd=ROOT, capture_output=True, text=True,
            env={**os.environ, "FLASK_APP": "wsgi", "DATABASE_URL": url,
                 "SECRET_KEY": "test-secret"})
        assert migrated.returncode == 0, migrated.stderr[-3000:]
        _seed(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def _seed(url: str) -> None:
    from banner import create_app
    from banner.documents import default_document
    from banner.extensions import db
    from banner.services.accounts import create_merchant
    from banner.services.sites import create_site
    from banner.services.versions import publish

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test-secret"})
    with app.app_context():
        merchant = create_merchant("owner@store.example", None)
        site = create_site(merchant.id, "Test store", [ORIGIN, "http://shop.localhost"],
                           site_key=SITE_KEY)
        publish(site, default_document())
        db.engine.dispose()


def scalar(url: str, sql: str, **params):
    """One value from the database, on a connection of its own."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql), params).scalar()
    finally:
        engine.dispose()


class TcpProxy:
    """127.0.0.1:port -> target, in threads. cut() drops every connection and closes new
    ones as soon as they are accepted (a database gone); restore() lets them through."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self._up = True
        self._open: set[tuple[socket.socket, socket.socket]] = set()
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, database_url: str) -> str:
        """database_url with its host and port replaced by this proxy's."""
        parsed = sa.engine.make_url(database_url)
        return parsed.set(host="127.0.0.1", port=self.port).render_as_string(
            hide_password=False)

    def cut(self) -> None:
        with self._lock:
            self._up = False
            pairs, self._open = self._open, set()
        for pair in pairs:
            self._close(pair)

    def restore(self) -> None:
        with self._lock:
            self._up = True

    def close(self) -> None:
        self.cut()
        self.listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            try:
                upstream = socket.create_connection(self.target) if self._up else None
            except OSError:
                upstream = None
            pair = (client, upstream)
            with self._lock:
                kept = self._up and upstream is not None
                if kept:
                    self._open.add(pair)
            if not kept:
                self._close(pair)
                continue
            for source, sink in (pair, pair[::-1]):
                threading.Thread(target=self._pump, args=(source, sink, pair),
                                 daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, pair) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        with self._lock:
            self._open.discard(pair)
        self._close(pair)

    @staticmethod
    def _close(pair) -> None:
        for sock in pair:
            if sock is None:
                continue
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    base: str
    port: int
    process: subprocess.Popen
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def workers(self) -> set[int]:
        """Pids of the gunicorn workers (children of the master)."""
        found = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                found.add(int(stat.parent.name))
        return found


@contextmanager
def gunicorn(database_url: str, log: Path, workers: int = 2, threads: int = 4,
             env: dict | None = None, args: tuple = ()):
    """`gunicorn -c python:banner.gunicorn_conf wsgi:app` on a free loopback port."""
    port = free_port()
    command = [str(BIN / "gunicorn"), "-c", "python:banner.gunicorn_conf",
               "-b", f"127.0.0.1:{port}", "-w", str(workers), "--threads", str(threads),
               *args, "wsgi:app"]
    environment = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
                   "RATELIMIT_ENABLED": "0", **(env or {})}
    with open(log, "ab") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(f"http://127.0.0.1:{port}", port, process, log)
    try:
        wait_for(lambda: _answers(server), 30, f"gunicorn on port {port}")
        wait_for(lambda: len(server.workers()) >= workers, 30, "every worker")
        yield server
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # only the group started here
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _answers(server: Server) -> bool:
    if server.process.poll() is not None:
        raise AssertionError(f"gunicorn exited with {server.process.returncode}:\n"
                             + server.log_text()[-3000:])
    try:
        request(server.port, "GET", "/healthz")
        return True
    except OSError:
        return False


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)


def request(port: int, method: str, path: str, body: dict | None = None,
            headers: dict | None = None, timeout: float = 10) -> Answer:
    """One request on a connection of its own; OSError when the connection breaks."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        data = json.dumps(body) if body is not None else None
        conn.request(method, path, data, headers or {})
        response = conn.getresponse()
        return Answer(response.status, dict(response.getheaders()), response.read())
    except http.client.HTTPException as exc:
        raise ConnectionError(str(exc)) from exc
    finally:
        conn.close()


def consent_body(key: str | None = None) -> dict:
    """What the snippet posts for an accept-all, with a fresh visitor."""
    return {"visitor_id": str(uuid.uuid4()), "version": 1, "action": "accept_all",
            "choices": {"necessary": True, "functional": True, "analytics": True,
                        "advertising": True},
            "language": "ar", "source": "banner", "idempotency_key": key or uuid.uuid4().hex}


def post_consent(port: int, body: dict) -> Answer:
    return request(port, "POST", f"/v1/sites/{SITE_KEY}/consents", body,
                   {"Content-Type": "text/plain", "Origin": ORIGIN})


def get_banner(port: int, query: str = "lang=ar") -> Answer:
    return request(port, "GET", f"/v1/sites/{SITE_KEY}/banner?{query}")


@dataclass
class Outcome:
    phase: str  # what the test was doing when the request was sent
    kind: str  # "banner" or "consent"
    body: dict | None  # the consent posted
    answer: Answer | None  # None: the connection broke before an answer

    @property
    def key(self) -> str | None:
        return self.body["idempotency_key"] if self.body else None


class Load:
    """Threads sending banner GETs and consent POSTs in turn until the block ends; every
    outcome is kept with the phase the test had set when the request left."""

    def __init__(self, port: int, kinds: tuple[str, ...] = ("banner", "consent"),
                 threads: int = 4):
        self.port, self.kinds, self.phase = port, kinds, "before"
        self.results: list[Outcome] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(n,), daemon=True)
                         for n in range(threads)]

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        for thread in self._threads:
            thread.join()

    def _run(self, n: int) -> None:
        turn = n
        while not self._stop.is_set():
            kind, phase = self.kinds[turn % len(self.kinds)], self.phase
            body = consent_body() if kind == "consent" else None
            turn += 1
            try:
                answer = post_consent(self.port, body) if body else get_banner(self.port)
            except OSError:
                answer = None
            self.results.append(Outcome(phase, kind, body, answer))

    def outcomes(self, kind: str | None = None, phase: str | None = None) -> list[Outcome]:
        return [o for o in list(self.results)
                if kind in (None, o.kind) and phase in (None, o.phase)]

    def count(self, kind: str, phase: str, status: int) -> int:
        return sum(1 for o in self.outcomes(kind, phase)
                   if o.answer is not None and o.answer.status == status)
