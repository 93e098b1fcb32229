"""Intake rate: new complaints a second through the API, under the production server, with the
task worker running, and nothing lost (issue 19: goal 200 a second).

    .venv/bin/python bench/intake_rate.py                              # SQLite file in /tmp
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/putright_intake200_bench \\
        .venv/bin/python bench/intake_rate.py                          # PostgreSQL (made afresh)
    .venv/bin/python bench/intake_rate.py --requests 2000 --clients 16 --acknowledge-every 10

What it does, as `make serve` would run it (scripts/smoke.py's helpers: the same production
environment, DEBUG off, behind a TLS proxy, check --deploy, collectstatic): makes a scratch
database (a SQLite file in a fresh /tmp folder, or BENCH_DATABASE_URL's PostgreSQL database,
dropped and made again: it must be on 127.0.0.1 and its name must contain "bench"), migrates,
adds a complaint handler with an API token made by the product's own token service
(accounts.services.api_token_create) and a few residents, then starts the Procfile (gunicorn
with putright/gunicorn_conf.py's production worker count, and the task worker) under
scripts/supervise.py. --clients processes then each send their share of --requests
`POST /api/v1/complaints/` (one at a time, as fast as answers come back; each with its own
Idempotency-Key, as an integration retrying safely would send). --acknowledge-every K also
acknowledges every K-th new complaint through the API, which queues its acknowledgement
letter for the worker (receiving a complaint queues no task of its own).

Then it waits for the worker to drain the queue and checks that nothing was lost: every 201's
reference exists exactly once, references are all distinct, every complaint has its stage 1,
its "received" record entry and its search row, no 5xx and no error in the server's log, every
letter request was produced, every acknowledgement has exactly one letter, and no task failed
or ran twice. It prints requests a second, p50/p95/p99 latency, error counts, the worker's
drain time and the machine's load, against the goal. Exit status 1 if anything was lost or
the goal was missed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "scripts"), str(ROOT)]

GOAL_PER_SECOND = 200
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
PATH = "/api/v1/complaints/"
DESCRIPTION = (
    "Water has been coming through the kitchen ceiling since the upstairs flat's bath leaked, "
    "and the repair booked for last week never happened. I want it fixed and the ceiling made "
    "good."
)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=5000, help="POSTs in all")
    parser.add_argument("--clients", type=int, default=8, help="client processes at once")
    parser.add_argument(
        "--web-workers", type=int, default=0, help="gunicorn workers (default: the conf's own)"
    )
    parser.add_argument("--acknowledge-every", type=int, default=0, metavar="K")
    parser.add_argument("--residents", type=int, default=200)
    parser.add_argument("--no-idempotency-key", action="store_true")
    parser.add_argument("--drain-timeout", type=int, default=600, help="seconds")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args()
    if not 1 <= args.requests <= 100_000 or not 1 <= args.clients <= 64:
        parser.error("keep it bounded: 1-100,000 requests, 1-64 clients")
    return args


def scratch_database(workdir: Path) -> tuple[str, str]:
    """(database URL, label): a SQLite file in `workdir`, or BENCH_DATABASE_URL made afresh."""
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if not url:
        return f"sqlite:///{workdir / 'bench.sqlite3'}", "SQLite"
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if parts.scheme not in {"postgres", "postgresql"} or (parts.hostname or "") not in LOOPBACK:
        sys.exit("BENCH_DATABASE_URL: only a PostgreSQL database on 127.0.0.1")
    if "bench" not in name:
        sys.exit("BENCH_DATABASE_URL: it is dropped first, so its name must contain 'bench'")
    import psycopg

    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url, "PostgreSQL"


def prepare(residents: int) -> tuple[str, list[int]]:
    """Migrate; a handler, their API token (the product's token service) and residents."""
    from django.core.management import call_command

    from putright.accounts import services as accounts
    from putright.accounts.models import User
    from putright.people.services import resident_add_with_home

    call_command("migrate", interactive=False, verbosity=0)
    handler = User.objects.create_user(
        username="bench-handler", role=User.Role.HANDLER, first_name="Bench", last_name="Handler"
    )
    _, key = accounts.api_token_create(
        user=handler, name="intake bench", days=1, actor=handler, two_step_verified=True
    )
    ids = [
        resident_add_with_home(
            full_name=f"Resident {i}",
            actor=handler,
            tenure="lcra",
            address_line_1=f"{i} Mill Lane",
            town="Exampleton",
            postcode="EX1 2AB",
            tenancy_from=date(2020, 1, 1),
            email=f"resident{i}@example.org",
        ).pk
        for i in range(residents)
    ]
    return key, ids


def fire(job: dict) -> tuple[list[tuple[int, float, str, str]], float]:
    """One client: its share of POSTs, one at a time; (status, seconds, reference, detail)
    each, and the CPU seconds (user + system) this client process spent sending them."""
    cpu_started = _own_cpu()
    conn = http.client.HTTPConnection("127.0.0.1", job["port"], timeout=120)
    headers = {
        "Host": "127.0.0.1",
        "Authorization": f"Token {job['token']}",
        "Content-Type": "application/json",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-For": "203.0.113.7",
    }
    results = []
    for n in range(job["count"]):
        i = job["offset"] + n
        body = json.dumps(
            {
                "resident": job["residents"][i % len(job["residents"])],
                "channel": "email",
                "received_on": job["today"],
                "description": f"{DESCRIPTION} (bench {i})",
                "outcome_wanted": "The ceiling repaired.",
            }
        )
        extra = {} if job["no_key"] else {"Idempotency-Key": uuid.uuid4().hex}
        started = time.perf_counter()
        status, data = _post(conn, PATH, body, {**headers, **extra})
        took = time.perf_counter() - started
        reference = ""
        detail = ""
        if status == 201:
            reference = json.loads(data)["reference"]
        else:
            detail = data[:300].decode(errors="replace")
        results.append((status, took, reference, detail))
        every = job["acknowledge_every"]
        if reference and every and i % every == 0:
            ack = json.dumps(
                {
                    "points": ["The kitchen ceiling leak", "The missed repair"],
                    "outcomes_sought": "The ceiling repaired.",
                    "responsible_for": "The repair and the ceiling.",
                }
            )
            extra = {} if job["no_key"] else {"Idempotency-Key": uuid.uuid4().hex}
            status, data = _post(conn, f"{PATH}{reference}/acknowledge/", ack, {**headers, **extra})
            results.append((-status, 0.0, reference, "" if status == 200 else data[:300].decode()))
    conn.close()
    return results, _own_cpu() - cpu_started


def _own_cpu() -> float:
    times = os.times()
    return times.user + times.system


def _post(conn: http.client.HTTPConnection, path: str, body: str, headers: dict) -> tuple:
    for attempt in range(2):
        try:
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            return response.status, response.read()
        except (ConnectionError, http.client.HTTPException):
            conn.close()  # gunicorn's sync workers close after each answer; reconnect
            if attempt:
                raise
    raise AssertionError("unreachable")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def outstanding() -> int:
    """Tasks the worker still has to run now (the scheduler's next tick waits in the future)."""
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from putright.letters.models import LetterRequest, OutboxItem

    ready = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exclude(
        run_after__gt=timezone.now()
    )
    sending = OutboxItem.objects.filter(status__in=["pending", "sending", "retrying"])
    return ready.count() + LetterRequest.objects.filter(status="pending").count() + sending.count()


def check(results: list, acknowledged: int, mail: object) -> list[tuple[str, object, bool]]:
    """Nothing lost: (what, found, ok)."""
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    from putright.complaints.models import CaseEvent, Complaint, ComplaintSearch, Stage
    from putright.letters.models import Letter, LetterRequest, OutboxItem

    created = [r for s, _, r, _ in results if s == 201]
    refs = Counter(created)
    in_db = Counter(Complaint.objects.values_list("reference", flat=True))
    complaints = Complaint.objects.count()
    numbers = sorted(int(r.rsplit("-", 1)[1]) for r in in_db)
    stage_one = Stage.objects.filter(number=1).count()
    received = CaseEvent.objects.filter(code="complaint.received").count()
    search_rows = ComplaintSearch.objects.count()
    acks = CaseEvent.objects.filter(code="stage.acknowledged").count()
    ack_letters = (
        Letter.objects.filter(kind="acknowledgement").values("source_event").annotate(n=Count("id"))
    )
    twice = sum(1 for row in ack_letters if row["n"] > 1)
    tasks = Counter(DBTaskResult.objects.values_list("task_path", "status"))
    failed = sum(n for (_, st), n in tasks.items() if st == "FAILED")
    produce_ran = sum(
        n for (path, st), n in tasks.items() if path.endswith("produce_letters") and st
    )
    arrived = Counter(
        match.group(1)
        for message in getattr(mail, "messages", [])
        if (match := re.search(r"^Message-ID:\s*(\S+)", message, re.MULTILINE | re.IGNORECASE))
    )
    emailed = dict(
        OutboxItem.objects.filter(status="sent", channel="email").values_list(
            "pk", "letter__message_id"
        )
    )
    return [
        ("201 Created", len(created), len(created) > 0),
        ("distinct references in the 201s", len(refs), len(refs) == len(created)),
        (
            "201 references found exactly once in the database",
            sum(1 for r in refs if in_db.get(r) == 1),
            all(in_db.get(r) == 1 for r in refs),
        ),
        (
            "references numbered 1..N with no gap (a fresh database)",
            max(numbers, default=0),
            numbers == list(range(1, len(numbers) + 1)),
        ),
        ("complaints in the database (none extra)", complaints, complaints == len(created)),
        ("stage 1 rows", stage_one, stage_one == complaints),
        ("'received' record entries", received, received == complaints),
        ("search rows", search_rows, search_rows == complaints),
        ("acknowledgements (200 answers)", acknowledged, acks == acknowledged),
        (
            "letter requests produced",
            LetterRequest.objects.filter(status="produced").count(),
            LetterRequest.objects.exclude(status="produced").count() == 0
            and LetterRequest.objects.count() == acks,
        ),
        (
            "acknowledgement letters (one per acknowledgement)",
            len(ack_letters),
            len(ack_letters) == acks and twice == 0,
        ),
        ("produce_letters tasks run", produce_ran, produce_ran == acks),
        ("failed tasks", failed, failed == 0),
        (
            "letters emailed, each reaching the SMTP server once",
            len(emailed),
            len(emailed) == OutboxItem.objects.filter(status="sent", channel="email").count()
            and all(arrived.get(m) == 1 for m in emailed.values()),
        ),
    ]


def tree_cpu(root: int) -> float:
    """CPU seconds (user + system) used so far by `root` and every process under it, the
    children that have exited included (cutime, cstime)."""
    ticks = os.sysconf("SC_CLK_TCK")
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry.name)] = (int(fields[1]), sum(int(f) for f in fields[11:15]))
    wanted, total = {root}, 0
    while wanted:
        pid = wanted.pop()
        total += stats.get(pid, (0, 0))[1]
        wanted |= {child for child, (parent, _) in stats.items() if parent == pid}
    return total / ticks


def machine_ticks() -> dict[str, int]:
    """The whole machine's CPU time so far, by kind (/proc/stat's first line, in ticks)."""
    names = ("user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal")
    values = Path("/proc/stat").read_text().splitlines()[0].split()[1:9]
    return dict(zip(names, (int(v) for v in values), strict=True))


def machine_shares(before: dict[str, int], after: dict[str, int]) -> str:
    """Where the machine's CPU went between two readings: user (nice included), kernel
    (system, irq, softirq), idle (iowait included), as shares of all of it."""
    spent = {k: after[k] - before[k] for k in before}
    total = sum(spent.values()) or 1
    user = spent["user"] + spent["nice"]
    kernel = spent["system"] + spent["irq"] + spent["softirq"]
    idle = spent["idle"] + spent["iowait"]
    return f"user {user / total:.0%} / kernel {kernel / total:.0%} / idle {idle / total:.0%}"


def server_parts(root: int) -> dict[str, float]:
    """CPU seconds so far of each process the supervisor started (and its children), by the
    Procfile's command: gunicorn (arbiter and workers) and the task worker."""
    parts = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                command = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if int(fields[1]) == root:
                name = "gunicorn" if any(b"gunicorn" in c for c in command) else "task worker"
                parts[name] = parts.get(name, 0.0) + tree_cpu(int(entry.name))
    return parts


def database_cpu(label: str) -> float:
    """PostgreSQL: CPU seconds of the backends serving this database (0 for SQLite, whose
    work is inside the server's processes)."""
    if label != "PostgreSQL":
        return 0.0
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        pids = [row[0] for row in cursor.fetchall()]
    connection.close()
    return sum(tree_cpu(pid) for pid in pids)


def last_words(line: str) -> str:
    """A JSON log line's message and the last line of its exception (what went wrong)."""
    try:
        entry = json.loads(line)
    except json.JSONDecodeError:  # cut short by smoke.log_errors
        return line[:150] + " ... " + line[-200:]
    exception = (entry.get("exception") or "").strip().splitlines()
    return f"{entry.get('message', '')[:150]} | {exception[-1][:200] if exception else ''}"


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> int:
    args = arguments()
    import smoke

    workdir = Path(tempfile.mkdtemp(prefix="putright-intake-bench-"))
    database_url, label = scratch_database(workdir)
    mail = smoke.MailCatcher()
    mail.controller.start()
    port = smoke.free_port()
    env = smoke.production_environment(
        workdir, port=port, smtp_port=mail.port, database_url=database_url
    )
    env.pop("PUTRIGHT_WEB_WORKERS")  # the production default (putright/gunicorn_conf.py)
    if args.web_workers:
        env["PUTRIGHT_WEB_WORKERS"] = str(args.web_workers)
    env["PUTRIGHT_LOG_FORMAT"] = "json"
    server = None
    log = workdir / "server.log"
    try:
        print(f"intake bench on {label} in {workdir} (load {load_average()})", flush=True)
        collect = smoke.manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        smoke.finish(smoke.manage(env, "check", "--deploy", "--fail-level", "ERROR"), "check")
        smoke.setup_django(env)
        from django.db import connections
        from django.utils import timezone

        from putright.core.tasks import queue_next_tick
        from putright.gunicorn_conf import workers

        key, residents = prepare(args.residents)
        queue_next_tick(at=timezone.now())
        connections.close_all()
        smoke.finish(collect, "collectstatic")
        with log.open("wb") as out:
            server = subprocess.Popen(
                [sys.executable, "scripts/supervise.py", "Procfile"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        smoke.wait_until_serving(f"http://127.0.0.1:{port}", server)
        web_workers = args.web_workers or workers
        print(
            f"serving: gunicorn {web_workers} sync workers + the task worker; "
            f"{args.requests} POSTs from {args.clients} clients",
            flush=True,
        )
        share, extra = divmod(args.requests, args.clients)
        jobs, offset = [], 0
        for c in range(args.clients):
            count = share + (1 if c < extra else 0)
            jobs.append(
                {
                    "port": port,
                    "token": key,
                    "residents": residents,
                    "today": timezone.localdate().isoformat(),
                    "offset": offset,
                    "count": count,
                    "no_key": args.no_idempotency_key,
                    "acknowledge_every": args.acknowledge_every,
                }
            )
            offset += count
        context = multiprocessing.get_context("spawn")
        with context.Pool(args.clients) as pool:
            cpu_before, parts_before = tree_cpu(server.pid), server_parts(server.pid)
            ticks_before = machine_ticks()
            started = time.perf_counter()
            fired = pool.map(fire, jobs)
            took = time.perf_counter() - started
            ticks_after = machine_ticks()
            server_cpu = tree_cpu(server.pid) - cpu_before
            parts = {k: v - parts_before.get(k, 0.0) for k, v in server_parts(server.pid).items()}
            results = [r for part, _ in fired for r in part]
            client_cpu = sum(cpu for _, cpu in fired)
            db_cpu = database_cpu(label)  # backends live on (DATABASE_CONN_MAX_AGE)
        load_after = load_average()
        drain_started = time.perf_counter()
        while outstanding():
            if time.perf_counter() - drain_started > args.drain_timeout:
                print(f"the worker did not drain within {args.drain_timeout} s")
                break
            time.sleep(0.2)
        drained = time.perf_counter() - drain_started
        creates = [r for r in results if r[0] >= 0]
        acks = [r for r in results if r[0] < 0]
        statuses = Counter(s for s, *_ in creates)
        latencies = [t * 1000 for s, t, *_ in creates]
        rate = len(creates) / took
        errors = smoke.log_errors(log)
        rows = [
            ("engine", label),
            ("POSTs / clients / web workers", f"{len(creates)} / {args.clients} / {web_workers}"),
            ("wall time", f"{took:.1f} s"),
            ("complaints a second", f"{rate:.0f} (goal {GOAL_PER_SECOND})"),
            (
                "latency p50 / p95 / p99 / max",
                " / ".join(
                    f"{v:.0f}"
                    for v in (
                        statistics.median(latencies),
                        percentile(latencies, 0.95),
                        percentile(latencies, 0.99),
                        max(latencies),
                    )
                )
                + " ms",
            ),
            ("answers", dict(sorted(statuses.items()))),
            ("5xx", sum(n for s, n in statuses.items() if s >= 500)),
            (
                "acknowledgements sent / 200",
                f"{len(acks)} / {sum(1 for a in acks if a[0] == -200)}",
            ),
            (
                "server CPU a complaint (gunicorn + worker)",
                f"{server_cpu * 1000 / len(creates):.1f} ms"
                + (f" + PostgreSQL {db_cpu * 1000 / len(creates):.1f} ms" if db_cpu else ""),
            ),
            (
                "  of which gunicorn / task worker",
                " / ".join(
                    f"{parts.get(k, 0.0) * 1000 / len(creates):.1f}"
                    for k in ("gunicorn", "task worker")
                )
                + " ms",
            ),
            (
                "client CPU a request (the load generator)",
                f"{client_cpu * 1000 / len(results):.1f} ms",
            ),
            ("machine CPU while firing", machine_shares(ticks_before, ticks_after)),
            (
                "CPU ceiling on 2 idle cores (server CPU)",
                f"{2 * len(creates) / (server_cpu + db_cpu):.0f} a second",
            ),
            ("worker drain after the last answer", f"{drained:.1f} s"),
            ("load average after firing (1, 5, 15 min)", load_after),
            ("errors in the server log", len(errors)),
        ]
        for what, value in rows:
            print(f"{what:<44} {value}")
        for s, _, _, detail in [r for r in results if r[0] not in (201, -200)][:5]:
            print(f"  e.g. {s}: {detail}")
        for line in errors[:5]:
            print(f"  log: {last_words(line)}")
        print("nothing lost:")
        ok = not errors and statuses.get(201, 0) == len(creates)
        for what, found, good in check(results, sum(1 for a in acks if a[0] == -200), mail):
            ok = ok and good
            print(f"  {'ok ' if good else 'BAD'} {what:<50} {found}")
        met = rate >= GOAL_PER_SECOND
        print(
            f"{'MET' if met else 'NOT MET'}: {rate:.0f} complaints a second against {GOAL_PER_SECOND};"
            f" {'nothing lost' if ok else 'SOMETHING LOST OR FAILED'}"
        )
        return 0 if ok and met else 1
    finally:
        if server is not None:
            smoke.stop(server)
        mail.controller.stop()
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
