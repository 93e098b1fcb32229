"""Email intake: each message becomes an intake item, joins its case, or is quarantined.

- Received when our mailbox got it (IMAP INTERNALDATE, or the top Received header of a .eml
  file), never the sender's Date header, which anyone can write; never in the future.
- Idempotent by Message-ID, by the mailbox's UID and by a hash of the bytes: importing the same
  message again does nothing, so a poll can always be re-run.
- Each message in its own guard: whatever goes wrong with one is kept, raw, with the reason,
  and the next message is still imported. NUL bytes and broken headers are cleaned, not fatal.
- A reply quoting a reference joins that case only when the sender is the resident or an
  authorised representative of it; otherwise it is an intake item saying so.
- Nothing tells the sender "we have logged your complaint": a person decides that first.
"""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import policy
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import parseaddr, parsedate_to_datetime
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import strip_tags

from putright.complaints import services as complaint_services
from putright.complaints.constants import Channel, Direction
from putright.complaints.models import Complaint
from putright.complaints.services.record import check_upload
from putright.core.clock import now
from putright.core.errors import ComplaintError
from putright.intake.constants import (
    EMAIL_ACTOR_LABEL,
    MAX_ATTACHMENTS_PER_MESSAGE,
    MAX_MESSAGE_BYTES,
    OLDEST_BELIEVABLE_DAYS,
    InboundStatus,
    IntakeChannel,
)
from putright.intake.models import InboundEmail
from putright.intake.services.items import (
    IncomingFile,
    clean_text,
    item_filed_already,
    item_receive,
)
from putright.people.models import Representative

REFERENCE = re.compile(r"\bCMP-\d{4}-\d{6}\b", re.IGNORECASE)
ADDRESS = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")

EMPTY_MESSAGE = "The file is empty: there is no message to read."
TOO_BIG = "The message is larger than {mb} MB, so it was not read."
NOT_AN_EMAIL = "This is not an email message: it has no From, Subject or Date headers."
NO_SENDER = "The message has no sender address we can reply to."
NO_CONTENT = "The message has no text and no attachments."
UNKNOWN_REFERENCE = "The subject quotes {reference}, which is not a complaint we hold."
NOT_THE_RESIDENT = (
    "The message quotes {reference}, but the sender ({sender}) is neither the resident nor an "
    "authorised representative of that case, so it was not added to it."
)
FORGED = (
    "The message quotes {reference} from {sender}, but our mail server found that address "
    "forged (SPF/DKIM/DMARC failed), so it was not added to the case."
)
FORGED_SENDER = (
    "Our mail server found the sender's address ({sender}) forged (SPF/DKIM/DMARC failed): "
    "anyone may have sent this, so it is not matched to a resident by that address."
)
ATTACHMENT_ASIDE = "Attachment “{name}” was kept aside and not passed on: {reason}"
TOO_MANY_ATTACHMENTS = "more than {n} attachments in one message"
REFUSED_BY_CASE = "The message could not be added to {reference}: {reason}"
AUTOMATIC_REPLY = (
    "This is an automatic message (out-of-office, bounce or bulk mail), so it was not put in "
    "the intake inbox and no reply was sent."
)
FROM_OURSELVES = "The message came from our own complaints address, so it was not logged."
UNREADABLE = "The message could not be read ({kind}), so it was kept for a person to look at."
DATE_NOT_BELIEVED = (
    "The mailbox date {date} is not believable (in the future or more than {days} days ago): "
    "received is when we imported it."
)


HEADERS_REPAIRED = (
    "{n} broken header line(s) (neither a header nor its continuation) were left out to read "
    "the message; the raw message keeps them."
)
# A header field's first line: a name of printable ASCII (no colon, no space), then a colon
# (RFC 5322 2.2, and its obsolete form with spaces before the colon).
HEADER_FIELD = re.compile(rb"^[\x21-\x39\x3b-\x7e]+[ \t]*:")


def repaired(raw: bytes) -> tuple[bytes, int]:
    """The message with header lines that are neither a field nor a continuation left out, and
    how many were: Python's parser ends the header block at the first such line, so one line
    with no colon at the top would hide the From and Subject below it and lose the message."""
    ends = [i for i in (raw.find(b"\r\n\r\n"), raw.find(b"\n\n")) if i != -1]
    end = min(ends) if ends else len(raw)
    lines = raw[:end].splitlines(keepends=True)
    kept = [line for line in lines if HEADER_FIELD.match(line) or line[:1] in (b" ", b"\t")]
    if len(kept) == len(lines) or not any(HEADER_FIELD.match(line) for line in kept):
        return raw, 0  # nothing broken, or no header at all: not a message to repair
    return b"".join(kept) + raw[end:], len(lines) - len(kept)


class Quarantine(Exception):
    """The message cannot be imported automatically; a person must look at it."""


@dataclass(frozen=True)
class ParsedEmail:
    message_id: str
    from_name: str
    from_address: str
    subject: str
    body: str
    attachments: list[tuple[str, bytes]]
    # The top Received header's date: when our server accepted it (None if it has none).
    server_received_at: datetime | None = None
    # Our mail server found the sender's address forged (SPF, DKIM or DMARC failed).
    sender_failed_checks: bool = False
    notes: list[str] = field(default_factory=list)


def _raw_header(message: Message, name: str) -> str:
    """A header's value as sent, without the strict parser (which raises on broken headers)."""
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            return str(value)
    return ""


def clean_header(value: str) -> str:
    """A header decoded (RFC 2047) and flattened: encoded line breaks and NULs become spaces."""
    try:
        decoded = str(make_header(decode_header(value)))
    except (LookupError, ValueError, UnicodeError, TypeError, AssertionError):
        decoded = value
    decoded = decoded.encode("utf-8", "replace").decode("utf-8")
    return " ".join("".join(ch if ch.isprintable() else " " for ch in decoded).split())


def message_id_of(raw: bytes, message: Message | None) -> str:
    """The Message-ID, or a stable digest of the bytes when there is none (still idempotent)."""
    if message is not None:
        value = clean_header(_raw_header(message, "Message-ID"))
        if value:
            return value[:500]
    return f"<sha256-{content_hash(raw)}@putright.invalid>"


def content_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _body(message: EmailMessage) -> str:
    try:
        part = message.get_body(preferencelist=("plain", "html"))
        if part is None:
            return ""
        text = part.get_content()
        if part.get_content_type() == "text/html":
            text = strip_tags(text)
    except (LookupError, ValueError, TypeError, AttributeError, AssertionError):
        # A broken charset or transfer encoding: take the bytes as they come.
        payload = message.get_payload(decode=True)
        text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    return clean_text(text).strip()


# Walking a MIME tree stops here: a message of a million empty parts is not read forever.
MAX_PARTS_WALKED = 500


def _attachments(message: EmailMessage) -> list[tuple[str, bytes]]:
    """Every leaf part that is a document, however deeply nested, except the body itself."""
    found: list[tuple[str, bytes]] = []
    try:
        body = message.get_body(preferencelist=("plain", "html"))
    except (LookupError, ValueError, TypeError, AttributeError):
        body = None
    try:
        for count, part in enumerate(message.walk()):
            if count > MAX_PARTS_WALKED:
                break
            if part.is_multipart() or part is body:
                continue
            try:
                name = clean_header(str(part.get_filename() or ""))
            except (LookupError, ValueError, TypeError, AttributeError):
                name = ""
            disposition = part.get_content_disposition()
            if disposition != "attachment" and not name and part.get_content_maintype() == "text":
                continue  # an alternative rendering of the body, not a document
            payload = part.get_payload(decode=True)
            found.append((name or "attachment", payload if isinstance(payload, bytes) else b""))
    except (LookupError, ValueError, TypeError, AttributeError, RecursionError):
        pass  # what was found so far is kept; the text still goes through
    return found


def top_received_at(message: Message) -> datetime | None:
    """The date our server stamped on the first (top) Received header, if it parses."""
    value = clean_header(_raw_header(message, "Received"))
    if ";" not in value:
        return None
    try:
        at = parsedate_to_datetime(value.rsplit(";", 1)[1].strip())
    except (TypeError, ValueError, IndexError):
        return None
    return None if at is None or timezone.is_naive(at) else at


AUTH_FAILED = re.compile(r"\b(?:spf|dkim|dmarc)=(?:fail|softfail|permerror)\b", re.IGNORECASE)


def sender_failed_checks(message: Message) -> bool:
    """Whether an Authentication-Results header says the From address failed its checks.

    Used only to refuse trust, never to grant it: a sender can add a header saying "pass".
    """
    return any(
        key.lower() == "authentication-results" and AUTH_FAILED.search(clean_header(str(value)))
        for key, value in message.raw_items()
    )


def parse(raw: bytes) -> ParsedEmail:
    """Read a raw RFC 5322 message, or raise Quarantine saying what is wrong with it."""
    if not raw.strip():
        raise Quarantine(EMPTY_MESSAGE)
    if len(raw) > MAX_MESSAGE_BYTES:
        raise Quarantine(TOO_BIG.format(mb=MAX_MESSAGE_BYTES // (1024 * 1024)))
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception as exc:  # the parser is lenient; anything it raises means unreadable
        raise Quarantine(UNREADABLE.format(kind=type(exc).__name__)) from exc
    if not any(_raw_header(message, h) for h in ("From", "Subject", "Date")):
        raise Quarantine(NOT_AN_EMAIL)
    # Split the raw header first, then decode the name: a decoded name may hold anything
    # (line breaks, colons, another address) and must not change which address is the sender.
    raw_from = " ".join(_raw_header(message, "From").replace("\x00", "").split())
    name, address = parseaddr(raw_from)
    address = clean_header(address).lower()
    if not ADDRESS.match(address):
        raise Quarantine(NO_SENDER)
    # Replying to an auto-responder or a bounce would start a mail loop (RFC 3834).
    auto = clean_header(_raw_header(message, "Auto-Submitted") or "no").lower()
    precedence = clean_header(_raw_header(message, "Precedence")).lower()
    if (
        auto != "no"
        or precedence in {"bulk", "junk", "list", "auto_reply"}
        or address.startswith(("mailer-daemon@", "postmaster@"))
    ):
        raise Quarantine(AUTOMATIC_REPLY)
    if address == settings.PUTRIGHT_COMPLAINTS_EMAIL.strip().lower():
        raise Quarantine(FROM_OURSELVES)
    body = _body(message)  # type: ignore[arg-type]
    attachments = _attachments(message)  # type: ignore[arg-type]
    subject = clean_header(_raw_header(message, "Subject"))
    if not body and not attachments and not subject:
        raise Quarantine(NO_CONTENT)
    return ParsedEmail(
        message_id=message_id_of(raw, message),
        from_name=clean_header(name)[:200],
        from_address=address[:300],
        subject=subject[:300],
        body=body,
        attachments=attachments,
        server_received_at=top_received_at(message),
        sender_failed_checks=sender_failed_checks(message),
    )


def received_when(at: datetime | None) -> tuple[datetime, str]:
    """When the landlord got the message, and a note if the mailbox's date was not believed.

    Never the sender's Date header; never in the future; not absurdly far back either.
    """
    current = now()
    if at is None:
        return current, ""
    if at > current + timedelta(minutes=5) or at < current - timedelta(days=OLDEST_BELIEVABLE_DAYS):
        return current, DATE_NOT_BELIEVED.format(
            date=f"{at:%d %B %Y %H:%M}", days=OLDEST_BELIEVABLE_DAYS
        )
    return min(at, current), ""


def _sorted_files(parsed: ParsedEmail) -> tuple[list[IncomingFile], list[str]]:
    """Every attachment kept; unsupported or surplus ones aside, each with a note."""
    files, notes = [], []
    for index, (name, content) in enumerate(parsed.attachments):
        reason = ""
        if index >= MAX_ATTACHMENTS_PER_MESSAGE:
            reason = TOO_MANY_ATTACHMENTS.format(n=MAX_ATTACHMENTS_PER_MESSAGE)
        else:
            try:
                check_upload(SimpleUploadedFile(name, content))
            except ComplaintError as exc:
                reason = exc.message
        if reason:
            notes.append(ATTACHMENT_ASIDE.format(name=name, reason=reason))
        files.append(IncomingFile(name=name, content=content, aside=reason))
    return files, notes


def may_write_into(address: str, complaint: Complaint) -> bool:
    """Whether this sender is the complaint's resident or an authorised representative of it."""
    address = address.strip().lower()
    resident = complaint.resident
    if resident.email and resident.email.strip().lower() == address:
        return True
    today = timezone.localdate()
    reps = Representative.objects.filter(resident=resident, email__iexact=address).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=today)
    )
    return any(rep.is_authorised_on(today) and rep.covers(complaint.pk) for rep in reps)


def _import(parsed: ParsedEmail, received_at: datetime, notes: list[str]) -> tuple[str, Any]:
    files, file_notes = _sorted_files(parsed)
    notes = notes + file_notes
    found = REFERENCE.search(parsed.subject) or REFERENCE.search(parsed.body[:5000])
    quoted = None
    if parsed.sender_failed_checks and not found:
        notes.append(FORGED_SENDER.format(sender=parsed.from_address))
    if found:
        reference = found.group(0).upper()
        quoted = Complaint.objects.select_related("resident").filter(reference=reference).first()
        if quoted is None:
            notes.append(UNKNOWN_REFERENCE.format(reference=reference))
        elif parsed.sender_failed_checks:
            notes.append(FORGED.format(reference=reference, sender=parsed.from_address))
        elif may_write_into(parsed.from_address, quoted):
            try:
                with transaction.atomic():
                    complaint_services.correspondence_add(
                        complaint=quoted,
                        direction=Direction.INCOMING,
                        channel=Channel.EMAIL,
                        counterpart=parsed.from_name or parsed.from_address,
                        subject=parsed.subject,
                        body=parsed.body,
                        occurred_at=received_at,
                        files=[SimpleUploadedFile(f.name, f.content) for f in files if not f.aside],
                        actor=None,
                        actor_label=EMAIL_ACTOR_LABEL,
                    )
            except ComplaintError as exc:
                notes.append(REFUSED_BY_CASE.format(reference=reference, reason=exc.message))
            else:
                if any(f.aside for f in files):
                    # The case got what it may hold; the rest waits for a person.
                    item = _item(parsed, received_at, notes, [f for f in files if f.aside], quoted)
                else:
                    # In the inbox too, decided by the intake: every message is an item.
                    item = item_filed_already(
                        channel=IntakeChannel.EMAIL,
                        complaint=quoted,
                        body=parsed.body or parsed.subject,
                        subject=parsed.subject,
                        sender_name=parsed.from_name,
                        sender_email=parsed.from_address,
                        received_at=received_at,
                    )
                return InboundStatus.ADDED_TO_CASE, (quoted, item)
        else:
            notes.append(NOT_THE_RESIDENT.format(reference=reference, sender=parsed.from_address))
    return InboundStatus.ITEM, (None, _item(parsed, received_at, notes, files, quoted))


def _item(parsed, received_at, notes, files, quoted):
    return item_receive(
        channel=IntakeChannel.EMAIL,
        received_at=received_at,
        subject=parsed.subject,
        body=parsed.body or "(no text: see the attachments)",
        sender_name=parsed.from_name,
        sender_email=parsed.from_address,
        notes=notes,
        quoted_complaint=quoted,
        files=files,
        # A forged From says nothing about who wrote: no resident is suggested by it.
        match_by_email=not parsed.sender_failed_checks,
    )


def _seen_before(message_id: str, digest: str, mailbox_uid: str) -> InboundEmail | None:
    query = Q(message_id=message_id) | Q(content_hash=digest)
    if mailbox_uid:
        query |= Q(mailbox_uid=mailbox_uid)
    return InboundEmail.objects.filter(query).order_by("id").first()


def _safe_headers(raw: bytes) -> Message | None:
    try:
        return BytesParser(policy=policy.default).parsebytes(raw[:200_000], headersonly=True)
    except Exception:  # any header block we cannot read at all: still recorded, by hash
        return None


def email_import(
    *,
    raw: bytes,
    source: str,
    received_at: datetime | None = None,
    mailbox_uid: str = "",
) -> tuple[InboundEmail, bool]:
    """Import one raw message. Returns the inbound record and whether it was new this time.

    `received_at` is the mailbox's date (IMAP INTERNALDATE); without it, the top Received
    header; without that, now. Never raises for a bad message: it is quarantined instead.
    """
    readable, dropped = repaired(raw)
    header_only = _safe_headers(readable)
    message_id = message_id_of(raw, header_only)
    digest = content_hash(raw)
    existing = _seen_before(message_id, digest, mailbox_uid)
    if existing is not None:
        return existing, False

    filename = digest[:24] + ".eml"
    reason = ""
    mailbox_at = received_at
    if mailbox_at is None and header_only is not None:
        mailbox_at = top_received_at(header_only)
    at, date_note = received_when(mailbox_at)
    notes = [date_note] if date_note else []
    if dropped:
        notes.append(HEADERS_REPAIRED.format(n=dropped))
    try:
        with transaction.atomic():
            parsed = parse(readable)
            status, (complaint, item) = _import(parsed, at, notes)
            inbound = InboundEmail(
                message_id=message_id,
                source=clean_text(source, limit=300),
                from_address=parsed.from_address,
                subject=parsed.subject,
                status=status,
                complaint=complaint,
                item=item,
                received_at=at,
                mailbox_uid=mailbox_uid[:200],
                content_hash=digest,
            )
            inbound.raw.save(filename, ContentFile(raw), save=False)
            inbound.save()
            return inbound, True
    except Quarantine as exc:
        reason = str(exc)
    except IntegrityError:
        # Another worker imported the same message at the same moment, or the database
        # refused something we did not foresee: look for the first, else quarantine.
        again = _seen_before(message_id, digest, mailbox_uid)
        if again is not None:
            return again, False
        reason = UNREADABLE.format(kind="IntegrityError")
    except Exception as exc:  # one bad message must never stop the others (quarantined)
        reason = UNREADABLE.format(kind=type(exc).__name__)

    # The import rolled back; keep the raw message and the reason for a person to deal with.
    with transaction.atomic():
        inbound = InboundEmail(
            message_id=message_id,
            source=clean_text(source, limit=300),
            from_address=clean_header(_raw_header(header_only, "From"))[:300]
            if header_only
            else "",
            subject=clean_header(_raw_header(header_only, "Subject"))[:300] if header_only else "",
            status=InboundStatus.QUARANTINED,
            reason=reason,
            received_at=at,
            mailbox_uid=mailbox_uid[:200],
            content_hash=digest,
        )
        inbound.raw.save(filename, ContentFile(raw), save=False)
        inbound.save()
    return inbound, True


@transaction.atomic
def inbound_resolve(
    *, inbound: InboundEmail, resolution: str, actor, complaint=None
) -> InboundEmail:
    """A person dealt with a quarantined message: say what was done (logged, forwarded, spam)."""
    from putright.core.errors import InvalidInput
    from putright.core.validation import require_text

    inbound = InboundEmail.objects.select_for_update().get(pk=inbound.pk)
    if inbound.status != InboundStatus.QUARANTINED or inbound.resolved_at is not None:
        raise InvalidInput(
            "Only an unresolved quarantined message can be resolved.", field="resolution"
        )
    inbound.resolution = require_text(
        resolution, "resolution", "Say what was done with the message."
    )
    inbound.resolved_at = now()
    inbound.resolved_by = actor
    inbound.complaint = complaint
    inbound.save(update_fields=["resolution", "resolved_at", "resolved_by", "complaint"])
    return inbound
