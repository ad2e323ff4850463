"""Consent analytics at scale: stats from the roll-ups against the same question asked
as a raw GROUP BY of consent_record, and the raw CSV export's speed and memory.

    .venv/bin/python bench/analytics.py [--records 1000000] [--rounds 30]

Creates its own PostgreSQL database (bench_analytics on 127.0.0.1:5432 by default),
loads synthetic records with COPY (bench/analytics_load.py), builds the roll-ups, prints
the figures, and drops the database.
"""
import argparse
import os
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
from analytics_export import MEMORY_MB, ROWS_PER_S, export_child, measure_export

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_analytics"
TARGETS = {"p50_ms_1m": 50, "p50_ms_10m": 100}  # the export's: analytics_export.py
RAW_EVERY = 5
QUESTIONS = {"day (opt-in per category per day)": ("day",),
             "device x browser": ("device", "browser"), "version": ("version",)}


def _plain(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def _create_database(url: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url
    parsed = make_url(url)
    admin = _plain(parsed.set(database="postgres").render_as_string(hide_password=False))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{parsed.database}"')


def _drop_database(url: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url
    parsed = make_url(url)
    admin = _plain(parsed.set(database="postgres").render_as_string(hide_password=False))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')


def _app(url: str):
    from banner import create_app
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-only",
                       "RATELIMIT_ENABLED": False})


def _sites(end: datetime) -> tuple[dict, dict]:
    """The bench sites, each with versions 1 (material), 2 (minor) and 3 (material)."""
    from analytics_load import DAYS, SITES

    from banner.extensions import db
    from banner.models import BannerVersion
    from banner.services.accounts import create_merchant
    from banner.services.sites import create_site
    merchant = create_merchant("bench@example.com")
    site_ids, version_ids = {}, {}
    for key, zone, _ in SITES:
        site = create_site(merchant.id, key, ["https://store.example"], site_key=key,
                           time_zone=zone)
        site_ids[key], version_ids[key] = site.id, []
        for number, kind, days_ago in ((1, "material", DAYS + 30), (2, "minor", 60),
                                       (3, "material", 20)):
            published = end - timedelta(days=days_ago)
            version = BannerVersion(site_id=site.id, number=number, status="published",
                                    change_kind=kind, content_hash=f"{number:064x}",
                                    document={}, published_at=published)
            db.session.add(version)
            db.session.flush()
            version_ids[key].append((number, version.id, published))
    db.session.commit()
    return site_ids, version_ids


def load(url: str, records: int, end: datetime) -> tuple[dict, int, float]:
    """Sites and synthetic traffic; returns (site ids, records written, seconds)."""
    import psycopg
    from analytics_load import DISPLAY_COLUMNS, RECORD_COLUMNS, generate
    site_ids, version_ids = _sites(end)
    started = time.perf_counter()
    # One COPY per connection at a time: records and displays each get their own.
    with psycopg.connect(_plain(url)) as first, psycopg.connect(_plain(url)) as second, \
            first.cursor().copy(f"COPY consent_record ({', '.join(RECORD_COLUMNS)}) "
                                "FROM STDIN") as records_copy, \
            second.cursor().copy(f"COPY impression ({', '.join(DISPLAY_COLUMNS)}) "
                                 "FROM STDIN") as displays_copy:
        batches = {records_copy: [], displays_copy: []}

        def writer(copy):
            def write(line):
                batch = batches[copy]
                batch.append(line)
                if len(batch) >= 5000:
                    copy.write("".join(batch))
                    batch.clear()
            return write
        written = generate(records, site_ids, version_ids, end, 7, writer(records_copy),
                           writer(displays_copy))
        for copy, batch in batches.items():
            copy.write("".join(batch))
    with psycopg.connect(_plain(url), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE consent_record")
        conn.execute("VACUUM ANALYZE impression")
    return site_ids, written, time.perf_counter() - started


def _percentiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.9 + 0.5) - 1)]


def measure_stats(app, url: str, site_id: int, start: date, end: date, rounds: int) -> None:
    from zoneinfo import ZoneInfo

    import psycopg
    from analytics_raw import raw_sql

    from banner.extensions import db
    from banner.services import analytics
    from banner.services.analytics.days import utc_window
    with app.app_context():
        zone_name = db.session.scalar(db.text("SELECT time_zone FROM site WHERE id = :id"),
                                      {"id": site_id})
    zone = ZoneInfo(zone_name)
    params = {"site": site_id, "tz": zone_name, "lo": utc_window(start, zone)[0],
              "hi": utc_window(end, zone)[1]}
    print(f"\nstats of one site, {start} to {end} ({(end - start).days + 1} days), "
          f"milliseconds over {rounds} rounds (raw: {-(-rounds // RAW_EVERY)}; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs):")
    print(f"  {'group by':36} {'roll-up p50':>11} {'p90':>7} {'raw p50':>9} {'p90':>7} "
          f"{'raw/roll-up':>11}")
    with psycopg.connect(_plain(url), autocommit=True) as raw, app.app_context():
        for label, group_by in QUESTIONS.items():
            statements = raw_sql(group_by)
            ours, theirs = [], []
            for n in range(rounds):
                began = time.perf_counter()
                analytics.stats(site_id, start, end, group_by)
                ours.append((time.perf_counter() - began) * 1000)
                if n % RAW_EVERY:  # the raw query takes seconds: timed one round in RAW_EVERY
                    continue
                began = time.perf_counter()
                for statement in statements:
                    raw.execute(statement, params).fetchall()
                theirs.append((time.perf_counter() - began) * 1000)
            (p50, p90), (raw50, raw90) = _percentiles(ours), _percentiles(theirs)
            print(f"  {label:36} {p50:11.1f} {p90:7.1f} {raw50:9.1f} {raw90:7.1f} "
                  f"{raw50 / p50:10.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=30, help="timings per question")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_ANALYTICS_URL",
                                                                 DEFAULT_URL))
    parser.add_argument("--keep", action="store_true", help="do not drop the database")
    parser.add_argument("--export-child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export_child:
        url, site_id, start, end = args.export_child
        export_child(_app(url), int(site_id), start, end)
        return
    from banner.extensions import db
    from banner.models import Site, utcnow
    from banner.services import analytics
    url = args.database_url
    _create_database(url)
    try:
        app = _app(url)
        with app.app_context():
            db.create_all()
            end = utcnow() - timedelta(hours=1)
            site_ids, written, seconds = load(url, args.records, end)
            print(f"{written:,} consent records loaded with COPY in {seconds:.0f} s "
                  f"(90 days, {len(site_ids)} sites, with their displays)")
            began = time.perf_counter()
            for site in db.session.scalars(db.select(Site)).all():
                analytics.rebuild_site(site)
            rows = db.session.scalar(db.text("SELECT count(*) FROM consent_rollup"))
            print(f"roll-ups built in {time.perf_counter() - began:.0f} s ({rows:,} rows)")
            site_id = site_ids["bench-large"]
            today = db.session.scalar(db.text(
                "SELECT (max(recorded_at) AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Riyadh')::date"
                " FROM consent_record WHERE site_id = :id"), {"id": site_id})
            first = today - timedelta(days=29)
        measure_stats(app, url, site_id, first, today, args.rounds)
        measure_export(url, site_id, today - timedelta(days=120), today)
        target = TARGETS["p50_ms_10m" if args.records >= 10_000_000 else "p50_ms_1m"]
        print(f"\ntargets: roll-up p50 < {target} ms at this size; export >= "
              f"{ROWS_PER_S:,} rows/s and < {MEMORY_MB} MB growth")
        with app.app_context():
            db.engine.dispose()
    finally:
        if not args.keep:
            _drop_database(url)


if __name__ == "__main__":
    main()
