"""Polling the complaints mailbox over IMAP (`manage.py poll_imap` and the scheduled job).

Each message is fetched, imported (or quarantined) and marked read on its own: one message that
cannot be read is kept with its reason and the poll goes on to the next. A message already
imported (same UID, Message-ID or bytes) is only marked read again, so no poll is ever stuck.
"""

import contextlib
import imaplib
import logging
import re
from collections import Counter
from datetime import datetime

from django.conf import settings

from putright.intake.services.email import email_import

logger = logging.getLogger(__name__)

NOT_CONFIGURED = "Set PUTRIGHT_IMAP_HOST (and _USER, _PASSWORD) to poll a mailbox."
INTERNALDATE = re.compile(rb'INTERNALDATE "\s*([^"]+)"')


class MailboxError(Exception):
    """The mailbox could not be read; nothing was marked read that was not stored."""


def mailbox_configured() -> bool:
    return bool(settings.PUTRIGHT_IMAP["host"])


def internal_date(parts: list) -> datetime | None:
    """The server's INTERNALDATE of a FETCH response: when our mailbox got the message."""
    for part in parts or []:
        head = part[0] if isinstance(part, tuple) else part
        if not isinstance(head, bytes):
            continue
        found = INTERNALDATE.search(head)
        if found:
            try:
                return datetime.strptime(found.group(1).decode(), "%d-%b-%Y %H:%M:%S %z")
            except (UnicodeDecodeError, ValueError):
                return None
    return None


def _connect(conf: dict) -> imaplib.IMAP4:
    if conf.get("ssl", True):
        return imaplib.IMAP4_SSL(conf["host"], conf["port"], timeout=60)
    return imaplib.IMAP4(conf["host"], conf["port"], timeout=60)


def mailbox_poll(*, limit: int = 200) -> Counter[str]:
    """Import unread messages and mark each read once stored (imported or quarantined).

    Returns how many of each outcome ("in the intake inbox", "quarantined", ...).
    """
    conf = settings.PUTRIGHT_IMAP
    if not conf["host"]:
        raise MailboxError(NOT_CONFIGURED)
    counts: Counter[str] = Counter()
    box: imaplib.IMAP4 | None = None
    try:
        box = _connect(conf)
        box.login(conf["user"], conf["password"])
        status, _ = box.select(conf["folder"])
        if status != "OK":
            raise MailboxError(f"The mailbox refused the folder {conf['folder']}: {status}")
        validity = (box.response("UIDVALIDITY")[1] or [b""])[0] or b""
        status, data = box.uid("SEARCH", None, "UNSEEN")
        if status != "OK":
            raise MailboxError(f"The mailbox refused the search: {status}")
        uids = (data[0] or b"").split()[:limit]
        for uid in uids:
            mailbox_uid = f"{conf['folder']}:{validity.decode(errors='replace')}:{uid.decode()}"
            try:
                status, parts = box.uid("FETCH", uid, "(INTERNALDATE BODY.PEEK[])")
                raw = next((p[1] for p in parts or [] if isinstance(p, tuple) and len(p) > 1), b"")
                inbound, new = email_import(
                    raw=raw,
                    source=f"imap:{mailbox_uid}",
                    received_at=internal_date(parts),
                    mailbox_uid=mailbox_uid,
                )
            except (OSError, imaplib.IMAP4.abort):
                raise
            except Exception:  # one message must never stop the poll; logged, retried later
                logger.exception("Mailbox message %s could not be stored", mailbox_uid)
                counts["failed, will retry"] += 1
                continue
            counts[inbound.get_status_display().lower() if new else "already imported"] += 1
            # Marked read only once the message is safely stored (imported or quarantined).
            box.uid("STORE", uid, "+FLAGS", "(\\Seen)")
        box.logout()
        box = None
    except (OSError, imaplib.IMAP4.error) as exc:
        raise MailboxError(f"Could not read the mailbox: {exc}") from exc
    finally:
        if box is not None:  # refused or failed part-way: close the connection anyway
            with contextlib.suppress(OSError):
                box.shutdown()
    return counts


def mailbox_summary(counts: Counter[str]) -> str:
    summary = ", ".join(f"{n} {label}" for label, n in sorted(counts.items())) or "no new mail"
    return f"Mailbox {settings.PUTRIGHT_IMAP['folder']}: {summary}."
