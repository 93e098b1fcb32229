"""Bench: what the search row's copies of the queue's columns cost a write (issue 19, srch23).

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/putright_NAME_1m \\
        python bench/search_copies.py --runs 300

On a seeded PostgreSQL database migrated to complaints 0026: open complaints, chosen at random
(seed 19), each moved in a transaction that is rolled back (the database is left as it was):
- "update": one UPDATE of the columns a transition writes (status, next_due, handler), the
  statement alone;
- "withdraw": ``services.complaint_withdraw``, a whole transition (its reads, the complaint's
  save, the event, the tallies' triggers).
Each with the copy trigger (``complaints_complaintsearch_copy``) on and, in turn, set aside
(ALTER TABLE ... DISABLE TRIGGER in the same rolled-back transaction: what main does), in
alternating blocks so both see the same load; p50 / p95 ms of each, wall and this process's CPU.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import queue_and_case  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--block", type=int, default=25)
    args = parser.parse_args()
    queue_and_case.configure(os.environ["BENCH_DATABASE_URL"])
    from django.db import connection, transaction

    from putright.accounts.models import User
    from putright.complaints import services
    from putright.complaints.models import Complaint

    assert connection.vendor == "postgresql"
    actor = User.objects.get(username="handler0")
    other = User.objects.get(username="handler1")
    ids = list(
        Complaint.objects.open().filter(status="stage1_open").values_list("pk", flat=True)[:20000]
    )
    rng = random.Random(19)
    timings: dict[tuple[str, bool], list[tuple[float, float]]] = {}

    def once(kind: str, pk: int, trigger_on: bool) -> None:
        with transaction.atomic():
            if not trigger_on:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "ALTER TABLE complaints_complaint "
                        "DISABLE TRIGGER complaints_complaintsearch_copy"
                    )
            wall, cpu = time.perf_counter(), time.process_time()
            if kind == "update":
                with connection.cursor() as cursor:
                    cursor.execute(
                        "UPDATE complaints_complaint SET status = 'stage2_requested', "
                        "next_due = next_due + 3, handler_id = %s WHERE id = %s",
                        [other.pk, pk],
                    )
            else:
                services.complaint_withdraw(
                    complaint=Complaint.objects.get(pk=pk), reason="Sorted", actor=actor
                )
            took = ((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000)
            timings.setdefault((kind, trigger_on), []).append(took)
            transaction.set_rollback(True)

    done = 0
    while done < args.runs:
        for trigger_on in (True, False):
            for kind in ("update", "withdraw"):
                for _ in range(args.block):
                    once(kind, rng.choice(ids), trigger_on)
        done += args.block
    print(f"{args.runs} moves each, load average {os.getloadavg()[0]:.1f}")
    print(f"  {'':<28} {'wall p50':>9} {'wall p95':>9} {'CPU p50':>8} {'CPU p95':>8}")
    for (kind, trigger_on), rows in sorted(timings.items()):
        walls = sorted(w for w, _ in rows)
        cpus = sorted(c for _, c in rows)
        at95 = round(0.95 * (len(rows) - 1))
        name = f"{kind}, copies {'kept' if trigger_on else 'set aside'}"
        print(
            f"  {name:<28} {statistics.median(walls):8.2f} {walls[at95]:8.2f} "
            f"{statistics.median(cpus):8.2f} {cpus[at95]:8.2f}"
        )


if __name__ == "__main__":
    main()
