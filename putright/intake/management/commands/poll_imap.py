"""Poll the complaints mailbox over IMAP and import new messages (run it every few minutes)."""

import imaplib
from collections import Counter

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from putright.intake.services.email import email_import


class Command(BaseCommand):
    help = (
        "Fetch unread messages from the IMAP mailbox (PUTRIGHT_IMAP_* settings), import each "
        "(idempotent by Message-ID) and mark it read. Quarantined messages are kept, not lost."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=200, help="At most this many per run.")

    def handle(self, *args, limit: int, **options):
        conf = settings.PUTRIGHT_IMAP
        if not conf["host"]:
            raise CommandError("Set PUTRIGHT_IMAP_HOST (and _USER, _PASSWORD) to poll a mailbox.")
        counts: Counter[str] = Counter()
        try:
            box = imaplib.IMAP4_SSL(conf["host"], conf["port"])
            box.login(conf["user"], conf["password"])
            box.select(conf["folder"])
            status, data = box.uid("SEARCH", None, "UNSEEN")
            if status != "OK":
                raise CommandError(f"The mailbox refused the search: {status}")
            uids = (data[0] or b"").split()[:limit]
            for uid in uids:
                status, parts = box.uid("FETCH", uid, "(BODY.PEEK[])")
                raw = next((p[1] for p in parts or [] if isinstance(p, tuple) and len(p) > 1), b"")
                inbound, new = email_import(raw=raw, source=f"imap:{conf['folder']}:{uid.decode()}")
                counts[inbound.get_status_display().lower() if new else "already imported"] += 1
                # Marked read only once the message is safely stored (imported or quarantined).
                box.uid("STORE", uid, "+FLAGS", "(\\Seen)")
            box.logout()
        except (OSError, imaplib.IMAP4.error) as exc:
            raise CommandError(f"Could not read the mailbox: {exc}") from exc
        summary = ", ".join(f"{n} {label}" for label, n in sorted(counts.items())) or "no new mail"
        self.stdout.write(self.style.SUCCESS(f"Mailbox {conf['folder']}: {summary}."))
