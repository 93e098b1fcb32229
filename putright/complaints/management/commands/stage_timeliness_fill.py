"""Write each stage's stored timeliness and answer (outcome, early resolution, extended: what
the reports count) where they are not yet written.

    python manage.py stage_timeliness_fill

Run once after upgrading to a version with the stored timeliness, or after loading stages
around the services (a restore, a bulk load); the services keep it up to date from then on.
Until it has run, the reports count those stages' clocks instead: the figures are the same,
only slower.
"""

import time
from typing import Any

from django.core.management.base import BaseCommand

from putright.complaints.services.common import timeliness_fill


class Command(BaseCommand):
    help = (
        "Write the stored timeliness and answer of stages that have none yet, from the one "
        "clock and the stage's response and extensions."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()

        def progress(done: int) -> None:
            if done % 20_000 < 2000:
                self.stdout.write(f"  {done:,} stages ({time.perf_counter() - started:.0f} s)")

        done = timeliness_fill(progress=progress)
        self.stdout.write(f"Wrote {done:,} stages in {time.perf_counter() - started:.0f} s.")
