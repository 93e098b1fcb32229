"""Import survey answers from CSV; dissatisfied answers get a follow-up task (Code 1.6)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from putright.core.errors import ComplaintError
from putright.intake.services.surveys import survey_import_csv


class Command(BaseCommand):
    help = "Import a survey CSV (response_id, responded_on, score, ...). Re-running is safe."

    def add_arguments(self, parser):
        parser.add_argument("csv_file")
        parser.add_argument("--survey", required=True, help="The survey's name.")

    def handle(self, *args, csv_file: str, survey: str, **options):
        path = Path(csv_file)
        if not path.is_file():
            raise CommandError(f"No such file: {csv_file}")
        try:
            result = survey_import_csv(
                text=path.read_text(encoding="utf-8-sig"), survey=survey, actor=None
            )
        except (ComplaintError, UnicodeDecodeError) as exc:
            raise CommandError(getattr(exc, "message", str(exc))) from exc
        if result.errors:
            raise CommandError("Nothing imported:\n" + "\n".join(result.errors))
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.created} imported, {result.already_imported} already imported, "
                f"{result.follow_ups} follow-up(s) created."
            )
        )
