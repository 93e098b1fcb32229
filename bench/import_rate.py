"""Rows a second of the history import, with queries a row, CPU time and peak memory.

    python bench/import_rate.py 2000                         # SQLite, a fresh /tmp database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/putright_importbench \\
        python bench/import_rate.py 2000                     # PostgreSQL (dropped and made again)

It writes N synthetic rows (putright.imports.synthetic, seed 7) to a CSV file, imports it
from the file (streamed, as the command does) and prints wall time, CPU time (the machine is
shared: CPU time compares runs better than wall time), queries a row, peak memory and the load
average, against the goal of 1,000 rows a second. --profile FILE also writes a cProfile dump;
--serial-writes sends a chunk's statements one answer at a time (PostgreSQL), to compare.
"""

import argparse
import cProfile
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "putright.settings")
DEFAULT_SQLITE = "sqlite:////tmp/putright-import-rate.sqlite3"
os.environ.setdefault("DATABASE_URL", DEFAULT_SQLITE)
GOAL_ROWS_PER_SECOND = 1000


def fresh_database(url: str) -> None:
    if url.startswith("sqlite:"):
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    if "bench" not in name or "127.0.0.1" not in base:
        raise SystemExit("Use a local PostgreSQL database whose name contains 'bench'.")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("rows", type=int, nargs="?", default=2000)
    parser.add_argument("--profile", type=Path)
    parser.add_argument(
        "--serial-writes",
        action="store_true",
        help="PostgreSQL: each statement waits for its answer (core.held.PIPELINED off), to compare",
    )
    args = parser.parse_args()
    fresh_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from putright.core import held
    from putright.imports.services import import_complaints

    held.PIPELINED = not args.serial_writes
    from putright.imports.synthetic import write_csv

    call_command("migrate", verbosity=0)
    exec(Path(__file__).with_name("setup_import_bench.py").read_text())  # noqa: S102
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
        write_csv(args.rows, f)
    path = Path(f.name)
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    def progress(stage: str, rows: int, total: int) -> None:
        print(f"  {stage} {rows:,}" + (f" of {total:,}" if total else "") + " rows", flush=True)

    profile = cProfile.Profile() if args.profile else None
    cpu, wall = time.process_time(), time.monotonic()
    with connection.execute_wrapper(count):
        if profile:
            profile.enable()
        report = import_complaints(path=path, file_name=path.name, progress=progress)
        if profile:
            profile.disable()
    cpu, wall = time.process_time() - cpu, time.monotonic() - wall
    path.unlink()
    if profile:
        profile.dump_stats(args.profile)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rate = args.rows / wall
    print(
        f"{connection.vendor}: {args.rows:,} rows ({report.created:,} created, "
        f"{report.invalid} invalid) in {wall:,.1f} s wall, {cpu:,.1f} s CPU; "
        f"{rate:,.0f} rows/s wall, {args.rows / cpu:,.0f} rows/s CPU "
        f"(goal {GOAL_ROWS_PER_SECOND:,}: {'met' if rate >= GOAL_ROWS_PER_SECOND else 'NOT met'}); "
        f"{queries / args.rows:.1f} queries a row; peak memory {peak:,.0f} MB; "
        f"load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
