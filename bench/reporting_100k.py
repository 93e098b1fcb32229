"""Time the reports on one reporting year of complaints bulk-created in a scratch database.

    DATABASE_URL=sqlite:////tmp/putright_bench.sqlite3 \
        /tmp/venv/bin/python bench/reporting_100k.py --complaints 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/putright_bench_issue6 \
        /tmp/venv/bin/python bench/reporting_100k.py --complaints 100000

It refuses to run against a database that already holds complaints (use a scratch one). Rows
are bulk-created (not through the services: 100k service calls would take hours) with the same
deadline arithmetic the services use, so the reports see realistic clocks: most answered on
time, some extended, some late, a share escalated, a few refused.
"""

import argparse
import hashlib
import os
import random
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "putright.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.core.paginator import Paginator  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from putright.accounts.models import User  # noqa: E402
from putright.complaints.models import (  # noqa: E402
    Category,
    Complaint,
    ComplaintPoint,
    Decision,
    Exclusion,
    Extension,
    Remedy,
    Response,
    Stage,
)
from putright.people.models import Property, Resident, Tenancy  # noqa: E402
from putright.reporting import exports, reports, services  # noqa: E402
from putright.reporting.figures import reporting_year  # noqa: E402
from putright.reporting.models import HomesCount  # noqa: E402
from putright.rules.calendar import WorkingCalendar, add_working_days  # noqa: E402

YEAR = 2025
BATCH = 5000


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _populate(count: int, rng: random.Random) -> None:
    cal = WorkingCalendar.england_and_wales()
    staff = [
        User.objects.get_or_create(username=f"bench{i}", defaults={"role": "handler"})[0]
        for i in range(12)
    ]
    officer = User.objects.get_or_create(username="bench-officer", defaults={"role": "officer"})[0]
    categories = [
        Category.objects.get_or_create(
            code=code, defaults={"name": code.replace("-", " ").title()}
        )[0]
        for code in (
            "repairs",
            "damp-mould",
            "asb-handling",
            "staff-conduct",
            "rent",
            "estate",
            "communal",
            "heating",
            "lettings",
            "other",
        )
    ]
    homes = Property.objects.bulk_create(
        [
            Property(
                address_line_1=f"{i} Bench Road",
                town="Benchton",
                postcode="BN1 1AA",
                estate=f"Estate {i % 40}",
                block=f"Block {i % 7}",
            )
            for i in range(count // 2)
        ],
        batch_size=BATCH,
    )
    residents = Resident.objects.bulk_create(
        [Resident(full_name=f"Resident {i}", home=homes[i]) for i in range(len(homes))],
        batch_size=BATCH,
    )
    tenures = ["lcra"] * 17 + ["lcho"] * 2 + ["leasehold"]
    Tenancy.objects.bulk_create(
        [
            Tenancy(resident=r, home=r.home, tenure=rng.choice(tenures), start_on=date(2015, 1, 1))
            for r in residents
        ],
        batch_size=BATCH,
    )
    start = reporting_year(YEAR).start
    complaints, plans = [], []
    for i in range(count):
        received = start + timedelta(days=rng.randrange(365))
        complaints.append(
            Complaint(
                reference=f"CMP-B{YEAR}-{i:07d}",
                resident=residents[i % len(residents)],
                home=residents[i % len(residents)].home,
                category=rng.choice(categories),
                channel="phone",
                received_on=received,
                description="Bench complaint",
                status="closed",
                current_stage=1,
            )
        )
        plans.append(received)
    complaints = Complaint.objects.bulk_create(complaints, batch_size=BATCH)
    points = ComplaintPoint.objects.bulk_create(
        [
            ComplaintPoint(complaint=c, number=1, text="The repair", added_on=c.received_on)
            for c in complaints
        ],
        batch_size=BATCH,
    )
    stages, exclusions, escalate = [], [], []
    for complaint in complaints:
        received = complaint.received_on
        if rng.random() < 0.03:
            exclusions.append(
                Exclusion(
                    complaint=complaint,
                    stage=1,
                    ground="asb",
                    reasoning="ASB process",
                    decided_on=received,
                    decided_by=officer,
                )
            )
            complaint.status = "excluded"
            stages.append(
                Stage(
                    complaint=complaint,
                    number=1,
                    requested_on=received,
                    ack_due=add_working_days(received, 5, calendar=cal),
                )
            )
            continue
        handler = rng.choice(staff)
        ack = add_working_days(received, rng.choice([0, 1, 2, 3, 4, 5, 5, 6]) or 1, calendar=cal)
        due = add_working_days(ack, 10, calendar=cal)
        extended = rng.random() < 0.1
        new_due = (
            add_working_days(due, rng.choice([5, 10, 10, 12]), calendar=cal) if extended else due
        )
        answered = add_working_days(
            ack, rng.choice([4, 6, 8, 9, 10, 10, 11, 14] + ([18] if extended else [])), calendar=cal
        )
        stage = Stage(
            complaint=complaint,
            number=1,
            requested_on=received,
            ack_due=add_working_days(received, 5, calendar=cal),
            acknowledged_on=ack,
            response_due_original=due,
            response_due=new_due,
            responded_on=answered,
            handler=handler,
        )
        stages.append(stage)
        if rng.random() < 0.15:
            escalate.append((complaint, handler, answered))
    for complaint, handler, answered in escalate:
        requested = add_working_days(answered, rng.randrange(1, 15), calendar=cal)
        ack = add_working_days(requested, rng.choice([1, 3, 5, 6]), calendar=cal)
        due = add_working_days(ack, 20, calendar=cal)
        stages.append(
            Stage(
                complaint=complaint,
                number=2,
                requested_on=requested,
                ack_due=add_working_days(requested, 5, calendar=cal),
                acknowledged_on=ack,
                response_due_original=due,
                response_due=due,
                responded_on=add_working_days(ack, rng.choice([12, 18, 20, 24]), calendar=cal),
                handler=rng.choice([s for s in staff if s != handler]),
            )
        )
        complaint.current_stage = 2
    Complaint.objects.bulk_update(complaints, ["status", "current_stage"], batch_size=BATCH)
    Exclusion.objects.bulk_create(exclusions, batch_size=BATCH)
    stages = Stage.objects.bulk_create(stages, batch_size=BATCH)
    answered = [s for s in stages if s.responded_on]
    Extension.objects.bulk_create(
        [
            Extension(
                stage=s,
                previous_due=s.response_due_original,
                new_due=s.response_due,
                agreed_on=s.response_due_original,
                working_days=10,
                reason="Survey",
                resident_informed_on=s.response_due_original,
                update_interval_days=5,
                created_by=s.handler,
            )
            for s in answered
            if s.response_due != s.response_due_original
        ],
        batch_size=BATCH,
    )
    responses = Response.objects.bulk_create(
        [
            Response(
                stage=s,
                issued_on=s.responded_on,
                summary="Answer",
                author=s.handler,
                learning="Book surveys sooner" if rng.random() < 0.1 else "",
            )
            for s in answered
        ],
        batch_size=BATCH,
    )
    point_of = {p.complaint_id: p for p in points}
    outcomes = ["upheld", "partly_upheld", "not_upheld"]
    Decision.objects.bulk_create(
        [
            Decision(
                response=r,
                point=point_of[r.stage.complaint_id],
                outcome=rng.choice(outcomes),
                reasons="Because",
            )
            for r in responses
        ],
        batch_size=BATCH,
    )
    Remedy.objects.bulk_create(
        [
            Remedy(
                complaint_id=r.stage.complaint_id,
                response=r,
                remedy_type=rng.choice(["apology", "financial"]),
                description="Put right",
                due_on=r.issued_on + timedelta(days=14),
                completed_on=r.issued_on + timedelta(days=rng.randrange(5, 20)),
                amount=Decimal("50.00") if rng.random() < 0.3 else None,
            )
            for r in responses
        ],
        batch_size=BATCH,
    )
    HomesCount.objects.create(year=YEAR, lcra_homes=42000, lcho_homes=5000, recorded_by=officer)


def _server_cpu() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL server process (same machine),
    None on SQLite (whose work is this process's own)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _timed(label: str, call):
    """Run `call`, reporting wall-clock time and this process's CPU time (on a shared machine
    the CPU time is the steadier number), and with PostgreSQL the server process's CPU time."""
    server = _server_cpu()
    wall, cpu = time.perf_counter(), time.process_time()
    result = call()
    elapsed, used = time.perf_counter() - wall, time.process_time() - cpu
    after = _server_cpu()
    extra = "" if server is None or after is None else f" + {after - server:6.2f} s server cpu"
    say(f"{label:<48} {elapsed:7.2f} s wall {used:7.2f} s cpu{extra}")
    return result


def _digest(report: object) -> str:
    """A short fingerprint of a report's figures (every field, each figure's complaints too),
    so two runs can be compared."""
    return hashlib.sha256(repr(report).encode()).hexdigest()[:16]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument(
        "--slow",
        action="store_true",
        help="time the reports from one fact per stage with every clock counted again",
    )
    parser.add_argument(
        "--facts",
        action="store_true",
        help="time the reports from one fact per stage with its stored timeliness "
        "(what they did before counting in SQL)",
    )
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if (
        Complaint.objects.exists()
        and not Complaint.objects.filter(reference__startswith="CMP-B").exists()
    ):
        sys.exit("This database already holds complaints: use a scratch database.")
    if not Complaint.objects.exists():
        with transaction.atomic():
            _timed(
                f"bulk-create {args.complaints:,} complaints",
                lambda: _populate(args.complaints, random.Random(args.seed)),  # noqa: S311 (repeatable fake data)
            )
    say(
        f"database: {connection.vendor}; complaints {Complaint.objects.count():,}, stages {Stage.objects.count():,}"
    )
    # Bulk-created stages have no stored timeliness (nor their complaints a tenure at
    # receipt): write them once, as after an upgrade.
    if (
        Stage.objects.filter(timeliness_stored=False).exists()
        or Complaint.objects.filter(tenure_at_receipt__isnull=True).exists()
    ):
        _timed(
            "manage.py stage_timeliness_fill",
            lambda: call_command("stage_timeliness_fill", stdout=open(os.devnull, "w")),  # noqa: SIM115
        )
    if connection.vendor == "postgresql":
        # Statistics as autovacuum would leave them: straight after the load they are stale
        # and the planner can choose a join that takes a minute (see bench/README.md).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    from putright.reporting import reference, selectors

    if args.slow or args.facts:
        # The reports count one fact per stage, as before counting in SQL; with --slow every
        # stage's clocks are counted again too, as before the stored timeliness.
        facts_of = reference.stage_facts
        selectors.stage_counts = lambda period, **kw: facts_of(period, **kw, stored=not args.slow)  # type: ignore[assignment]
        selectors.remedy_counts = lambda period, **kw: reference.remedy_facts(period)  # type: ignore[assignment]
        say(f"{'slow' if args.slow else 'facts'} path: one fact per stage")
    on = date(2026, 5, 1)
    period = reporting_year(YEAR)
    facts = _timed(
        "load stage facts for the year",
        lambda: reference.stage_facts(period, on=on, stored=True),
    )
    say(f"  {len(facts):,} stage facts")
    del facts
    _timed("count the year's stages (stage_counts)", lambda: selectors.stage_counts(period, on=on))
    tsm = _timed("TSM return (CH01 + CH02)", lambda: reports.tsm_return(YEAR, on=on))
    say(f"  digest {_digest(tsm)}")
    for figure in tsm.figures:
        say(
            f"  {figure.key:<24} {figure.numerator:>7} / {figure.denominator!s:>7} = {figure.display}"
        )
    figures = _timed("every figure for drill-down", lambda: reports.all_figures(YEAR, on=on))
    _timed(
        "complaints behind one figure (CH02 stage 1)",
        lambda: len(figures["ch02-stage1-extension"].complaint_ids),
    )
    _timed(
        "drill-down page data (CH02 stage 1)",
        lambda: list(
            Paginator(
                selectors.complaints_in(
                    reports.figure(YEAR, "ch02-stage1-extension", on=on).complaint_ids
                ),
                50,
            ).get_page(1)
        ),
    )
    for key, figure in sorted(figures.items()):
        say(f"  {key:<24} {figure.numerator:>7} / {figure.denominator!s:>7} = {figure.display}")
    say(f"  every figure's digest (with its complaints) {_digest(sorted(figures.items()))}")
    _timed("TSM CSV + XLSX", lambda: (exports.tsm_csv(tsm), exports.tsm_xlsx(tsm)))
    officer = User.objects.get(username="bench-officer")
    assessment = _timed(
        "self-assessment start (measured)",
        lambda: services.self_assessment_start(year=YEAR, actor=officer),
    )
    _timed("self-assessment DOCX", lambda: exports.self_assessment_docx(assessment, "Bench Homes"))
    report = _timed("annual report data (two years)", lambda: reports.annual_report(YEAR, on=on))
    say(f"  digest {_digest(report)}")
    say(f"  measured: {[row.measured for row in assessment.rows.all() if row.measured]}")
    # The quarter's themes page (`views.themes`) is this same data (`reports.mrc_pack`: its
    # category by month, repeat complainants and hotspots), so this times it too.
    pack = _timed("MRC pack data (Q4)", lambda: reports.mrc_pack(YEAR, 4, on=on))
    say(f"  digest {_digest(pack)}")
    from putright.reporting import documents

    context = _timed("annual report data + charts", lambda: documents.annual_document(YEAR))
    _timed(
        "annual report PDF (WeasyPrint)",
        lambda: exports.pdf("reporting/pdf/annual.html", {"year": YEAR, **context}),
    )
    mrc = _timed("MRC pack data + charts (Q4)", lambda: documents.mrc_document(YEAR, 4))
    _timed("MRC pack PDF (WeasyPrint)", lambda: exports.pdf("reporting/pdf/mrc.html", mrc))


if __name__ == "__main__":
    main()
