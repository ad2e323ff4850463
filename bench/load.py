"""Mixed load (banner GETs and consent POSTs) on gunicorn with the production config,
against a bare baseline of the same mix; then proves no consent was lost or duplicated.

    .venv/bin/python bench/load.py [--workers 2 --threads 8 --connections 32 ...]

Both servers run `gunicorn -c python:banner.gunicorn_conf` with the same workers and
threads. wrk (bench/load.lua) sends three banner GETs for every consent POST; one POST in
ten sends again a body already sent, idempotency key included, as the snippet's retry
queue does. The baseline (`load:baseline`, below) answers the same requests with the bare
Flask JSON endpoint of banner_get.py (GETs) and the naive one-row insert of
consent_post.py (POSTs). Runs alternate; the median of the per-round ratios is the figure
(target >= 1x: the mix is mostly GETs, where we are a little under the bare endpoint, and
partly POSTs, where we are well over the naive insert).

Then the check: the 201 answers wrk counted against our app equal the rows it added, equal
the distinct idempotency keys it sent; every retried key was answered with the first
result and stored no second row. In the last two seconds of each run only GETs are sent,
so no POST is in flight when wrk stops and every answer is counted.
"""
import os
import re
import signal
import statistics
import subprocess
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from functools import cache

from harness import (BENCH, BIN, ROOT, _ms, _wait_until_up, arguments, free_port,
                     prepare_database, report)

SITE = "demo-electronics"
PROBE = f"/v1/sites/{SITE}/banner?lang=ar"
SCRIPT = BENCH / "load.lua"
TARGET = 1.0
GET_ONLY_TAIL = 2  # seconds at the end of each run without POSTs


@cache
def _baseline_apps():
    import baseline_app
    import naive_app
    return baseline_app.app, naive_app.app


def baseline(environ, start_response):
    """The baseline of the mix: GETs to baseline_app's /banner, POSTs to naive_app's
    /consents, whatever the path (the same wrk script drives both servers)."""
    banner_app, consent_app = _baseline_apps()
    post = environ["REQUEST_METHOD"] == "POST"
    environ["PATH_INFO"], environ["QUERY_STRING"] = ("/consents" if post else "/banner"), ""
    return (consent_app if post else banner_app)(environ, start_response)


@contextmanager
def production_gunicorn(app: str, args, env: dict):
    """gunicorn -c python:banner.gunicorn_conf on a free loopback port; yields its URL."""
    port = free_port()
    command = [str(BIN / "gunicorn"), "-c", "python:banner.gunicorn_conf",
               "-w", str(args.workers), "--threads", str(args.threads),
               "-b", f"127.0.0.1:{port}", "--chdir", str(ROOT), "--pythonpath", str(BENCH),
               "--log-level", "warning", app]
    server = subprocess.Popen(command, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base + PROBE, server)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # only the group we started
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _sql(url: str, query: str):
    import psycopg
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"),
                         autocommit=True) as conn:
        cursor = conn.execute(query)
        return cursor.fetchone() if cursor.description else None


def run(base: str, args, duration: int, totals: dict | None) -> dict:
    """One wrk run of the mix: req/s, p50 and p99 in ms, failed answers and socket errors;
    the script's counts are added to totals (when given)."""
    posts_until = int(time.time() + duration - min(GET_ONLY_TAIL, duration / 2))
    command = ["wrk", f"-t{args.wrk_threads}", f"-c{args.connections}", f"-d{duration}s",
               "--latency", "--timeout", "10s", "-s", str(SCRIPT), base,
               "--", str(posts_until), SITE]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.M))
    counts = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)",
                                               re.search(r"^counts .*$", out, re.M).group(0))}
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                       out)
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
              "p50": _ms(latency["50"]), "p99": _ms(latency["99"]), "failed": counts["other"],
              "errors": sum(map(int, errors.groups())) if errors else 0}
    if totals is not None:
        for key, value in counts.items():
            totals[key] = totals.get(key, 0) + value
    return result


def alternate(targets: dict, args, totals: dict) -> dict:
    """harness.alternate for this mix: our runs' counts go to totals (warm-ups included)."""
    for name, base in targets.items():
        run(base, args, args.warmup, totals if name == "mixed load" else None)
    runs = {name: [] for name in targets}
    for round_ in range(args.rounds):
        for name, base in targets.items():
            result = run(base, args, args.duration, totals if name == "mixed load" else None)
            runs[name].append(result)
            print(f"  round {round_ + 1} {name:<12} {result['rps']:9.0f} req/s  "
                  f"p50 {result['p50']:7.2f} ms  p99 {result['p99']:7.2f} ms", flush=True)
    return {name: {key: statistics.median(r[key] for r in results) for key in results[0]}
            | {"failed": sum(r["failed"] for r in results),
               "errors": sum(r["errors"] for r in results),
               "rounds": [r["rps"] for r in results]}
            for name, results in runs.items()}


def check(url: str, totals: dict) -> None:
    """Prints and checks: 201s == new rows == fresh keys; retries stored nothing."""
    rows, keys = _sql(url, "SELECT count(*), count(DISTINCT (site_id, idempotency_key)) "
                           "FROM consent_record")
    posts = totals["fresh"] + totals["retried"]
    unanswered = posts - totals["created"] - totals["replayed"]
    print(f"\nconsents: {totals['fresh']} keys sent, {totals['retried']} sent again; "
          f"{totals['created']} answered 201, {totals['replayed']} answered 200 (replayed); "
          f"{rows} new rows")
    print(f"201 answers = new rows: {totals['created']} = {rows}; "
          f"lost {totals['fresh'] - keys}, duplicated {rows - keys}; "
          f"other answers {totals['other']}")
    if unanswered and not totals["other"]:
        # wrk drops what is in flight when it stops: a POST slower than GET_ONLY_TAIL.
        print(f"consistency: INCONCLUSIVE ({unanswered} POSTs unanswered when wrk stopped)")
        raise SystemExit(1)
    ok = (totals["created"] == rows == keys == totals["fresh"] and not totals["other"]
          and totals["replayed"] == totals["retried"])
    print("consistency: ok" if ok else "consistency: MISMATCH")
    if not ok:
        raise SystemExit(1)


def main() -> None:
    args = arguments(__doc__.splitlines()[0]).parse_args()
    os.environ.setdefault("SECRET_KEY", "bench-only-secret")
    env = prepare_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    import naive_app
    naive_app.create_table()
    _sql(args.database_url, "TRUNCATE consent_record, visitor_consent")
    totals: dict = {}
    with production_gunicorn("wsgi:app", args, env) as ours, \
            tempfile.NamedTemporaryFile(suffix=".json") as body_file:
        body_file.write(urllib.request.urlopen(ours + PROBE).read())
        body_file.flush()
        with production_gunicorn("load:baseline", args,
                                 {**env, "BASELINE_BODY_FILE": body_file.name}) as bare:
            print(f"gunicorn -c python:banner.gunicorn_conf -w {args.workers} "
                  f"--threads {args.threads}; wrk -t{args.wrk_threads} -c{args.connections} "
                  f"-d{args.duration}s x {args.rounds} rounds; 3 GETs : 1 POST, "
                  f"1 POST in 10 a retry")
            medians = alternate({"mixed load": ours, "bare mix": bare}, args, totals)
    report(medians, "mixed load", "bare mix", "mixed load / bare Flask mix", TARGET)
    check(args.database_url, totals)


if __name__ == "__main__":
    main()
