"""A closure on a seeded database: what saving it costs, and what each later batch of the
recount costs (issue 19; ``complaints.services.closures``).

    DATABASE_URL=sqlite:////tmp/seed.sqlite3 python bench/closure_recount.py --batches 30
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/putright_NAME_bench \\
        python bench/closure_recount.py --batches 30

Seed first (`bench/seed.py --complaints N`, then `manage.py migrate`). Adds a closure three
working days ahead as the admin does (``closure_add``: the recount's first batch inside the
closure's transaction), then runs up to --batches more batches as the task does
(``_recount_batch``), timing each (wall and this process's CPU; on PostgreSQL the server's
time is in the wall only), and prints the estimate for every open stage. Everything is rolled
back at the end: the database is left as it was.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "putright.settings")


class _RolledBack(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batches", type=int, default=30)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import transaction

    from putright.accounts.models import User
    from putright.complaints.models import Complaint, DeadlineRecount
    from putright.complaints.services import closures
    from putright.core.clock import today

    actor = User.objects.filter(is_superuser=True).first() or User.objects.first()
    open_cases = Complaint.objects.filter(closed_on__isnull=True).count()
    day = today() + timedelta(days=3)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    print(f"open complaints: {open_cases:,}; closure on {day}; {closures.RECOUNT_BATCH} a batch")
    try:
        with transaction.atomic():
            wall, cpu = time.perf_counter(), time.process_time()
            closures.closure_add(day=day, reason="bench", actor=actor)
            print(
                f"saving the closure (its first batch): {time.perf_counter() - wall:.2f} s "
                f"wall, {time.process_time() - cpu:.2f} s CPU"
            )
            recount = DeadlineRecount.objects.get(finished_at__isnull=True)
            walls, cpus = [], []
            for _ in range(args.batches):
                wall, cpu = time.perf_counter(), time.process_time()
                done, _moved = closures._recount_batch(recount.pk)
                walls.append(time.perf_counter() - wall)
                cpus.append(time.process_time() - cpu)
                if done:
                    break
            recount.refresh_from_db()
            batches = -(-open_cases // closures.RECOUNT_BATCH)
            print(
                f"{len(walls)} more batches: {recount.moved:,} cases moved in all; a batch "
                f"p50 {statistics.median(walls):.2f} s wall (max {max(walls):.2f}), "
                f"{statistics.median(cpus):.2f} s CPU; about {batches:,} batches for every "
                f"open complaint: about {batches * statistics.median(walls) / 60:.0f} min"
            )
            raise _RolledBack
    except _RolledBack:
        print("rolled back")


if __name__ == "__main__":
    main()
