"""The dashboard's tally reads on a seeded database (issue 19), with or without deltas waiting
for the compaction, and the compaction itself.

    DATABASE_URL=sqlite:////path/to/copy.sqlite3 python bench/tally_reads.py [--runs 20]
    DATABASE_URL=postgres://...  python bench/tally_reads.py --pend 10000   # then measure
    DATABASE_URL=...             python bench/tally_reads.py --compact      # fold, then measure

Times (p50 / p95 of --runs, this process's CPU and the wall clock) each read the dashboard and
the team view make of the tallies: the open tally, the year's acknowledgements and responses
(`selectors.stage_days`) and complaints by day received (`team.received_by_day`, open and the
trend's year). `--pend N` first moves N counts in each tally with real UPDATEs on the copy
(N open complaints' next deadline a day later, N responded stages' due date a day later, N
complaints' day received a day earlier: 2N delta rows in each tally) and leaves them for the
compaction; `--compact` times `tallies.compact()` first. The database is changed: use a copy.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--pend", type=int, default=0)
    parser.add_argument("--compact", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection, transaction

    from putright.complaints import tallies, team
    from putright.complaints.models import Complaint, Stage
    from putright.complaints.models import tally as tally_models
    from putright.complaints.selectors import open_tally, reporting_year_start, stage_days
    from putright.core.clock import today

    on = today()
    year = reporting_year_start(on)
    if args.pend:
        n = args.pend
        started = time.perf_counter()
        with transaction.atomic():
            ids = list(Complaint.objects.open().order_by("pk").values_list("pk", flat=True)[:n])
            Complaint.objects.filter(pk__in=ids).update(next_due=F_plus("next_due", 1))
            stages = Stage.objects.filter(responded_on__gte=year).order_by("pk")
            sids = list(stages.values_list("pk", flat=True)[:n])
            Stage.objects.filter(pk__in=sids).update(response_due=F_plus("response_due", 1))
            cids = list(Complaint.objects.order_by("-pk").values_list("pk", flat=True)[:n])
            Complaint.objects.filter(pk__in=cids).update(received_on=F_plus("received_on", -1))
        say(f"moved {n} counts in each tally: {time.perf_counter() - started:.1f} s")
    if args.compact:
        started = time.perf_counter()
        folded = tallies.compact()
        say(f"compact: {folded} rows folded in {time.perf_counter() - started:.2f} s")
    models = (tally_models.StageDayTally, tally_models.ComplaintDayTally, tally_models.OpenTallyRow)
    say("tally rows:", {m.__name__: m.objects.count() for m in models})
    since = min(year, team.trend_since(on))
    reads = {
        "open tally": open_tally,
        "acknowledgements, year": lambda: stage_days(
            "acknowledged_on", "ack_due", since=year, until=on
        ),
        "responses, year and trend": lambda: stage_days(
            "responded_on", "response_due", since=since, until=on
        ),
        "received by day, open": lambda: team.received_by_day(open_only=True),
        "received by day, trend": lambda: team.received_by_day(
            since=team.trend_since(on), until=on
        ),
    }
    say(f"{connection.vendor}; p50 / p95 of {args.runs} runs; load {os.getloadavg()}")
    total_cpu, total_wall = [0.0] * args.runs, [0.0] * args.runs
    for name, read in reads.items():
        read()  # warm
        cpu, wall = [], []
        for i in range(args.runs):
            c0, w0 = time.process_time(), time.perf_counter()
            read()
            cpu.append((time.process_time() - c0) * 1000)
            wall.append((time.perf_counter() - w0) * 1000)
            total_cpu[i] += cpu[-1]
            total_wall[i] += wall[-1]
        say(f"  {name:28} CPU {p(cpu)}   wall {p(wall)}")
    say(f"  {'all five':28} CPU {p(total_cpu)}   wall {p(total_wall)}")


def say(*parts: object) -> None:
    print(*parts, flush=True)  # noqa: T201 (a bench reports on stdout)


def F_plus(field: str, days: int):
    from django.db.models import F

    return F(field) + timedelta(days=days)


def p(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return f"{statistics.median(values):7.1f} / {p95:7.1f} ms"


if __name__ == "__main__":
    main()
