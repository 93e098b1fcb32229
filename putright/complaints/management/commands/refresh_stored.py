"""Write every stored derived value again from its one writer, where it has gone wrong.

    python manage.py refresh_stored [--batch 500] [--after ID]

The work queue, dashboard, digest, follow-up tracker and reports read values the services
store beside the facts (each stage's due dates and timeliness, the complaint's next deadline,
"extended" and "update due", whether the resident is vulnerable, who chases each remedy and
action). Run this after restoring an older backup, loading rows around the services, or
editing a case in the admin or the database: it re-derives each through the service that
writes it, a batch of complaints per transaction, and reports what it corrected. Running it
again changes nothing; a stopped run resumes with --after and the last id it printed.
"""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from putright.complaints.services.stored import Refreshed, stored_refresh


class Command(BaseCommand):
    help = "Write the stored derived values (clocks, timeliness, flags, chasers) again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=500, help="complaints per transaction")
        parser.add_argument(
            "--after", type=int, default=0, help="resume after this complaint id (a run prints it)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        batch = max(1, options["batch"])

        def progress(done: Refreshed) -> None:
            if done.complaints % (batch * 40) < batch:
                self.stdout.write(
                    f"  {done.complaints:,} complaints, up to id {done.last_id} "
                    f"({time.perf_counter() - started:.0f} s)"
                )

        done = stored_refresh(batch=batch, after=options["after"], progress=progress)
        corrected = ", ".join(f"{n:,} {what}" for what, n in sorted(done.corrected.items()))
        self.stdout.write(
            f"Checked {done.complaints:,} complaints (up to id {done.last_id}) in "
            f"{time.perf_counter() - started:.0f} s; corrected: {corrected or 'nothing'}."
        )
