"""Poll the complaints mailbox over IMAP and import new messages.

The scheduler does this every PUTRIGHT_MAILBOX_POLL_MINUTES; this command is for a manual poll.
"""

from django.core.management.base import BaseCommand, CommandError

from putright.intake.services.mailbox import MailboxError, mailbox_poll, mailbox_summary


class Command(BaseCommand):
    help = (
        "Fetch unread messages from the IMAP mailbox (PUTRIGHT_IMAP_* settings), import each "
        "(idempotent by Message-ID) and mark it read. Quarantined messages are kept, not lost."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=200, help="At most this many per run.")

    def handle(self, *args, limit: int, **options):
        try:
            counts = mailbox_poll(limit=limit)
        except MailboxError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(mailbox_summary(counts)))
