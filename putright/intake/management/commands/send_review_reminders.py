"""Email the complaints team what is due for review: adjustments, vulnerabilities,
restrictions, expiring authorisations (Code 5.10, 5.15).

The scheduler sends this daily (job `people.review_reminders`); this command sends it now.
"""

from django.core.management.base import BaseCommand

from putright.core.clock import today
from putright.people.reminders import REVIEW_WINDOW_DAYS, review_reminder_send


class Command(BaseCommand):
    help = "Email the complaints inbox a list of reviews due in the next 14 days."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=REVIEW_WINDOW_DAYS)

    def handle(self, *args, days: int, **options):
        count = review_reminder_send(on=today(), within_days=days)
        if not count:
            self.stdout.write("Nothing due for review.")
            return
        self.stdout.write(self.style.SUCCESS(f"Reminder queued: {count} review(s) due."))
