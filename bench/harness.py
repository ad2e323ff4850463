"""Shared bench plumbing: a bench database, gunicorn servers on free loopback ports,
wrk runs alternated between servers, medians and a ratio line.

Absolute numbers mean little on a shared machine; every bench compares our app with a
baseline served with the same gunicorn settings, measured alternately in the same run.
"""
import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
BIN = Path(sys.executable).parent
DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench"


def arguments(description: str, duration: int = 8, rounds: int = 3) -> argparse.ArgumentParser:
    """The CLI flags every bench shares (server and load settings)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (both servers)")
    parser.add_argument("--threads", type=int, default=8, help="gthread threads per worker")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections")
    parser.add_argument("--wrk-threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--duration", type=int, default=duration, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=rounds, help="A/B rounds; medians taken")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per server")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL",
                                                                 DEFAULT_DATABASE_URL))
    return parser


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_database(url: str) -> dict:
    """Create the bench database if needed, migrate it, seed the demo sites.

    Returns the environment for the app servers (rate limits off for benches).
    """
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    admin = parsed.set(database="postgres").render_as_string(hide_password=False)
    admin = admin.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                        (parsed.database,)).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{parsed.database}"')
    env = {**os.environ, "DATABASE_URL": url, "RATELIMIT_ENABLED": "0", "FLASK_APP": "wsgi",
           "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret")}
    for command in (["db", "upgrade"], ["banner", "seed-demo"]):
        subprocess.run([str(BIN / "flask"), *command], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return env


@contextmanager
def gunicorn(app: str, args, env: dict, pythonpath: Path = ROOT, probe: str = "/",
             options: tuple[str, ...] = ()):
    """A gunicorn server for the WSGI app on a free loopback port; yields its base URL.
    options come first, so the flags below override a config file's settings."""
    port = free_port()
    command = [str(BIN / "gunicorn"), *options, "-w", str(args.workers), "-k", "gthread",
               "--threads", str(args.threads), "-b", f"127.0.0.1:{port}",
               "--chdir", str(ROOT), "--pythonpath", str(pythonpath),
               "--log-level", "warning", app]
    server = subprocess.Popen(command, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base + probe, server)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # only the group we started
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _wait_until_up(url: str, server: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"server exited with {server.returncode}: {url}")
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except urllib.error.HTTPError:
            return  # it answers; the status does not matter here
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server did not come up: {url}")


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def wrk(url: str, args, duration: int | None = None, script: Path | None = None) -> dict:
    """One wrk run; req/s, p50 and p99 in ms, and the count of failed responses."""
    command = ["wrk", f"-t{args.wrk_threads}", f"-c{args.connections}",
               f"-d{duration or args.duration}s", "--latency", "--timeout", "10s"]
    if script:
        command += ["-s", str(script)]
    out = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.M))
    if len(latency) < 2:  # no latency table: wrk got no answers at all
        raise SystemExit(f"wrk measured nothing on {url}:\n{out}")
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50": _ms(latency["50"]), "p99": _ms(latency["99"]),
            "failed": int(failed.group(1)) if failed else 0,
            "errors": sum(map(int, errors.groups())) if errors else 0}


def alternate(targets: dict, args) -> dict:
    """Warm each target up, then run wrk on them in turn (A/B/A/B...); medians per target.

    targets: name -> (url, lua script or None).
    """
    for url, script in targets.values():
        wrk(url, args, duration=args.warmup, script=script)
    runs = {name: [] for name in targets}
    for round_ in range(args.rounds):
        for name, (url, script) in targets.items():
            result = wrk(url, args, script=script)
            runs[name].append(result)
            print(f"  round {round_ + 1} {name:<12} {result['rps']:9.0f} req/s  "
                  f"p50 {result['p50']:7.2f} ms  p99 {result['p99']:7.2f} ms"
                  + (f"  FAILED {result['failed']}" if result["failed"] else "")
                  + (f"  socket errors {result['errors']}" if result["errors"] else ""),
                  flush=True)
    return {name: {key: statistics.median(r[key] for r in results) for key in results[0]}
            | {"failed": sum(r["failed"] for r in results),
               "errors": sum(r["errors"] for r in results),
               "rounds": [r["rps"] for r in results]}
            for name, results in runs.items()}


def paired_ratio(medians: dict, ours: str, baseline: str) -> tuple[float, str]:
    """The median of the per-round ratios, and a line listing them.

    Each round measures the servers back to back: the ratio within a round cancels most
    of what the machine's neighbours do to both; the median of those is the figure."""
    paired = sorted(o / b for o, b in zip(medians[ours]["rounds"], medians[baseline]["rounds"]))
    detail = (f"per-round ratios: {', '.join(f'{r:.2f}' for r in paired)}; "
              f"ratio of the medians: {medians[ours]['rps'] / medians[baseline]['rps']:.2f}x")
    return statistics.median(paired), detail


def report(medians: dict, ours: str, baseline: str, label: str, target: float,
           for_reference: dict | None = None) -> float:
    """Print the table of medians and the ratio line against baseline (with its target);
    for_reference: label -> another baseline, printed without a target. Returns the ratio."""
    print(f"\n{'server':<14}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'failed':>8}")
    for name, m in medians.items():
        print(f"{name:<14}{m['rps']:>10.0f}{m['p50']:>10.2f}{m['p99']:>10.2f}"
              f"{m['failed'] + m['errors']:>8}")
    for other_label, other in (for_reference or {}).items():
        other_ratio, detail = paired_ratio(medians, ours, other)
        print(f"\n{detail}\n{other_label}: {other_ratio:.2f}x (for reference)")
    ratio, detail = paired_ratio(medians, ours, baseline)
    verdict = "ok" if ratio >= target else "BELOW TARGET"
    print(f"\n{detail}\n{label}: {ratio:.2f}x (target >= {target}x) {verdict}")
    if any(m["failed"] or m["errors"] for m in medians.values()):
        print("WARNING: some responses failed; the ratio is not trustworthy.")
    return ratio
