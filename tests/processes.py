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
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from banner import ROOT
from tests.process_output import OutputLines
from tests.tcp_proxy import TcpProxy
from tests.traffic import ORIGIN, SITE_KEY, request

BIN = Path(sys.executable).parent
LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


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


BOOTED = r"Booting worker with pid: (\d+)"  # logged by each worker as it starts


@dataclass
class Server:
    base: str
    port: int
    process: subprocess.Popen
    log: Path
    output: OutputLines

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for_log(self, pattern: str, what: str, timeout: float = 30.0) -> re.Match:
        """The first line of gunicorn's output matching pattern, once it is written."""
        return self.output.wait_for_line(pattern, what, timeout=timeout)[1]

    def wait_replaced(self, pid: int, timeout: float = 30.0) -> int:
        """Waits for gunicorn to reap worker pid and boot its replacement (its pid)."""
        reaped, _ = self.output.wait_for_line(rf"Worker \(pid:{pid}\) was sent",
                                              f"worker {pid} to be reaped", timeout=timeout)
        _, booted = self.output.wait_for_line(BOOTED, f"a replacement for worker {pid}",
                                              after=reaped + 1, timeout=timeout)
        return int(booted.group(1))

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
    choosing (port 0: no race with other processes for a port picked in advance). Its
    output goes to log, and the start is awaited on the lines gunicorn writes."""
    command = [str(BIN / "gunicorn"), "-c", "python:banner.gunicorn_conf",
               "-b", "127.0.0.1:0", "-w", str(workers), "--threads", str(threads),
               "--log-level", "info", *args, "wsgi:app"]
    environment = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
                   "RATELIMIT_ENABLED": "0", **(env or {})}
    process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, errors="replace",
                               start_new_session=True)
    output = OutputLines(process.stdout, log)
    try:
        _, listening = output.wait_for_line(r"Listening at: http://127\.0\.0\.1:(\d+)",
                                            "gunicorn to listen")
        port = int(listening.group(1))
        output.wait_for(lambda lines: sum(bool(re.search(BOOTED, line)) for line in lines)
                        >= workers, "every worker to boot")
        # The socket listens from the line above on: this request waits in its backlog
        # until a worker takes it (a blocking read with a deadline, no polling).
        request(port, "GET", "/healthz", timeout=30)
        yield Server(f"http://127.0.0.1:{port}", port, process, log, output)
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # only the group started here
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        output.join()
