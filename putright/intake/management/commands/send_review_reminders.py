"""Email the complaints team what is due for review: adjustments, vulnerabilities,
restrictions, expiring authorisations (Code 5.10, 5.15). Run daily."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from putright.core.messages import STAFF_REMINDER, OutgoingMessage, queue_message
from putright.people.selectors import reviews_due


class Command(BaseCommand):
    help = "Email the complaints inbox a list of reviews due in the next 14 days."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=14)

    def handle(self, *args, days: int, **options):
        today = timezone.localdate()
        due = reviews_due(on=today, within_days=days)
        if not due.count:
            self.stdout.write("Nothing due for review.")
            return
        with transaction.atomic():
            # Through the outbox (retried, Notify when configured), at most once a day.
            queue_message(
                OutgoingMessage(
                    kind=STAFF_REMINDER,
                    to=settings.PUTRIGHT_COMPLAINTS_EMAIL,
                    name="Complaints team",
                    subject=f"{due.count} review(s) due – PutRight",
                    body=render_to_string(
                        "people/email/reviews_due.txt", {"due": due, "today": today}
                    ),
                    key=f"reminder:reviews:{today.isoformat()}",
                    role="staff",
                )
            )
        self.stdout.write(self.style.SUCCESS(f"Reminder queued: {due.count} review(s) due."))
