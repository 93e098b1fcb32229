"""manage.py import_complaints FILE [--dry-run] [--skip-invalid] [--user USERNAME]"""

import resource
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from putright.imports.services import ImportRefused, ImportReport, import_complaints

ISSUES_SHOWN = 200


class Command(BaseCommand):
    help = "Import past complaints from a CSV (UTF-8) or XLSX file; see docs/import.md."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and rehearse the import; write nothing."
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the valid rows and report the others (default: an invalid file "
            "imports nothing).",
        )
        parser.add_argument("--user", help="Username of the officer running the import.")

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        actor = None
        if options["user"]:
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"No user called {options['user']!r}.")
        started = time.monotonic()

        def progress(stage: str, rows: int, total: int) -> None:
            elapsed = time.monotonic() - started
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
            of = f" of {total:,}" if total else ""
            self.stdout.write(
                f"  {stage} {rows:,}{of} rows ({rows / max(elapsed, 0.001):,.0f} rows/s, "
                f"{elapsed:,.0f}s, peak memory {peak_mb:,.0f} MB)"
            )
            self.stdout.flush()

        self.stdout.write(f"Importing {path.name}" + (" (dry run)" if options["dry_run"] else ""))
        try:
            report = import_complaints(
                path=path,  # streamed: memory stays flat however long the file is
                file_name=path.name,
                actor=actor,
                dry_run=options["dry_run"],
                skip_invalid=options["skip_invalid"],
                progress=progress,
            )
        except ImportRefused as refused:
            self._issues(refused.report)
            raise CommandError(
                f"{refused} ({refused.report.invalid} row(s) with problems)"
            ) from None
        self._issues(report)
        verb = "Would import" if report.dry_run else "Imported"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {report.rows_total:,} rows in {time.monotonic() - started:.1f}s: "
                f"{report.created:,} created, {report.updated:,} updated, "
                f"{report.unchanged:,} unchanged, {report.invalid:,} skipped as invalid, "
                f"{report.correspondence:,} correspondence items, "
                f"{report.hazards:,} hazard cases created or moved on."
            )
        )
        if report.dry_run:
            self.stdout.write("Dry run: nothing was written.")

    def _issues(self, report: ImportReport) -> None:
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(f"Warning: {warning}"))
        for issue in report.issues[:ISSUES_SHOWN]:
            where = f"Row {issue.row}" if issue.row else "File"
            if issue.sheet:
                where = f"{issue.sheet} sheet, row {issue.row}"
            self.stdout.write(self.style.ERROR(f"{where}, {issue.column}: {issue.message}"))
        if len(report.issues) > ISSUES_SHOWN:
            self.stdout.write(f"… and {len(report.issues) - ISSUES_SHOWN} more problems.")
