"""Intake CPU: the server CPU of one `POST /api/v1/complaints/`, measured in process (issue 19).

    .venv/bin/python bench/intake_cpu.py                                # SQLite file in /tmp
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/putright_x_bench \\
        .venv/bin/python bench/intake_cpu.py                            # PostgreSQL (made afresh)
    .venv/bin/python bench/intake_cpu.py --keep --profile tottime       # and a cProfile

Seeds a scratch database with --complaints complaints (bench/seed.py, the benches' one seed;
--keep reuses it), makes a handler's API token with the product's token service, then sends
--creates `POST /api/v1/complaints/` through Django's test client — the whole middleware stack
and the view, as the production server runs them, less the WSGI server — each with its own
Idempotency-Key. It prints the CPU a create (`time.process_time` of this process: p50 / p95 /
mean, after --warm-up creates), how much of it ran inside a transaction (on SQLite the
database's one write lock: what bounds the rate of concurrent creates), the queries a create,
and what that CPU would allow on two idle cores; on PostgreSQL the server's side is not in it (see bench/intake_rate.py for the
whole server). It checks each answer is a 201 with a new reference. `--profile KEY` runs the
creates under cProfile and prints the top functions sorted by KEY (tottime or cumulative).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import seed  # noqa: E402  (the benches' one seed)

DESCRIPTION = (
    "Water has been coming through the kitchen ceiling since the upstairs flat's bath leaked, "
    "and the repair booked for last week never happened. I want it fixed and the ceiling made "
    "good."
)


def backend_cpu(connection) -> float:
    """PostgreSQL: CPU seconds (user + system) so far of this connection's server process
    (on this machine); 0 for SQLite, whose work is in this process."""
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--complaints", type=int, default=5000)
    parser.add_argument("--creates", type=int, default=500)
    parser.add_argument("--warm-up", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="reuse the scratch database")
    parser.add_argument("--profile", choices=["tottime", "cumulative"], default=None)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--dump", metavar="FILE", help="with --profile: write the stats there")
    parser.add_argument(
        "--counter-span",
        action="store_true",
        help="also the wall time a create holds the year's reference counter (from its UPDATE "
        "to the end of the request, the commit in it) beside the create's whole wall time",
    )
    args = parser.parse_args()
    scratch = os.environ.get("BENCH_SCRATCH", "/tmp/putright-bench-intake-cpu.sqlite3")
    seed.seeded(args.complaints, scratch, reuse=args.keep, log=lambda *a, **k: None)

    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from putright.accounts import services as accounts
    from putright.accounts.models import User
    from putright.complaints.models import Complaint
    from putright.people.models import Resident

    handler = User.objects.get(username="handler0")
    _, key = accounts.api_token_create(
        user=handler, name="intake cpu bench", days=1, actor=handler, two_step_verified=True
    )
    residents = list(Resident.objects.order_by("pk").values_list("pk", flat=True)[:200])
    today = timezone.localdate().isoformat()
    client = Client(
        HTTP_AUTHORIZATION=f"Token {key}",
        HTTP_X_FORWARDED_PROTO="https",
        HTTP_HOST="localhost",
    )
    seen: set[str] = set()

    def create(i: int) -> None:
        body = {
            "resident": residents[i % len(residents)],
            "channel": "email",
            "received_on": today,
            "description": f"{DESCRIPTION} (bench {i})",
            "outcome_wanted": "The ceiling repaired.",
        }
        response = client.post(
            "/api/v1/complaints/",
            json.dumps(body),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
            secure=True,
        )
        assert response.status_code == 201, response.content[:500]
        reference = json.loads(response.content)["reference"]
        assert reference not in seen
        seen.add(reference)

    before = Complaint.objects.count()
    for i in range(args.warm_up):
        create(i)
    queries: list[str] = []  # (a wrapper: request_started resets Django's query log)

    def note(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(note):
        create(args.warm_up)
    inside = [0.0]  # CPU inside transactions, this create (BEGIN to COMMIT / ROLLBACK)
    began = [0.0]
    set_autocommit = connection.set_autocommit

    def timed_autocommit(autocommit, *a, **k):
        if not autocommit:
            began[0] = time.process_time()
        result = set_autocommit(autocommit, *a, **k)
        if autocommit:
            inside[0] += time.process_time() - began[0]
        return result

    connection.set_autocommit = timed_autocommit
    locked = []
    profiler = cProfile.Profile() if args.profile else None
    backend_before = backend_cpu(connection)
    cpu = []
    # (counter held, whole create) in wall ms, and the same in this process's CPU ms
    spans: list[tuple[float, float, float, float]] = []
    counter_taken: list[tuple[float, float]] = []

    def note_counter(execute, sql, params, many, context):
        if "referencecounter" in sql or "reference_counter" in sql:
            counter_taken.append((time.perf_counter(), time.process_time()))
        return execute(sql, params, many, context)

    for i in range(args.warm_up + 1, args.warm_up + 1 + args.creates):
        if profiler:
            profiler.enable()
        if args.counter_span:
            counter_taken.clear()
            wall, start = time.perf_counter(), time.process_time()
            with connection.execute_wrapper(note_counter):
                create(i)
            end, end_cpu = time.perf_counter(), time.process_time()
            (taken, taken_cpu), *_ = counter_taken
            spans.append(
                (
                    (end - taken) * 1000,
                    (end - wall) * 1000,
                    (end_cpu - taken_cpu) * 1000,
                    (end_cpu - start) * 1000,
                )
            )
            continue
        inside[0] = 0.0
        start = time.process_time()
        create(i)
        cpu.append((time.process_time() - start) * 1000)
        locked.append(inside[0] * 1000)
        if profiler:
            profiler.disable()
    if spans:
        held_for, whole, held_cpu, whole_cpu = (
            statistics.median(s[k] for s in spans) for k in range(4)
        )
        print(
            f"{connection.vendor}: {args.creates} creates, p50s: wall time a create "
            f"{whole:.2f} ms, of which the year's reference counter is held (its UPDATE to the "
            f"request's end, the commit in it) {held_for:.2f} ms ({100 * held_for / whole:.0f} %)"
            f"; this process's CPU a create {whole_cpu:.2f} ms, of which with the counter held "
            f"{held_cpu:.2f} ms ({100 * held_cpu / whole_cpu:.0f} %); one holder at a time "
            f"allows at most ~{1000 / held_for:.0f} a second; load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        return 0
    backend = (backend_cpu(connection) - backend_before) * 1000 / args.creates
    made = Complaint.objects.count() - before
    assert made == args.warm_up + 1 + args.creates, made
    p50 = statistics.median(cpu)
    p95 = statistics.quantiles(cpu, n=20, method="inclusive")[18]
    mean = statistics.fmean(cpu)
    engine = connection.vendor
    print(
        f"{engine}: {args.creates} creates after {args.warm_up} warm-up, {before:,} complaints "
        f"before; CPU a create p50 {p50:.1f} / p95 {p95:.1f} / mean {mean:.1f} ms; "
        f"inside its transaction p50 {statistics.median(locked):.1f} / mean "
        f"{statistics.fmean(locked):.1f} ms (SQLite's lock: ~{1000 / statistics.fmean(locked):.0f}"
        " a second at most); "
        f"{len(queries)} queries a create; on two idle cores ~{2000 / mean:.0f} a second "
        f"(this process's CPU only)"
        + (f"; PostgreSQL backend CPU a create {backend:.1f} ms" if backend else "")
        + f"; load {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    if os.environ.get("INTAKE_CPU_SQL"):
        for sql in queries:
            print("   ", sql[:300])
    if profiler:
        stats = pstats.Stats(profiler)
        if args.dump:
            stats.dump_stats(args.dump)
        # Unlike CPU time on a shared machine, the work counted does not move with the load.
        print(f"{stats.total_calls / args.creates:,.0f} Python function calls a create", flush=True)
        stats.sort_stats(args.profile).print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
