"""Send every outbox letter that is due, now (the task worker also does this by itself)."""

from django.core.management.base import BaseCommand

from putright.letters.selectors import outbox_problem_count
from putright.letters.services.outbox import outbox_deliver_due


class Command(BaseCommand):
    help = "Send outbox letters that are waiting or due a retry; report any needing staff."

    def handle(self, *args, **options):
        sent = outbox_deliver_due()
        problems = outbox_problem_count()
        self.stdout.write(f"Sent {sent} letter(s). {problems} waiting after a failure.")
