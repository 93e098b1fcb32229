"""Bench: the staff work queue and case page with 100,000 complaints.

    python bench/queue_and_case.py                 # scratch SQLite in /tmp, 100k complaints
    python bench/queue_and_case.py --complaints 20000
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/putright_bench python bench/queue_and_case.py

Builds a scratch database (never the project's own) seeded by `bench/seed.py` (the benches'
one seed: a realistic case load in set-based SQL), then times the server side of each page through Django's test client: the request
through middleware, views, queries and templates, without a network or a browser. Prints the
median of several runs and checks each against the speed goal below.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Speed goals for one page, server time, median (milliseconds).
GOALS_MS = {
    "work queue, first page": 300,
    "work queue, filtered (stage 1, overdue, vulnerable)": 300,
    "work queue, search by name": 600,
    "work queue, search by reference": 150,
    "case page (45 record entries, 2 stages)": 250,
    "dashboard": 600,
}

STATES = [  # (status, current stage, share of the case load)
    ("received", 1, 0.04),
    ("stage1_open", 1, 0.14),
    ("stage2_requested", 2, 0.02),
    ("stage2_open", 2, 0.06),
    ("stage1_responded", 1, 0.10),
    ("stage2_responded", 2, 0.04),
    ("closed", 1, 0.55),
    ("withdrawn", 1, 0.03),
    ("excluded", 1, 0.02),
]
SURNAMES = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Khan",
    "Lee",
    "Walker",
    "Wright",
    "Robinson",
    "Thompson",
    "White",
    "Hughes",
    "Edwards",
    "Green",
    "Hall",
]
FIRST = [
    "Rosa",
    "Sam",
    "Amir",
    "Grace",
    "Tom",
    "Priya",
    "Ellen",
    "Jack",
    "Aisha",
    "Oliver",
    "Mia",
    "Noah",
    "Zara",
    "Leo",
    "Ruby",
]
STREETS = [
    "High Street",
    "Church Road",
    "Station Road",
    "Park Avenue",
    "Mill Lane",
    "Victoria Road",
    "Green Lane",
    "Manor Way",
]


def configure(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ["PUTRIGHT_LOG_LEVEL"] = "ERROR"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "putright.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def populate(n: int, today: date) -> None:
    """The first seed, row by row through the ORM (51 minutes for 550,000 complaints): kept as
    the reference the SQL seed (`bench/seed.py`) is compared with in its tests."""
    from django.db import transaction

    from putright.accounts.models import User
    from putright.complaints.models import CaseEvent, Category, Complaint, Stage
    from putright.complaints.services.common import refresh_resident_vulnerable
    from putright.people.models import Adjustment, Property, Resident, Vulnerability

    rng = random.Random(2026)
    handlers = [
        User.objects.create_user(
            username=f"handler{i}",
            first_name=rng.choice(FIRST),
            last_name=rng.choice(SURNAMES),
            role=User.Role.HANDLER,
            team=["Complaints", "Repairs", "Housing"][i % 3],
        )
        for i in range(30)
    ]
    categories = [
        Category.objects.create(code=c.lower().replace(" ", "-"), name=c)
        for c in ["Repairs", "Damp and mould", "Anti-social behaviour", "Staff conduct", "Rent"]
    ]
    weights = [s[2] for s in STATES]
    batch = 5000
    made = 0
    started = time.perf_counter()
    while made < n:
        size = min(batch, n - made)
        with transaction.atomic():
            homes = Property.objects.bulk_create(
                Property(
                    address_line_1=f"{rng.randint(1, 300)} {rng.choice(STREETS)}",
                    town="Exampleton",
                    postcode=f"EX{rng.randint(1, 20)} {rng.randint(1, 9)}{rng.choice('ABDEFGH')}{rng.choice('JLNPQRST')}",
                )
                for _ in range(size)
            )
            residents = Resident.objects.bulk_create(
                Resident(
                    full_name=f"{rng.choice(FIRST)} {rng.choice(SURNAMES)}",
                    home=h,
                    # Unique contact details, so email and phone searches find one person.
                    email=f"resident{made + j + 1}@example.org",
                    phone=f"07700 {made + j + 1:06d}",
                )
                for j, h in enumerate(homes)
            )
            Vulnerability.objects.bulk_create(
                Vulnerability(resident=r, description="Mobility")
                for r in residents
                if rng.random() < 0.05
            )
            Adjustment.objects.bulk_create(
                Adjustment(resident=r, kind="large_print") for r in residents if rng.random() < 0.05
            )
            complaints = []
            for i, resident in enumerate(residents):
                status, stage, _ = rng.choices(STATES, weights)[0]
                is_open = status in {"received", "stage1_open", "stage2_requested", "stage2_open"}
                received_on = today - timedelta(
                    days=rng.randint(0 if is_open else 40, 60 if is_open else 1400)
                )
                complaints.append(
                    Complaint(
                        reference=f"CMP-{received_on.year}-{made + i + 1:06d}",
                        resident=resident,
                        home=resident.home,
                        category=rng.choice(categories),
                        channel=rng.choice(
                            ["phone", "email", "letter", "online_form", "in_person"]
                        ),
                        received_on=received_on,
                        description=f"Complaint about {rng.choice(['a leak', 'damp', 'noise', 'a repair', 'rent'])} at {resident.home.address_line_1}.",
                        status=status,
                        current_stage=stage,
                        handler=rng.choice(handlers)
                        if status != "received" or rng.random() < 0.3
                        else None,
                        next_due=today + timedelta(days=rng.randint(-10, 25)) if is_open else None,
                        closed_on=received_on + timedelta(days=30)
                        if status in {"closed", "withdrawn", "excluded"}
                        else None,
                    )
                )
            complaints = Complaint.objects.bulk_create(complaints)
            # The queue's stored "vulnerable resident" flag, by its one writer.
            refresh_resident_vulnerable(Complaint.objects.filter(pk__in=[c.pk for c in complaints]))
            stages = []
            for c in complaints:
                for number in range(1, c.current_stage + 1):
                    acknowledged = (
                        c.status not in {"received", "stage2_requested"} or number < c.current_stage
                    )
                    ack_on = c.received_on + timedelta(days=5) if acknowledged else None
                    due = (ack_on + timedelta(days=14)) if ack_on else None
                    extended = acknowledged and rng.random() < 0.08
                    # Answered: an earlier stage, or the current one once responded or closed.
                    answered = acknowledged and (
                        number < c.current_stage
                        or c.status in {"stage1_responded", "stage2_responded", "closed"}
                    )
                    stages.append(
                        Stage(
                            complaint=c,
                            number=number,
                            requested_on=c.received_on,
                            ack_due=c.received_on + timedelta(days=7),
                            acknowledged_on=ack_on,
                            response_due_original=due,
                            response_due=(due + timedelta(days=7)) if extended else due,
                            handler=c.handler,
                            responded_on=(ack_on + timedelta(days=10)) if answered else None,
                        )
                    )
            Stage.objects.bulk_create(stages)
            CaseEvent.objects.bulk_create(
                CaseEvent(
                    complaint=c,
                    code="complaint.received",
                    stage=1,
                    summary="Complaint received",
                    happened_on=c.received_on,
                    data={"channel": c.channel},
                )
                for c in complaints
            )
        made += size
        print(f"  {made:,} complaints ({time.perf_counter() - started:.0f} s)", flush=True)


def rich_case(today: date) -> str:
    """One case with a full history, built through the real services, for the case page."""
    from putright.accounts.models import User
    from putright.complaints import services
    from putright.complaints.services import DecisionInput, RemedyInput, ResponseInput
    from putright.people.models import Adjustment, Resident, Vulnerability

    actor = User.objects.get(username="handler0")
    other = User.objects.get(username="handler1")
    rosa = Resident.objects.create(full_name="Rosa Bell")
    Adjustment.objects.create(resident=rosa, kind="large_print")
    Vulnerability.objects.create(resident=rosa, description="Hearing loss")
    complaint = services.complaint_receive(
        resident=rosa, channel="phone", received_on=today, description="A leak.", actor=actor
    ).complaint
    stage = complaint.stages.get()
    services.stage_acknowledge(
        stage=stage,
        points=["Leak", "No call back", "Mould"],
        outcomes_sought="Fix it",
        responsible_for="Roof",
        actor=actor,
    )
    for i in range(20):
        services.note_add(complaint=complaint, text=f"Note {i}", actor=actor)
        services.correspondence_add(
            complaint=complaint,
            direction="in",
            channel="email",
            counterpart="Rosa",
            subject=f"Email {i}",
            body="Hello",
            actor=actor,
        )
    stage.refresh_from_db()
    services.stage_respond(
        stage=stage,
        data=ResponseInput(
            summary="Sorry.",
            decisions=[DecisionInput(point=n, outcome="upheld", reasons="Yes") for n in (1, 2, 3)],
            remedies=[RemedyInput(remedy_type="apology", description="Apology", due_on=today)],
        ),
        actor=actor,
    )
    complaint.refresh_from_db()
    stage2 = services.complaint_escalate(complaint=complaint, actor=actor)
    services.stage_assign(stage=stage2, handler=other, actor=actor, conflict="none")
    return complaint.reference


QUEUE_GOAL_MS = 50  # issue 19: every work-queue view, p95 server time, at 1,000,000


def populate_attention(today: date, share: float = 0.005) -> None:
    """Work for the queue's needs-attention tabs, added once to a seeded database: responses
    waiting for review and returned (about `share` of open complaints each), updates due to
    residents on extended stages, and letters that could not be produced."""
    from django.db import transaction
    from django.db.models import F
    from django.utils import timezone

    from putright.accounts.models import User
    from putright.complaints.models import CaseEvent, Complaint, ResponseDraft, Stage
    from putright.letters.models import LetterRequest

    if ResponseDraft.objects.exists():
        return
    rng = random.Random(19)
    author = User.objects.get(username="handler0")
    ids = list(Complaint.objects.open().order_by().values_list("pk", flat=True))
    picked = rng.sample(ids, min(len(ids), int(len(ids) * share * 4)))
    quarter = len(picked) // 4
    review, returned, update, letters = (picked[i * quarter : (i + 1) * quarter] for i in range(4))
    now = timezone.now()
    with transaction.atomic():
        stages = dict(
            Stage.objects.filter(complaint_id__in=review + returned, number=1).values_list(
                "complaint_id", "pk"
            )
        )
        ResponseDraft.objects.bulk_create(
            ResponseDraft(
                stage_id=stages[c],
                version=1,
                status="in_review" if c in set(review) else "returned",
                data={},
                author=author,
                submitted_at=now,
            )
            for c in review + returned
            if c in stages
        )
        # On the current stage, and its copy on the complaint (as `refresh_next_due` keeps
        # them): an earlier stage is answered and owes no update.
        for c in update:
            due = today + timedelta(days=rng.randint(-3, 12))
            Stage.objects.filter(complaint_id=c, number=F("complaint__current_stage")).update(
                update_due=due
            )
            Complaint.objects.filter(pk=c).update(update_due=due)
        events = CaseEvent.objects.filter(complaint_id__in=letters, code="complaint.received")
        LetterRequest.objects.bulk_create(
            LetterRequest(event=e, status="not_produced") for e in events
        )
    print(
        f"  needs attention: {len(review)} in review, {len(returned)} returned, "
        f"{len(update)} updates due, {len(letters)} letters not produced"
    )


def queue_pages() -> list[tuple[str, str]]:
    """Every kind of work-queue view: each tab and scope, each filter alone and in
    combination, first and later pages (labels as printed, paths as requested)."""
    from putright.accounts.models import User
    from putright.complaints.models import Category

    handler = User.objects.filter(role="handler").order_by("pk").values_list("pk", flat=True)
    other = list(handler)[5]
    category = Category.objects.order_by("pk").values_list("pk", flat=True).first()
    pages = [
        ("all open, first page", "/?scope=all"),
        ("all open, page 2", "/?scope=all&page=2"),
        ("all open, page 100", "/?scope=all&page=100"),
        ("all open, last page", "/?scope=all&page=99999"),
        ("mine", "/?scope=mine"),
        ("mine, page 10", "/?scope=mine&page=10"),
        ("my team", "/?scope=team"),
        ("my team, page 100", "/?scope=team&page=100"),
        ("unassigned", "/?scope=unassigned"),
        ("stage 1", "/?scope=all&stage=1"),
        ("stage 2", "/?scope=all&stage=2"),
        ("status received", "/?scope=all&status=received"),
        ("status stage 1 open", "/?scope=all&status=stage1_open"),
        ("status stage 2 requested", "/?scope=all&status=stage2_requested"),
        ("status stage 2 open", "/?scope=all&status=stage2_open"),
        ("overdue", "/?scope=all&overdue=on"),
        ("overdue, page 50", "/?scope=all&overdue=on&page=50"),
        ("vulnerable", "/?scope=all&vulnerable=on"),
        ("vulnerable, page 20", "/?scope=all&vulnerable=on&page=20"),
        ("extended", "/?scope=all&extended=on"),
        ("handler", f"/?scope=all&handler={other}"),
        ("category", f"/?scope=all&category={category}"),
        ("channel", "/?scope=all&channel=in_person"),
        ("hazard clock running", "/?scope=all&hazard=open"),
        ("stage 1, overdue, vulnerable", "/?scope=all&stage=1&overdue=on&vulnerable=on"),
        (
            "stage 2 open, category, channel, vulnerable",
            f"/?scope=all&status=stage2_open&category={category}&channel=letter&vulnerable=on",
        ),
        ("mine, overdue, vulnerable", "/?scope=mine&overdue=on&vulnerable=on"),
        ("team, stage 2, extended", "/?scope=team&stage=2&extended=on"),
        (
            "handler, category, overdue",
            f"/?scope=all&handler={other}&category={category}&overdue=on",
        ),
        ("review", "/?scope=all&attention=review"),
        ("returned", "/?scope=all&attention=returned"),
        ("update due", "/?scope=all&attention=update_due"),
        ("letter failed", "/?scope=all&attention=letter_failed"),
        ("review, mine", "/?scope=mine&attention=review"),
        ("update due, team, overdue", "/?scope=team&attention=update_due&overdue=on"),
        ("letter failed, vulnerable", "/?scope=all&attention=letter_failed&vulnerable=on"),
    ]
    return [(f"work queue, {label}", path) for label, path in pages]


def measure_queue(runs: int, clock=time.perf_counter) -> list[tuple[str, float, float, int]]:
    """Every work-queue view (`queue_pages`): (label, p50 ms, p95 ms, queries), server time
    through the test client as a handler sees it; each page is checked to answer 200.

    `clock=time.process_time` gives this process's CPU time instead: on SQLite (in-process)
    that is the server time without the waits a loaded, shared machine adds."""
    from django.db import connection
    from django.test import Client

    from putright.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="handler0"))
    results = []
    for label, path in queue_pages():
        queries: list[str] = []  # warm-up, a check and the count

        def count(run, sql, *args, seen=queries):
            seen.append(sql)
            return run(sql, *args)

        with connection.execute_wrapper(count):
            assert client.get(path).status_code == 200, path
        timings = []
        for _ in range(runs):
            start = clock()
            response = client.get(path)
            timings.append((clock() - start) * 1000)
            assert response.status_code == 200, path
        results.append((label, *p50_p95(timings), len(queries)))
    return results


def p50_p95(timings: list[float]) -> tuple[float, float]:
    ordered = sorted(timings)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return statistics.median(ordered), p95


def measure(
    runs: int, reference: str, search_reference: str, only: str = ""
) -> dict[str, tuple[float, float, int]]:
    """Each page's median and p95 server time (ms) over `runs`, its query count and its
    median CPU time (ms)."""
    from django.db import connection
    from django.test import Client

    from putright.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="handler0"))
    pages = {
        "work queue, first page": "/?scope=all",
        "work queue, filtered (stage 1, overdue, vulnerable)": "/?scope=all&stage=1&overdue=on&vulnerable=on",
        "work queue, search by name": "/?scope=all&q=Patel",
        "work queue, search by reference": f"/?scope=all&q={search_reference}",
        "case page (45 record entries, 2 stages)": f"/complaints/{reference}/",
        "dashboard": "/dashboard/",
    }
    results = {}
    for name, path in pages.items():
        if only and only not in name:
            continue
        queries: list[str] = []

        def count(execute, sql, *args, queries=queries):
            queries.append(sql)
            return execute(sql, *args)

        with connection.execute_wrapper(count):
            assert client.get(path).status_code == 200, path  # warm-up, and a check
        timings, cpu = [], []
        for _ in range(runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            timings.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
            assert response.status_code == 200
        p95 = statistics.quantiles(timings, n=20)[-1] if len(timings) > 1 else timings[0]
        results[name] = (statistics.median(timings), p95, len(queries), statistics.median(cpu))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="reuse the scratch database if present")
    parser.add_argument("--sqlite-path", default="/tmp/putright-bench.sqlite3")
    parser.add_argument("--only", default="", help="measure only pages whose name has this")
    parser.add_argument(
        "--queue",
        action="store_true",
        help="every work-queue view (tabs, scopes, filters, pages) against p95 <= 50 ms",
    )
    parser.add_argument(
        "--cpu", action="store_true", help="with --queue: this process's CPU time, not wall"
    )
    args = parser.parse_args()

    import seed  # the benches' one seed (it imports this module for its names)

    seed.seeded(args.complaints, args.sqlite_path, reuse=args.keep)
    from putright.complaints.models import Complaint

    reference = (
        Complaint.objects.filter(resident__full_name="Rosa Bell").order_by("-id").first().reference
    )
    from django.utils import timezone

    populate_attention(timezone.localdate())
    search_reference = Complaint.objects.open().order_by("id").first().reference

    total = Complaint.objects.count()
    open_count = Complaint.objects.open().count()
    print(f"\n{total:,} complaints, {open_count:,} open; {args.runs} runs, server time")
    failed = 0
    if args.queue:
        print(f"{'view':<60} {'p50':>8} {'p95':>8}  queries  (goal p95 {QUEUE_GOAL_MS} ms)")
        clock = time.process_time if args.cpu else time.perf_counter
        for label, p50, p95, queries in measure_queue(args.runs, clock):
            ok = p95 <= QUEUE_GOAL_MS
            failed += not ok
            print(f"  {label:<58} {p50:8.1f} {p95:8.1f}  {queries:7d}  {'ok' if ok else 'SLOWER'}")
        return 1 if failed else 0
    results = measure(args.runs, reference, search_reference, args.only)
    for name, (ms, p95, queries, cpu) in results.items():
        goal = GOALS_MS[name]
        ok = ms <= goal
        failed += not ok
        print(  # CPU: this process's own time (SQLite's work included), less a loaded machine
            f"  {name:<55} p50 {ms:7.1f} ms  p95 {p95:7.1f} ms  CPU p50 {cpu:6.1f} ms"
            f"  {queries:3d} queries"
            f"   goal {goal} ms  {'ok' if ok else 'SLOWER THAN GOAL'}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
