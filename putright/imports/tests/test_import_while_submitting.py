"""On SQLite an import no longer locks staff out: complaints logged during it all go through.

Runs bench/import_while_submitting.py in its own process, on its own SQLite file (the test
database is in memory, where threads do not contend as a real file does), with a strict busy
timeout: an import holding one transaction for the whole file makes submissions fail.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]
# Enough rows that the import is still running while submissions come in: the bulk import
# writes 300 rows in about a second on an idle machine, before the first submission. Since
# the pause after a commit counts the deciding (imp24), 2,000 rows took 2.3 s and left time
# for only 4 submissions a quarter of a second apart.
ROWS = 4000


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's single write lock")
def test_complaints_logged_during_an_import_are_never_locked_out():
    env = {**os.environ, "SQLITE_BUSY_TIMEOUT_SECONDS": "5"}
    env.pop("DATABASE_URL", None)
    finished = subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [sys.executable, str(ROOT / "bench" / "import_while_submitting.py"), str(ROWS), "20"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    result = json.loads(finished.stdout.strip().splitlines()[-1])

    assert (result["failed"], result["database_locked"]) == (0, 0)
    assert result["imported"] == ROWS
    assert result["submitted"] >= 5  # the import was still running for several submissions
