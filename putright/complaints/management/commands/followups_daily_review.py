"""Remind each owner of remedies and actions due or overdue; escalate the long overdue. Daily."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from putright.complaints.services.followups import followups_daily_review
from putright.core.clock import today


class Command(BaseCommand):
    help = "Send the daily follow-up digests (one per owner) and escalations; safe to re-run."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=date.fromisoformat, default=None, help="YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        done = followups_daily_review(today=options["date"] or today())
        self.stdout.write(
            self.style.SUCCESS(
                f"{done.digests} digest(s), {done.escalations} escalation(s), "
                f"{done.recorded} case record entr{'y' if done.recorded == 1 else 'ies'}."
            )
        )
