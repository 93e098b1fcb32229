"""Bench the follow-through tracker: N complaints (default 100,000) with one remedy per five
complaints and one outstanding action per ten, then the median server time of the tracker's
pages and API. Builds on bench/queue_and_case.py's scratch database and case load.

    python bench/follow_ups.py [--complaints N] [--runs R]   (BENCH_DATABASE_URL for PostgreSQL)
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

from queue_and_case import configure, populate  # noqa: E402

GOALS_MS = {  # issue 15: under 100 ms server time at scale
    "follow-ups, first page": 100,
    "follow-ups, overdue": 100,
    "follow-ups, my follow-ups": 100,
    "follow-ups, closed complaints, actions": 100,
    "API follow-ups, overdue": 100,
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
                )
            )
        if i % 10 == 0:
            actions.append(
                OutstandingAction(
                    complaint_id=pk,
                    description="Repair the roof.",
                    due_on=due,
                    owner_id=handler_id,
                    completed_on=done,
                )
            )
    Remedy.objects.bulk_create(remedies, batch_size=5000)
    OutstandingAction.objects.bulk_create(actions, batch_size=5000)
    print(f"  {len(remedies):,} remedies, {len(actions):,} actions")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", "")
    scratch = Path("/tmp/putright-bench-follow.sqlite3")
    if not url:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{scratch}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{scratch}"
    configure(url)

    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from putright.accounts.models import User
    from putright.complaints.models import Complaint

    today = timezone.localdate()
    call_command("migrate", verbosity=0)
    if not Complaint.objects.exists():
        populate(args.complaints, today)
        add_follow_ups(today)
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
    print(f"\n{Complaint.objects.count():,} complaints; median of {args.runs} runs, server time")
    for name, path in pages.items():
        assert client.get(path).status_code == 200, path
        timings = []
        for _ in range(args.runs):
            start = time.perf_counter()
            assert client.get(path).status_code == 200
            timings.append((time.perf_counter() - start) * 1000)
        ms = statistics.median(timings)
        ok = ms <= GOALS_MS[name]
        failed += not ok
        print(f"  {name:<45} {ms:8.1f} ms   goal {GOALS_MS[name]} ms  {'ok' if ok else 'SLOWER'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
