"""The tallies' compaction on a seeded database (issue 19, branch tally20): one compaction as
the minute's job makes it, and the deltas a bulk move leaves (a closure's ``deadlines_recount``
moving every open deadline) and their fold.

    DATABASE_URL=... python bench/tally_fold.py --compactions 5   # time `tallies.compact()`
    DATABASE_URL=... python bench/tally_fold.py --move-open       # move every open deadline
    DATABASE_URL=... python bench/tally_fold.py --fold            # fold as the services do

`--compactions N` times N compactions one after the other (the first folds what is pending,
the rest find nothing much: the usual minute). `--move-open` moves, in one transaction, every
open complaint's next deadline and its current unanswered stage's due dates a day later (what
the recount of a closure does to the tallies; the recount itself, a service call and an event
a complaint, takes far longer at 1,000,000 complaints) and leaves the deltas; measure the
dashboard then (`run_all.py --only dashboard`), then `--fold` (``tallies.fold_after_bulk``,
what the recount now calls before it returns) and measure again. CPU of this process and the
wall clock. The database is changed: use a copy.
"""

import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "putright.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compactions", type=int, default=0)
    parser.add_argument("--move-open", action="store_true")
    parser.add_argument("--fold", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection, transaction
    from django.db.models import F

    from putright.complaints import tallies
    from putright.complaints.models import Complaint, Stage
    from putright.rules.workflow import OPEN_STATES

    say(f"{connection.vendor}; load {os.getloadavg()}; tally rows {rows(tallies)}")
    if args.move_open:
        day = timedelta(days=1)
        c0, w0 = time.process_time(), time.perf_counter()
        with transaction.atomic():
            stages = Stage.objects.filter(
                complaint__status__in=[s.value for s in OPEN_STATES],
                responded_on__isnull=True,
                number=F("complaint__current_stage"),
            )
            moved_stages = stages.update(
                ack_due=F("ack_due") + day, response_due=F("response_due") + day
            )
            moved = (
                Complaint.objects.open()
                .filter(next_due__isnull=False)
                .update(next_due=F("next_due") + day)
            )
        say(
            f"moved {moved} complaints' and {moved_stages} stages' deadlines: "
            f"{time.process_time() - c0:.1f} s CPU, {time.perf_counter() - w0:.1f} s wall; "
            f"tally rows {rows(tallies)}"
        )
    if args.fold:
        c0, w0 = time.process_time(), time.perf_counter()
        with transaction.atomic():
            folded = tallies.fold_after_bulk(tallies.FOLD_AFTER)
        say(
            f"fold: {folded} rows fewer, {time.process_time() - c0:.2f} s CPU, "
            f"{time.perf_counter() - w0:.2f} s wall; tally rows {rows(tallies)}"
        )
    for i in range(args.compactions):
        c0, w0 = time.process_time(), time.perf_counter()
        folded = tallies.compact()
        say(
            f"compaction {i + 1}: {folded} rows fewer, {(time.process_time() - c0) * 1000:.0f} ms "
            f"CPU, {(time.perf_counter() - w0) * 1000:.0f} ms wall"
        )


def rows(tallies: object) -> int:
    from django.db import connection

    with connection.cursor() as c:
        total = 0
        for t in tallies.TALLIES:  # type: ignore[attr-defined]
            c.execute(f"SELECT COUNT(*) FROM {t.table}")  # noqa: S608 (our own constants)
            total += c.fetchone()[0]
    return total


def say(*parts: object) -> None:
    print(*parts, flush=True)  # noqa: T201 (a bench reports on stdout)


if __name__ == "__main__":
    main()
