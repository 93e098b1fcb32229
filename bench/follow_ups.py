"""Bench the follow-through tracker and the dashboard: N complaints (default 100,000) with one
remedy per five complaints and one outstanding action per ten, then the server time (p50 / p95
of --runs) and query count of the tracker's pages and API and of the dashboard, each against
its goal (issue 19: <= 100 ms p95). Builds on bench/queue_and_case.py's scratch database and
case load.

    python bench/follow_ups.py [--complaints N] [--runs R] [--keep]
                                               (BENCH_DATABASE_URL for PostgreSQL)
    BENCH_SCRATCH=/tmp/copy-of-1m.sqlite3 python bench/follow_ups.py --keep   # a seeded copy

--keep reuses the SQLite scratch database if it is there (seeding 1,000,000 complaints takes a
long while on the shared machine; bench/seed.py makes one). A database that already has
complaints is used as it is (remedies and actions are added only if it has none). The queue's
"needs attention" tabs are measured too, for information (one open stage in twenty is given an
update due when the script seeds).
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from django.db.models import F  # noqa: E402
from queue_and_case import configure, populate  # noqa: E402

GOALS_MS = {  # issue 15: under 100 ms server time at scale
    "follow-ups, first page": 100,
    "follow-ups, overdue": 100,
    "follow-ups, my follow-ups": 100,
    "follow-ups, closed complaints, actions": 100,
    "API follow-ups, overdue": 100,
    "dashboard": 100,
}


def add_follow_ups(today) -> None:
    from putright.complaints.models import Complaint, OutstandingAction, Remedy

    rng = random.Random(15)
    ids = list(Complaint.objects.values_list("pk", "handler_id"))
    remedies, actions = [], []
    for i, (pk, handler_id) in enumerate(ids):
        due = today + timedelta(days=rng.randint(-60, 30))
        done = due + timedelta(days=rng.randint(-3, 5)) if rng.random() < 0.6 else None
        done = done if done is None or done <= today else None
        if i % 5 == 0:
            remedies.append(
                Remedy(
                    complaint_id=pk,
                    remedy_type="apology",
                    description="An apology.",
                    due_on=due,
                    completed_on=done,
                    chased_by_id=handler_id,  # as services.common.follow_ups_chased_by
                )
            )
        if i % 10 == 0:
            actions.append(
                OutstandingAction(
                    complaint_id=pk,
                    description="Repair the roof.",
                    due_on=due,
                    owner_id=handler_id,
                    chased_by_id=handler_id,
                    completed_on=done,
                )
            )
    Remedy.objects.bulk_create(remedies, batch_size=5000)
    OutstandingAction.objects.bulk_create(actions, batch_size=5000)
    print(f"  {len(remedies):,} remedies, {len(actions):,} actions")
    # Some extended stages owe the resident an update (Code 5.9), for the queue's tab.
    from putright.complaints.models import Stage
    from putright.rules.workflow import OPEN_STATES

    owed = Stage.objects.filter(
        complaint__status__in=[s.value for s in OPEN_STATES],
        number=F("complaint__current_stage"),
        responded_on__isnull=True,
    ).values_list("pk", flat=True)
    chosen = [pk for pk in owed.iterator(chunk_size=10_000) if pk % 20 == 0]
    for start in range(0, len(chosen), 5000):
        Stage.objects.filter(pk__in=chosen[start : start + 5000]).update(
            update_due=today + timedelta(days=rng.randint(-5, 10))
        )
    print(f"  {len(chosen):,} stages owe the resident an update")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="reuse the scratch database")
    parser.add_argument(
        "--analyze",
        action="store_true",
        help="ANALYZE after migrating (new indexes get the planner's statistics)",
    )
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", "")
    scratch = Path(os.environ.get("BENCH_SCRATCH", "/tmp/putright-bench-follow.sqlite3"))
    if not url and not (args.keep and scratch.exists()):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{scratch}{suffix}").unlink(missing_ok=True)
    configure(url or f"sqlite:///{scratch}")

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from putright.accounts.models import User
    from putright.complaints.models import Complaint, OutstandingAction, Remedy

    today = timezone.localdate()
    call_command("migrate", verbosity=0)
    if args.analyze:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    started = time.perf_counter()
    if not Complaint.objects.exists():
        populate(args.complaints, today)
    # A seed stopped part-way (--keep) still gets its remedies and actions.
    if not Remedy.objects.exists():
        add_follow_ups(today)
        print(f"  seeded in {time.perf_counter() - started:,.0f} s")
    client = Client()
    client.force_login(User.objects.get(username="handler0"))
    pages = {
        "follow-ups, first page": "/follow-ups/",
        "follow-ups, overdue": "/follow-ups/?state=overdue",
        "follow-ups, my follow-ups": "/follow-ups/?tab=mine&state=open",
        "follow-ups, closed complaints, actions": "/follow-ups/?status=closed&kind=action",
        "API follow-ups, overdue": "/api/v1/follow-ups/?state=overdue",
    }
    failed = 0
    print(
        f"\n{Complaint.objects.count():,} complaints, {Remedy.objects.count():,} remedies, "
        f"{OutstandingAction.objects.count():,} actions; p50 / p95 of {args.runs} runs, "
        "server time"
    )
    pages["dashboard"] = "/dashboard/"
    info = {
        "queue, updates due to residents": "/?scope=all&attention=update_due",
        "queue, letters not sent": "/?scope=all&attention=letter_failed",
        "queue, responses waiting for review": "/?scope=all&attention=review",
    }
    for name, path in {**pages, **info}.items():
        assert client.get(path).status_code == 200, path  # warm-up, and a check
        timings = []
        for _ in range(args.runs):
            start = time.perf_counter()
            assert client.get(path).status_code == 200
            timings.append((time.perf_counter() - start) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        p50 = statistics.median(timings)
        p95 = statistics.quantiles(timings, n=20, method="inclusive")[18]
        line = f"  {name:<40} {p50:8.1f} / {p95:8.1f} ms  ({len(queries)} queries)"
        if name in GOALS_MS:
            ok = p95 <= GOALS_MS[name]
            failed += not ok
            line += f"   goal {GOALS_MS[name]} ms  {'ok' if ok else 'SLOWER'}"
        else:
            line += "   (for information)"
        print(line, flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
