"""POST /v1/sites/demo-electronics/consents (full path) vs a naive one-row ORM insert.

    .venv/bin/python bench/consent_post.py [--workers 2 --threads 8 --connections 32 ...]

Both servers write to the same PostgreSQL database with synchronous_commit on and
answer only after their commit. wrk (bench/consent_post.lua) posts valid bodies with
random visitor ids; runs alternate and the median of the per-round ratios is the
figure (target >= 2x).
"""
import os

from harness import BENCH, alternate, arguments, gunicorn, prepare_database, report

PATH = "/v1/sites/demo-electronics/consents"
SCRIPT = BENCH / "consent_post.lua"
TARGET = 2.0


def _reset_tables(url: str) -> None:
    """Empty the consent tables so every run starts from the same size."""
    import psycopg
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute("TRUNCATE consent_record, visitor_consent")
        assert conn.execute("SHOW synchronous_commit").fetchone()[0] == "on"


def main() -> None:
    # Five rounds: the naive baseline swings by half between rounds on a shared machine.
    parser = arguments(__doc__.splitlines()[0], rounds=5)
    parser.add_argument("--no-group-commit", action="store_true",
                        help="run our app with CONSENT_GROUP_COMMIT=0")
    args = parser.parse_args()
    env = prepare_database(args.database_url)
    if args.no_group_commit:
        env["CONSENT_GROUP_COMMIT"] = "0"
    os.environ["DATABASE_URL"] = args.database_url
    import naive_app
    naive_app.create_table()
    _reset_tables(args.database_url)
    with gunicorn("wsgi:app", args, env, probe="/v1/sites/demo-electronics/banner") as ours, \
            gunicorn("naive_app:app", args, env, pythonpath=BENCH) as naive:
        print(f"gunicorn -w {args.workers} -k gthread --threads {args.threads}; "
              f"wrk -t{args.wrk_threads} -c{args.connections} -d{args.duration}s "
              f"x {args.rounds} rounds; group commit "
              f"{'off' if args.no_group_commit else 'on'}")
        medians = alternate({"consent POST": (ours + PATH, SCRIPT),
                             "naive insert": (naive + "/consents", SCRIPT)}, args)
    report(medians, "consent POST", "naive insert", "consent POST / naive insert", TARGET)


if __name__ == "__main__":
    main()
