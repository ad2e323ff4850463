"""Real processes for the reliability tests: a PostgreSQL database of their own (made,
migrated and seeded here, whatever database the rest of the run uses) and gunicorn with
the production config. The proxy that cuts the database is in tcp_proxy.py, the traffic
in traffic.py."""
import atexit
import os
import re
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from banner import ROOT
from tests.tcp_proxy import TcpProxy
from tests.traffic import ORIGIN, SITE_KEY, request

BIN = Path(sys.executable).parent
LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


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
def proxy_to_postgres():
    """A TcpProxy in front of the PostgreSQL server of this run."""
    server = postgres_url()
    proxy = TcpProxy((server.host or "127.0.0.1", server.port or 5432))
    try:
        yield proxy
    finally:
        proxy.close()


@contextmanager
def fresh_database(prefix: str):
    """A new PostgreSQL database, migrated with `flask db upgrade` and seeded with one
    site (SITE_KEY, allowing ORIGIN and http://shop.localhost); yields its URL."""
    server = postgres_url()
    name = f"{prefix}_{os.getpid()}"  # runs in parallel sessions do not collide
    admin = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    template = _migrated_template(server, admin)
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(sa.text(f"CREATE DATABASE {name} TEMPLATE {template}"))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


_templates: dict[str, str] = {}


def _migrated_template(server: sa.URL, admin: sa.Engine) -> str:
    """Migrated and seeded once per test process; each fresh database is a copy of it
    (migrating takes seconds, copying a fraction of one)."""
    key = server.render_as_string(hide_password=False)
    if key in _templates:
        return _templates[key]
    name = f"banner_template_{os.getpid()}"
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    atexit.register(_drop, server, name)
    url = server.set(database=name).render_as_string(hide_password=False)
    migrated = subprocess.run(
        [str(BIN / "flask"), "db", "upgrade"], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "FLASK_APP": "wsgi", "DATABASE_URL": url, "SECRET_KEY": "test-secret"})
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    _seed(url)  # disposes of its connections: a template must have none
    _templates[key] = name
    return name


def _drop(server: sa.URL, name: str) -> None:
    admin = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
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
    """`gunicorn -c python:banner.gunicorn_conf wsgi:app` on a loopback port of its own
    choosing (port 0: no race with other processes for a port picked in advance)."""
    command = [str(BIN / "gunicorn"), "-c", "python:banner.gunicorn_conf",
               "-b", "127.0.0.1:0", "-w", str(workers), "--threads", str(threads),
               "--log-level", "info", *args, "wsgi:app"]
    environment = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
                   "RATELIMIT_ENABLED": "0", **(env or {})}
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        port = wait_for(lambda: _listening_port(process, log), 30, "gunicorn to listen")
        server = Server(f"http://127.0.0.1:{port}", port, process, log)
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


def _exited(process: subprocess.Popen, log: Path) -> None:
    if process.poll() is not None:
        raise AssertionError(f"gunicorn exited with {process.returncode}:\n"
                             + log.read_text(errors="replace")[-3000:])


def _listening_port(process: subprocess.Popen, log: Path) -> int | None:
    _exited(process, log)
    found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", log.read_text(errors="replace"))
    return int(found.group(1)) if found else None


def _answers(server: Server) -> bool:
    _exited(server.process, server.log)
    try:
        request(server.port, "GET", "/healthz")
        return True
    except OSError:
        return False
