"""Time and peak memory of opening and checking every row (the pass before any write).

DATABASE_URL=... python bench/check_only.py /tmp/history-100000.csv
"""

import os
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "putright.settings")

import django

django.setup()

from django.utils import timezone  # noqa: E402

from putright.complaints.calendar import calendar_pinned  # noqa: E402
from putright.imports.checks import Lookups  # noqa: E402
from putright.imports.parser import open_table  # noqa: E402
from putright.imports.services import ImportReport, _check_all  # noqa: E402
from putright.rules.profile import get_profile  # noqa: E402

path = Path(sys.argv[1])
tracemalloc.start()
started = time.monotonic()
table = open_table(b"", path.name, path=path)  # streamed from disk, as the command does
report = ImportReport(file_name=path.name, dry_run=True, skip_invalid=False)
with calendar_pinned() as calendar:
    lookups = Lookups.load(
        today=timezone.localdate(), calendar=calendar, profile=get_profile("hos-2024")
    )
    _check_all(table, lookups, report, None)
elapsed = time.monotonic() - started
_, peak = tracemalloc.get_traced_memory()
sys.stdout.write(
    f"checked {report.rows_total:,} rows in {elapsed:.1f}s ({report.rows_total / elapsed:,.0f} "
    f"rows/s); {len(report.issues)} issues; peak traced memory {peak / 1e6:.1f} MB "
    f"(file {path.stat().st_size / 1e6:.1f} MB)\n"
)
