"""Anonymise what the retention rules no longer allow PutRight to keep (run daily)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from putright.privacy.services import retention_apply


class Command(BaseCommand):
    help = "Apply the retention rules: anonymise old complaints and residents, keep the figures."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Run as if today were YYYY-MM-DD (default: today).")

    def handle(self, *args, **options):
        today = None
        if options["today"]:
            try:
                today = date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError("--today must be a date like 2026-12-01.") from exc
        result = retention_apply(today=today, actor=None)
        self.stdout.write(
            f"Retention applied for {result.today:%d %B %Y}: {result.complaints} complaint(s) "
            f"and {result.residents} resident(s) anonymised, {result.intake_items} intake "
            f"field(s), {result.hazard_reports} address-only hazard report(s) and "
            f"{result.import_files} import file(s) removed; "
            f"{len(result.audit_ids)} audit entr{'y' if len(result.audit_ids) == 1 else 'ies'}."
        )
