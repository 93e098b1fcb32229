"""Send every outbox letter that is due now.

The scheduler runs this sweep every 5 minutes (job `letters.outbox_sweep`); this command runs it
once, e.g. after fixing the mail settings.
"""

from django.core.management.base import BaseCommand

from putright.letters.services.outbox import outbox_sweep


class Command(BaseCommand):
    help = "Send outbox letters that are waiting or due a retry; report any needing staff."

    def handle(self, *args, **options):
        self.stdout.write(outbox_sweep())
