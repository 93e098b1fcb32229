"""Fault injection: are acknowledgement letters sent exactly once when everything goes wrong?

    python bench/fault_injection.py                       # scratch SQLite in /tmp, 200 letters
    python bench/fault_injection.py --complaints 50 --kills 3 --smtp-drop 0.2
    python bench/fault_injection.py \\
        --database-url postgres://postgres@127.0.0.1:5432/putright_fault --pg-terminate

Local only and bounded: the database must be on the loopback interface (and, for PostgreSQL,
be named *fault*: it is dropped and made again), the fake SMTP server listens on 127.0.0.1,
and the run stops after --timeout seconds whatever happens.

What it does: migrates a scratch database; starts a fake SMTP server that records every
Message-ID it receives (and with --smtp-drop hangs up after DATA on that share of messages,
having taken them); starts the task worker (`manage.py db_worker`); logs N complaints and
acknowledges each (each acknowledgement calls for one letter); kills the worker with SIGKILL
K times at random moments and starts it again (as systemd would); with --pg-terminate cuts
the worker's PostgreSQL connections once a second; then waits until nothing is left to do
and prints letters expected / produced / sent once / sent twice / lost.

The worker recovers by itself (letters' db_worker runs `letters_recover` at start and every
few seconds here); nothing else is run to help it.
"""

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from email import message_from_bytes
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
SCRATCH_ROOT = "/tmp/putright-fault"  # + the SMTP port, so two runs do not collide
WORKER_APP_NAME = "putright-fault-worker"
LOOPBACK = {"127.0.0.1", "localhost", "::1", ""}


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--complaints", type=int, default=200)
    parser.add_argument("--kills", type=int, default=6)
    parser.add_argument("--smtp-port", type=int, default=8141)
    parser.add_argument(
        "--smtp-drop", type=float, default=0.0, help="share of messages hung up on after DATA"
    )
    parser.add_argument("--database-url", default="", help="PostgreSQL; SQLite in /tmp if empty")
    parser.add_argument("--pg-terminate", action="store_true", help="cut connections every 1 s")
    parser.add_argument("--timeout", type=int, default=900, help="stop after this many seconds")
    parser.add_argument("--lease", type=int, default=15, help="send lease, seconds")
    parser.add_argument("--recover-after", type=int, default=5, help="seconds")
    parser.add_argument("--recover-every", type=int, default=3, help="seconds")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    if args.complaints < 1 or args.complaints > 5000 or args.kills < 0 or args.kills > 100:
        parser.error("keep it bounded: 1-5000 complaints, 0-100 kills")
    if args.database_url:
        url = urlparse(args.database_url)
        if url.scheme not in {"postgres", "postgresql"} or (url.hostname or "") not in LOOPBACK:
            parser.error("only a PostgreSQL database on 127.0.0.1")
        if "fault" not in url.path:
            parser.error("the database is dropped first: its name must contain 'fault'")
    elif args.pg_terminate:
        parser.error("--pg-terminate needs --database-url")
    return args


class FakeMailServer:
    """Records each message's Message-ID; hangs up after DATA on a share of them."""

    def __init__(self, drop: float, rng: random.Random) -> None:
        self.drop = drop
        self.rng = rng
        self.received: Counter[str] = Counter()
        self.hung_up = 0

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content)
        self.received[message["Message-ID"] or "(none)"] += 1
        if self.rng.random() < self.drop:
            self.hung_up += 1
            server.transport.abort()  # took it, and never said "250 OK"
        return "250 OK"


class Worker:
    """The task worker, in its own process group, killed and restarted on demand."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.log = log.open("ab")
        self.process: subprocess.Popen | None = None
        self.lock = threading.Lock()
        self.starts = 0
        self.crashes = 0

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.starts += 1

    def kill(self) -> None:
        with self.lock:
            if self.process and self.process.poll() is None:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait()
            self.start()

    def keep_running(self) -> None:
        """Restart the worker if it ever exits by itself (it should not)."""
        with self.lock:
            if self.process and self.process.poll() is not None:
                self.crashes += 1
                self.start()

    def stop(self) -> None:
        with self.lock:
            if self.process and self.process.poll() is None:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait()


def prepare_database(args: argparse.Namespace, env: dict[str, str]) -> None:
    if args.database_url:
        import psycopg

        url = urlparse(args.database_url)
        name = url.path.lstrip("/")
        admin = args.database_url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)


def terminate_worker_connections(database_url: str, stop: threading.Event, cut: list[int]) -> None:
    import psycopg

    while not stop.wait(1.0):
        try:
            with psycopg.connect(database_url, autocommit=True) as conn:
                row = conn.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE application_name = %s",
                    [WORKER_APP_NAME],
                ).fetchone()
                cut[0] += row[0] if row else 0
        except psycopg.Error:
            pass


def make_complaints(n: int) -> None:
    from putright.accounts import factories
    from putright.complaints.tests.stories import acknowledged, received
    from putright.people.factories import ResidentFactory

    handler = factories.handler(username=f"bench-handler-{os.getpid()}")
    for i in range(n):
        resident = ResidentFactory(email=f"resident{i}@example.org")
        acknowledged(received(resident=resident, actor=handler), actor=handler)


def outstanding() -> dict[str, int]:
    from django_tasks_db.models import DBTaskResult

    from putright.letters.constants import OutboxStatus
    from putright.letters.models import LetterRequest, OutboxItem

    return {
        "requests pending": LetterRequest.objects.filter(
            status=LetterRequest.Status.PENDING
        ).count(),
        "letters waiting to send": OutboxItem.objects.filter(
            status__in=[OutboxStatus.PENDING, OutboxStatus.RETRYING, OutboxStatus.SENDING]
        ).count(),
        "tasks ready or running": DBTaskResult.objects.filter(
            status__in=["READY", "RUNNING"]
        ).count(),
    }


def report(args, server: FakeMailServer, worker: Worker, cut: int, took: float) -> bool:
    from putright.letters.constants import LetterKind, OutboxStatus
    from putright.letters.models import Letter, LetterRequest, OutboxItem

    letters = Letter.objects.filter(kind=LetterKind.ACKNOWLEDGEMENT)
    produced = letters.count()
    events = letters.values("source_event").distinct().count()
    ids = list(letters.values_list("message_id", flat=True))
    counts = [server.received[m] for m in ids]
    once = sum(1 for c in counts if c == 1)
    twice = sum(1 for c in counts if c > 1)
    lost = args.complaints - sum(1 for c in counts if c >= 1)
    rows = [
        ("database", "PostgreSQL" if args.database_url else "SQLite"),
        ("worker SIGKILLs", worker.starts - 1 - worker.crashes),
        ("worker exits by itself", worker.crashes),
        ("connections cut (pg_terminate_backend)", cut),
        ("SMTP hang-ups after DATA", server.hung_up),
        ("letters expected", args.complaints),
        ("letters produced", produced),
        ("  of them duplicates (same event)", produced - events),
        ("sent once", once),
        ("sent twice or more", twice),
        ("lost (never reached the server)", lost),
        ("  recorded as not produced", LetterRequest.objects.filter(status="not_produced").count()),
        (
            "  failed, waiting for staff",
            OutboxItem.objects.filter(status=OutboxStatus.FAILED).count(),
        ),
        ("sent, unconfirmed by the server", OutboxItem.objects.filter(unconfirmed=True).count()),
        ("seconds to quiescence", round(took)),
    ]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    return lost == 0 and twice == 0 and produced == events


def main() -> int:
    args = arguments()
    # Stopped with SIGTERM (or timeout): still kill our worker and stop the SMTP server.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(2))
    rng = random.Random(args.seed)
    scratch = Path(f"{SCRATCH_ROOT}-{args.smtp_port}")
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "fault_settings",
        "PYTHONPATH": f"{BENCH}:{ROOT}",
        "PUTRIGHT_MEDIA_ROOT": str(scratch / "media"),
        "PUTRIGHT_LOG_LEVEL": "WARNING",
        "PUTRIGHT_OUTBOX_LEASE_SECONDS": str(args.lease),
        "PUTRIGHT_LETTERS_RECOVER_AFTER_SECONDS": str(args.recover_after),
        "PUTRIGHT_LETTERS_RECOVER_EVERY_SECONDS": str(args.recover_every),
        "FAULT_SMTP_PORT": str(args.smtp_port),
    }
    env.pop("DATABASE_URL", None)
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
        env["DATABASE_CONN_MAX_AGE"] = "60"
    else:
        env["FAULT_SQLITE_PATH"] = str(scratch / "db.sqlite3")
    prepare_database(args, env)

    # This process logs the complaints and counts; its connections are not cut.
    os.environ.update({**env, "FAULT_DB_APPLICATION_NAME": "putright-fault-bench"})
    sys.path[:0] = [str(BENCH), str(ROOT)]
    import django

    django.setup()
    from aiosmtpd.controller import Controller

    server = FakeMailServer(args.smtp_drop, rng)
    smtp = Controller(server, hostname="127.0.0.1", port=args.smtp_port)
    smtp.start()
    worker = Worker({**env, "FAULT_DB_APPLICATION_NAME": WORKER_APP_NAME}, scratch / "worker.log")
    worker.start()
    stop = threading.Event()
    cut = [0]
    if args.pg_terminate:
        threading.Thread(
            target=terminate_worker_connections,
            args=(args.database_url, stop, cut),
            daemon=True,
        ).start()
    kills_left = args.kills
    next_kill = time.monotonic() + rng.uniform(2, 10)
    started = time.monotonic()
    deadline = started + args.timeout
    maker = threading.Thread(target=make_complaints, args=(args.complaints,), daemon=True)
    maker.start()
    quiet_since = None
    try:
        while time.monotonic() < deadline:
            time.sleep(0.5)
            worker.keep_running()
            if kills_left and time.monotonic() >= next_kill:
                worker.kill()
                kills_left -= 1
                next_kill = time.monotonic() + rng.uniform(2, 10)
            left = outstanding()
            if maker.is_alive() or kills_left or any(left.values()):
                quiet_since = None
                continue
            quiet_since = quiet_since or time.monotonic()
            # Quiet for three recovery rounds: nothing is left for recovery to find.
            if time.monotonic() - quiet_since > 3 * args.recover_every + args.recover_after:
                break
        else:
            print(f"Timed out after {args.timeout} s; still outstanding: {outstanding()}")
    finally:
        stop.set()
        worker.stop()
        smtp.stop()
    took = time.monotonic() - started
    ok = report(args, server, worker, cut[0], took)
    print("OK: 0 lost, 0 duplicated" if ok else "FAULT: letters lost or duplicated")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
