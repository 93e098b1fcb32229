"""An import running while staff log complaints, on SQLite: does anyone get "database is locked"?

    python bench/import_while_submitting.py [ROWS] [SUBMISSIONS] [--one-transaction]

Bounded and local: a fresh SQLite file in a temporary folder (WAL, BEGIN IMMEDIATE and the busy
timeout from settings; SQLITE_BUSY_TIMEOUT_SECONDS applies), a synthetic file of ROWS past
complaints (bench/generate_import.py) imported in one thread while SUBMISSIONS complaints are
logged from another, a quarter of a second apart, through the same service the staff form
calls. `--one-transaction` imports the way it used to (the whole file in one transaction) for
a before/after comparison. Prints one line of JSON; exits 1 if any submission failed.
"""

import csv
import io
import json
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    rows = int(args[0]) if args else 3000
    submissions = int(args[1]) if len(args) > 1 else 96
    one_transaction = "--one-transaction" in sys.argv
    folder = tempfile.mkdtemp(prefix="putright-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "putright.settings")
    os.environ.setdefault("PUTRIGHT_SECRET_KEY", "bench-only")
    os.environ["PUTRIGHT_MEDIA_ROOT"] = folder

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import OperationalError, connection, transaction
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    import setup_import_bench  # noqa: F401 - creates the categories and handlers it refers to

    from putright.complaints import services
    from putright.core import locks
    from putright.imports import services as importing
    from putright.imports.columns import COLUMN_NAMES
    from putright.imports.synthetic import rows as synthetic_rows
    from putright.people.models import Resident

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMN_NAMES))
    writer.writeheader()
    for r in synthetic_rows(rows, random.Random(7)):  # noqa: S311 - synthetic, seeded
        writer.writerow(r)
    data = out.getvalue().encode()
    if one_transaction:  # the old way: row by row, the whole file in one transaction
        importing.BULK = False
        importing.COMMIT_ROWS = 10**9
        importing.COMMIT_SECONDS = 10**9
        locks.SQLITE_PAUSE_SECONDS = 0
    resident = Resident.objects.create(full_name="Bench Resident", email="bench@example.org")
    connection.close()

    done = threading.Event()
    result: dict = {"rows": rows, "one_transaction": one_transaction}

    def run_import() -> None:
        started = time.monotonic()
        try:
            report = importing.import_complaints(
                data=data, file_name="history.csv", skip_invalid=True
            )
            result["imported"] = report.created
        except Exception as exc:  # reported, not hidden
            result["import_error"] = repr(exc)
        finally:
            result["import_seconds"] = round(time.monotonic() - started, 1)
            connection.close()
            done.set()

    failures: list[str] = []
    waits: list[float] = []

    def submit() -> None:
        for n in range(submissions):
            if done.is_set():
                break
            started = time.monotonic()
            try:
                with transaction.atomic():
                    services.complaint_receive(
                        resident=resident,
                        channel="phone",
                        received_on=timezone.localdate(),
                        description=f"Submitted during the import ({n}).",
                        actor=None,
                        actor_label="bench",
                    )
            except OperationalError as exc:
                failures.append(str(exc))
            waits.append(time.monotonic() - started)
            time.sleep(0.25)
        connection.close()

    importer = threading.Thread(target=run_import)
    submitter = threading.Thread(target=submit)
    importer.start()
    time.sleep(1)  # the import is checking and writing by now
    submitter.start()
    submitter.join()
    importer.join()
    result.update(
        submitted=len(waits),
        failed=len(failures),
        database_locked=sum("locked" in f for f in failures),
        slowest_submission_seconds=round(max(waits, default=0), 2),
    )
    sys.stdout.write(json.dumps(result) + "\n")
    return 1 if failures or "import_error" in result else 0


if __name__ == "__main__":
    sys.exit(main())
