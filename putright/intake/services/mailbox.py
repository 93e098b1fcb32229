"""Polling the complaints mailbox over IMAP (`manage.py poll_imap` and the scheduled job)."""

import imaplib
from collections import Counter

from django.conf import settings

from putright.intake.services.email import email_import

NOT_CONFIGURED = "Set PUTRIGHT_IMAP_HOST (and _USER, _PASSWORD) to poll a mailbox."


class MailboxError(Exception):
    """The mailbox could not be read; nothing was marked read that was not stored."""


def mailbox_configured() -> bool:
    return bool(settings.PUTRIGHT_IMAP["host"])


def mailbox_poll(*, limit: int = 200) -> Counter[str]:
    """Import unread messages (idempotent by Message-ID) and mark each read once stored.

    Returns how many of each outcome ("new complaint", "quarantined", "already imported", ...).
    """
    conf = settings.PUTRIGHT_IMAP
    if not conf["host"]:
        raise MailboxError(NOT_CONFIGURED)
    counts: Counter[str] = Counter()
    try:
        box = imaplib.IMAP4_SSL(conf["host"], conf["port"])
        box.login(conf["user"], conf["password"])
        box.select(conf["folder"])
        status, data = box.uid("SEARCH", None, "UNSEEN")
        if status != "OK":
            raise MailboxError(f"The mailbox refused the search: {status}")
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
        raise MailboxError(f"Could not read the mailbox: {exc}") from exc
    return counts


def mailbox_summary(counts: Counter[str]) -> str:
    summary = ", ".join(f"{n} {label}" for label, n in sorted(counts.items())) or "no new mail"
    return f"Mailbox {settings.PUTRIGHT_IMAP['folder']}: {summary}."
