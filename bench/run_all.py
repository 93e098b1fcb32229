"""Every page of issue 19 at scale, each against its goal: one command.

    python bench/run_all.py --reuse --sqlite-path /work/bench-data/1m.sqlite3   # seeded already
    python bench/run_all.py --complaints 1000000 --sqlite-path /tmp/1m.sqlite3   # seed, then measure
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/putright_NAME_1m \\
        python bench/run_all.py --reuse                                          # PostgreSQL
    python bench/run_all.py --reuse ... --only queue,case                        # some groups only
    python bench/run_all.py --reuse ... --reports --import-rows 1000             # and those benches

Seeds with `bench/seed.py` unless --reuse (then it only migrates the database it is given, so
a copy of the shared seeded database picks up your branch's migrations), then times the server
side of each page through Django's test client (`search.measure_paths`: p50 and p95 of --runs
runs after a warm-up, and the queries one request makes) and prints PASS or OVER against the
goal of issue 19 (p95, server time):

- work queue, every tab and filter, first and a later page: 50 ms;
- search everything and the resident finder, each kind of query (`search.queries_for`): 100 ms;
- case page (45 record entries, two stages: `queue_and_case.rich_case`): 50 ms and 15 queries;
- dashboard: 100 ms; follow-through tracker pages: 100 ms.

--reports runs `reporting_100k.py` on its own scratch database (a year of --report-complaints
complaints; goal 1 s a report) and --import-rows N runs `import_rate.py N` (goal 1,000 rows a
second); both print their own lines, each report line marked against its goal here.
"""

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import search  # noqa: E402  (measure_paths, queries_for)
import seed  # noqa: E402  (the one seed, the queue and follow-up paths)

QUEUE_GOAL_MS = 50
SEARCH_GOAL_MS = 100
CASE_GOAL_MS = 50
CASE_GOAL_QUERIES = 15
DASHBOARD_GOAL_MS = 100
FOLLOW_UPS_GOAL_MS = 100
REPORT_GOAL_S = 1.0
LATER_PAGE = 20


def groups(reference: str) -> dict[str, tuple[dict[str, str], int, int | None]]:
    """name -> (pages, p95 goal in ms, query goal or None)."""
    queue = {}
    for path in seed.queue_paths():
        label = path.removeprefix("/?") or "my cases (default)"
        queue[f"{label}"] = path
        later = f"{path}{'&' if '?' in path else '?'}page={LATER_PAGE}"
        queue[f"{label}, page {LATER_PAGE}"] = later
    return {
        "queue": (queue, QUEUE_GOAL_MS, None),
        "search": (search.queries_for(), SEARCH_GOAL_MS, None),
        "case": (
            {"case page (45 entries, 2 stages)": f"/complaints/{reference}/"},
            CASE_GOAL_MS,
            CASE_GOAL_QUERIES,
        ),
        "dashboard": ({"dashboard": "/dashboard/"}, DASHBOARD_GOAL_MS, None),
        "follow-ups": (
            {p.removeprefix("/"): p for p in seed.follow_up_paths()},
            FOLLOW_UPS_GOAL_MS,
            None,
        ),
    }


def run_pages(only: set[str] | None, runs: int, clock=time.perf_counter) -> int:
    from putright.complaints.models import Complaint

    rich = Complaint.objects.filter(resident__full_name="Rosa Bell").order_by("-id").first()
    over = 0
    for group, (pages, goal_ms, goal_queries) in groups(rich.reference).items():
        if only and group not in only:
            continue
        goal = f"p95 <= {goal_ms} ms" + (f", <= {goal_queries} queries" if goal_queries else "")
        print(f"\n{group} (goal {goal})")
        print(f"  {'page':<58} {'p50':>8} {'p95':>8} {'queries':>8}  result  found")
        for name, p50, p95, queries, found in search.measure_paths(pages, runs, clock=clock):
            ok = p95 <= goal_ms and (goal_queries is None or queries <= goal_queries)
            over += not ok
            print(
                f"  {name[:58]:<58} {p50:6.1f}ms {p95:6.1f}ms {queries:>8}  "
                f"{'PASS' if ok else 'OVER'}    {found if found != '?' else ''}",
                flush=True,
            )
    return over


def run_reports(complaints: int, url: str) -> int:
    """reporting_100k.py on its own scratch database; each report line against 1 s."""
    env = {**os.environ, "DATABASE_URL": url}
    if url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    print(f"\nreports, {complaints:,} complaints in a year (goal {REPORT_GOAL_S:.0f} s each)")
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "reporting_100k.py"),
            "--complaints",
            str(complaints),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    over = 0
    for line in proc.stdout.splitlines():
        m = re.match(r"(.+?)\s+([\d.]+) s wall", line)
        if m and not m.group(1).startswith(("bulk-create", "load stage facts")):
            ok = float(m.group(2)) <= REPORT_GOAL_S
            over += not ok
            print(f"  {line}  {'PASS' if ok else 'OVER'}")
        else:
            print(f"  {line}")
    if proc.returncode:
        print(proc.stderr[-2000:])
        over += 1
    return over


def run_import(rows: int, url: str) -> int:
    env = {**os.environ, "DATABASE_URL": url}
    print(f"\nimport, {rows:,} rows (goal 1,000 rows a second)")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "import_rate.py"), str(rows)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [line for line in proc.stdout.splitlines() if "rows" not in line or "goal" in line]
    for line in lines:
        print(f"  {line}")
    if proc.returncode:
        print(proc.stderr[-2000:])
    return 0 if "NOT met" not in proc.stdout and not proc.returncode else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="measure the seeded database given")
    parser.add_argument("--sqlite-path", default="/tmp/putright-bench-all.sqlite3")
    parser.add_argument(
        "--only", default="", help="comma-separated: queue,search,case,dashboard,follow-ups"
    )
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="time this process's CPU, not the wall clock (SQLite: the database's work included)",
    )
    parser.add_argument("--reports", action="store_true", help="also run the report bench")
    parser.add_argument("--report-complaints", type=int, default=100_000)
    parser.add_argument(
        "--report-database",
        default="sqlite:////tmp/putright-bench-reports.sqlite3",
        help="a scratch database for the report bench (must hold no complaints)",
    )
    parser.add_argument("--import-rows", type=int, default=0, help="also run the import bench")
    parser.add_argument("--import-database", default="sqlite:////tmp/putright-import-rate.sqlite3")
    args = parser.parse_args()

    started = time.perf_counter()
    url = seed.seeded(args.complaints, args.sqlite_path, reuse=args.reuse)
    from putright.complaints.models import Complaint

    total = Complaint.objects.count()
    closed = Complaint.objects.filter(status="closed").count()
    open_ = Complaint.objects.open().count()
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"{total:,} complaints ({closed:,} closed, {open_:,} open) on {url.split(':')[0]}; "
        f"p50 / p95 of "
        f"{args.runs} runs, server {'CPU' if args.cpu else 'wall'} time; load average {load}"
    )
    only = {g.strip() for g in args.only.split(",") if g.strip()} or None
    over = run_pages(only, args.runs, time.process_time if args.cpu else time.perf_counter)
    if args.reports:
        over += run_reports(args.report_complaints, args.report_database)
    if args.import_rows:
        over += run_import(args.import_rows, args.import_database)
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n{over} over goal; {time.perf_counter() - started:.0f} s; load average {load}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
