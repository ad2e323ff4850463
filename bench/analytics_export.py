"""The raw CSV export's speed and memory, for bench/analytics.py: one site's export
streamed in a fresh process, whose CPU, the database backend's and the peak memory growth
are measured against the targets."""
import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

MAIN = Path(__file__).with_name("analytics.py")  # its --export-child runs export_child
ROWS_PER_S = 100_000  # target: at least
MEMORY_MB = 50  # target: peak growth below


def _rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(field)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process (the database backend runs on this machine)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def export_child(app, site_id: int, start: str, end: str) -> None:
    """Run in a fresh process (analytics.py --export-child): stream the CSV export to
    nowhere, print rows/s, the CPU spent by the database backend and by this process, and
    the process's peak memory growth (VmHWM after minus VmRSS before) as one JSON line."""
    from banner.extensions import db
    from banner.services import analytics
    with app.app_context():
        first, last = date.fromisoformat(start), date.fromisoformat(end)
        rows = analytics.count_consents(site_id, first, last)
        backend = db.session.scalar(db.text("SELECT pg_backend_pid()"))
        before, backend_cpu, own_cpu = _rss_kb("VmRSS"), _cpu_seconds(backend), time.process_time()
        began = time.perf_counter()
        size = sum(len(chunk) for chunk in analytics.export_consents(site_id, first, last, "csv"))
        seconds = time.perf_counter() - began
        print(json.dumps({"rows": rows, "seconds": seconds, "bytes": size,
                          "growth_kb": _rss_kb("VmHWM") - before,
                          "backend_cpu": _cpu_seconds(backend) - backend_cpu,
                          "own_cpu": time.process_time() - own_cpu}))


def measure_export(url: str, site_id: int, start: date, end: date) -> None:
    """Runs export_child in a fresh process (its memory is the export's alone) and prints
    its figures against the targets."""
    child = subprocess.run([sys.executable, str(MAIN), "--export-child", url, str(site_id),
                            start.isoformat(), end.isoformat()],
                           capture_output=True, text=True, check=True)
    result = json.loads(child.stdout.strip().splitlines()[-1])
    rate = result["rows"] / result["seconds"]
    growth = result["growth_kb"] / 1024
    print(f"\nraw CSV export of one site ({start} to {end}): {result['rows']} rows, "
          f"{result['bytes'] / 1e6:.0f} MB in {result['seconds']:.1f} s "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    print(f"  {rate:,.0f} rows/s (target >= {ROWS_PER_S:,}) "
          f"{'ok' if rate >= ROWS_PER_S else 'BELOW TARGET'}")
    print(f"  CPU: database backend {result['backend_cpu']:.1f} s "
          f"({result['rows'] / max(result['backend_cpu'], 0.01):,.0f} rows per CPU second), "
          f"this process {result['own_cpu']:.1f} s")
    print(f"  peak memory growth {growth:.1f} MB (target < {MEMORY_MB} MB) "
          f"{'ok' if growth < MEMORY_MB else 'ABOVE TARGET'}")
