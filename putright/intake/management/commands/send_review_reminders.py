"""Email the complaints team what is due for review: adjustments, vulnerabilities,
restrictions, expiring authorisations (Code 5.10, 5.15). Run daily."""

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.template.loader import render_to_string
from django.utils import timezone

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
        send_mail(
            subject=f"{due.count} review(s) due – PutRight",
            message=render_to_string("people/email/reviews_due.txt", {"due": due, "today": today}),
            from_email=None,
            recipient_list=[settings.PUTRIGHT_COMPLAINTS_EMAIL],
        )
        self.stdout.write(self.style.SUCCESS(f"Reminder sent: {due.count} review(s) due."))
