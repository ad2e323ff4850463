"""GET /v1/sites/demo-electronics/banner?lang=ar vs a bare Flask JSON endpoint of the same size.

    .venv/bin/python bench/banner_get.py [--workers 2 --threads 8 --connections 32 ...]

The baseline (baseline_app.py /banner) returns the same document as a dict, which
Flask serialises per request into the same bytes: the simplest Flask JSON endpoint.
The same bytes serialised once at start (/banner.bytes, no work at all per request)
are measured too and printed for reference: the floor of any Flask endpoint. All run
under the same gunicorn settings; wrk runs alternate between them and the median of
the per-round ratios is the figure (target >= 0.8x against the JSON endpoint).
"""
import tempfile
import urllib.request

from harness import BENCH, alternate, arguments, gunicorn, prepare_database, report

PATH = "/v1/sites/demo-electronics/banner?lang=ar"
TARGET = 0.8


def main() -> None:
    args = arguments(__doc__.splitlines()[0]).parse_args()
    env = prepare_database(args.database_url)
    with gunicorn("wsgi:app", args, env, probe=PATH) as ours, \
            tempfile.NamedTemporaryFile(suffix=".json") as body_file:
        body = urllib.request.urlopen(ours + PATH).read()
        body_file.write(body)
        body_file.flush()
        with gunicorn("baseline_app:app", args, {**env, "BASELINE_BODY_FILE": body_file.name},
                      pythonpath=BENCH, probe="/banner") as bare:
            sizes = {len(urllib.request.urlopen(bare + path).read().rstrip(b"\n"))
                     for path in ("/banner", "/banner.bytes")}
            if sizes != {len(body)}:
                raise SystemExit(f"the baselines' bodies differ in size: {sizes} vs {len(body)}")
            print(f"banner body {len(body)} bytes; gunicorn -w {args.workers} -k gthread "
                  f"--threads {args.threads}; wrk -t{args.wrk_threads} -c{args.connections} "
                  f"-d{args.duration}s x {args.rounds} rounds")
            medians = alternate({"banner GET": (ours + PATH, None),
                                 "bare JSON": (bare + "/banner", None),
                                 "bare bytes": (bare + "/banner.bytes", None)}, args)
    report(medians, "banner GET", "bare JSON", "banner GET / bare Flask JSON endpoint", TARGET,
           for_reference={"banner GET / bare bytes (the floor)": "bare bytes"})


if __name__ == "__main__":
    main()
