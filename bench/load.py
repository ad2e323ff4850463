"""Mixed load (banner GETs and consent POSTs) on gunicorn with the production config,
against a bare baseline of the same mix; then proves no consent was lost or duplicated.

    .venv/bin/python bench/load.py [--workers 2 --threads 8 --connections 32 ...]

Both servers run `gunicorn -c python:banner.gunicorn_conf` with the same workers and
threads. wrk (bench/load.lua) sends three banner GETs for every consent POST; one POST in
ten sends again a body already sent, idempotency key included, as the snippet's retry
queue does. The baseline (`load:baseline`, below) answers the same requests with the bare
Flask JSON endpoint of banner_get.py (GETs) and the naive one-row insert of
consent_post.py (POSTs). Runs alternate; the median of the per-round ratios is the figure
(target >= 1x: the mix is mostly GETs, where we are about even with the bare endpoint, and
partly POSTs, where we are well over the naive insert).

Then the check, on the rows our measured runs added (warm-ups left out): every consent id
answered 201 has its row, no idempotency key has two rows, every retried key was answered
200 with the first result, so the 201 answers equal the new rows. wrk drops the requests
in flight when it stops; the last second of each run sends only GETs so that there are
few, and those are reported (stored or not, none of them was answered).
"""
import os
import re
import statistics
import subprocess
import tempfile
import time
import urllib.request
from functools import cache

from harness import BENCH, _ms, arguments, gunicorn, prepare_database, report

SITE = "demo-electronics"
PROBE = f"/v1/sites/{SITE}/banner?lang=ar"
SCRIPT = BENCH / "load.lua"
TARGET = 1.0
GET_ONLY_TAIL = 1  # seconds at the end of each run without POSTs


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


def production_gunicorn(app: str, args, env: dict):
    """gunicorn -c python:banner.gunicorn_conf on a free loopback port; yields its URL."""
    return gunicorn(app, args, env, pythonpath=BENCH, probe=PROBE,
                    options=("-c", "python:banner.gunicorn_conf"))


def _sql(url: str, query: str, *params):
    import psycopg
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"),
                         autocommit=True) as conn:
        cursor = conn.execute(query, params or None)
        return cursor.fetchone() if cursor.description else None


def run(base: str, args, duration: int, totals: dict | None) -> dict:
    """One wrk run of the mix: req/s, p50 and p99 in ms, failed answers and socket errors;
    the script's counts (and the consent ids answered 201) are added to totals."""
    posts_until = int(time.time() + duration - min(GET_ONLY_TAIL, duration / 2))
    with tempfile.NamedTemporaryFile("r", suffix=".ids") as ids:
        command = ["wrk", f"-t{args.wrk_threads}", f"-c{args.connections}",
                   f"-d{duration}s", "--latency", "--timeout", "10s", "-s", str(SCRIPT), base,
                   "--", str(posts_until), SITE, ids.name]
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        answered = ids.read().split()
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
        totals.setdefault("ids", []).extend(answered)
    return result


def settled_rows(url: str, quiet: float = 1.0, timeout: float = 15.0) -> int:
    """The consent rows once their count has not changed for `quiet` seconds: requests
    a server was still handling when wrk stopped have committed by then."""
    count, since, deadline = -1, time.monotonic(), time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = _sql(url, "SELECT count(*) FROM consent_record")[0]
        if now != count:
            count, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return count
        time.sleep(0.1)
    raise SystemExit("the consent table did not settle")


def alternate(targets: dict, args, totals: dict) -> dict:
    """harness.alternate for this mix: the counts of our measured runs go to totals.
    Warm-ups post too but are not counted: a cold worker may take longer than the run's
    GET-only tail, and wrk drops what is in flight when it stops."""
    for name, base in targets.items():
        run(base, args, args.warmup, None)
    totals["rows_before"] = settled_rows(args.database_url)
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
    """Prints and checks, against the rows our measured runs added: every 201 has its row,
    no key has two, every retry was answered with the first result."""
    settled_rows(url)
    rows, keys = _sql(url, "SELECT count(*), count(DISTINCT (site_id, idempotency_key)) "
                           "FROM consent_record")
    rows, keys = rows - totals["rows_before"], keys - totals["rows_before"]
    ids = totals.get("ids", [])
    with_row = _sql(url, "SELECT count(*) FROM consent_record WHERE id::text = ANY(%s::text[])",
                    ids)[0]
    posts = totals["fresh"] + totals["retried"]
    # wrk drops what is in flight when it stops: such a POST may have been stored or not.
    in_flight = posts - totals["created"] - totals["replayed"] - totals["other"]
    unanswered_rows = rows - with_row
    print(f"\nconsents: {totals['fresh']} keys sent, {totals['retried']} sent again; "
          f"{totals['created']} answered 201, {totals['replayed']} answered 200 (replayed), "
          f"{totals['other']} otherwise; {rows} new rows")
    print(f"201 answers = new rows: {totals['created']} = {rows}; lost "
          f"{totals['created'] - with_row} (201 without its row), duplicated {rows - keys}"
          + (f"; {in_flight} POSTs in flight when wrk stopped, {unanswered_rows} of them "
             "stored" if in_flight else ""))
    ok = (len(ids) == totals["created"] == with_row and rows == keys and not totals["other"]
          and 0 <= unanswered_rows <= in_flight and totals["replayed"] <= totals["retried"])
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
    totals: dict = {"rows_before": 0}
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
