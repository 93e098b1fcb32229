"""manage.py seed_demo: a realistic landlord's complaints, built through the real services."""

import time
from datetime import date

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from putright.complaints.events import replaying_history
from putright.rules.workflow import STATE_LABELS, State


class Command(BaseCommand):
    help = (
        "Fill the database with demo data for Thrive Homes: ~3,000 homes, ~2,800 residents "
        "with tenancies, categories, landlord closures and about 18 months of complaints in "
        "every state, each built step by step through the complaint services on its real "
        "dates. Creates the demo staff first. Runs only on an empty complaints table, so it "
        "is safe to run twice; --reset empties the complaints and people tables first "
        "(with the database's flush SQL, because the case record refuses deletes) and keeps "
        "staff accounts. Needs the time-machine package (a development dependency)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--complaints",
            type=int,
            default=900,
            help="How many complaints to create (default 900, at least 32).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=2024,
            help="Random seed: the same seed and --today give the same data.",
        )
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="Treat this date (YYYY-MM-DD) as today; default the real date.",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete all complaints, residents, homes and reference data "
            "first. Only for a demo database.",
        )

    def handle(self, *args: object, **options: object) -> None:
        try:
            from putright.complaints import demo
        except ImportError as exc:  # time-machine is a dev dependency
            raise CommandError(f"seed_demo needs the development dependencies: {exc}") from exc

        call_command("create_demo_users", stdout=self.stdout, verbosity=0)
        started = time.monotonic()
        try:
            # Replayed history: its letters would have gone out at the time, not today.
            with replaying_history():
                result = demo.seed(
                    complaints=options["complaints"],  # type: ignore[arg-type]
                    seed=options["seed"],  # type: ignore[arg-type]
                    today=options["today"],  # type: ignore[arg-type]
                    reset_first=bool(options["reset"]),
                    log=self.stdout.write,
                )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if result.skipped:
            self.stdout.write(
                self.style.WARNING(
                    "Complaints already exist, so nothing was added. Use --reset to start again."
                )
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created {result.created:,} complaints in {time.monotonic() - started:.1f} s."
                )
            )
        self.stdout.write("Complaints by status:")
        for state in State:
            self.stdout.write(
                f"  {STATE_LABELS[state]:<45} {result.counts.get(state.value, 0):>6,}"
            )
