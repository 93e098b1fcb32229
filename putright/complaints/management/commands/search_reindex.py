"""Rebuild the search tables (residents, then complaints) from the record.

    python manage.py search_reindex

Run once after upgrading to a version with search, or after loading data around the services
(a restore, a bulk load); the services keep the tables up to date from then on.
"""

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from putright.complaints import search as complaint_search
from putright.people import search as resident_search


class Command(BaseCommand):
    help = "Rebuild the resident finder's and search everything's tables from the record."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()

        def progress(what: str) -> Any:
            def say(done: int) -> None:
                if done % 50_000 < complaint_search.BATCH:
                    self.stdout.write(f"  {done:,} {what} ({time.perf_counter() - started:.0f} s)")

            return say

        with transaction.atomic():
            residents = resident_search.reindex_all(progress=progress("residents"))
        with transaction.atomic():
            complaints = complaint_search.reindex_all(progress=progress("complaints"))
        self.stdout.write(
            f"Indexed {residents:,} residents and {complaints:,} complaints "
            f"in {time.perf_counter() - started:.0f} s."
        )
