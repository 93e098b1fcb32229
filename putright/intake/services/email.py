"""Email intake: each message becomes a complaint, joins its case, or is quarantined.

Idempotent by Message-ID: importing the same message again does nothing. A message that
cannot be handled is kept, raw, with the reason — never dropped.
"""

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parseaddr, parsedate_to_datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.html import strip_tags

from putright.complaints import services as complaint_services
from putright.complaints.constants import Channel, Direction
from putright.complaints.models import Complaint
from putright.complaints.services.record import check_upload
from putright.core.errors import ComplaintError
from putright.intake.constants import EMAIL_ACTOR_LABEL, InboundStatus
from putright.intake.models import InboundEmail
from putright.intake.services.notify import send_receipt
from putright.people.models import Representative, Resident
from putright.people.services import resident_add

REFERENCE = re.compile(r"\bCMP-\d{4}-\d{6}\b", re.IGNORECASE)

EMPTY_MESSAGE = "The file is empty: there is no message to read."
NOT_AN_EMAIL = "This is not an email message: it has no From, Subject or Date headers."
NO_SENDER = "The message has no sender address we can reply to."
NO_CONTENT = "The message has no text and no attachments."
UNKNOWN_REFERENCE = "The subject quotes {reference}, which is not a complaint we hold."
BAD_ATTACHMENT = "Attachment “{name}” was not accepted: {reason}"
REFUSED_BY_CASE = "The message could not be added to {reference}: {reason}"
AUTOMATIC_REPLY = (
    "This is an automatic message (out-of-office, bounce or bulk mail), so it was not logged "
    "as a complaint and no reply was sent."
)
FROM_OURSELVES = "The message came from our own complaints address, so it was not logged."


class Quarantine(Exception):
    """The message cannot be imported automatically; a person must look at it."""


@dataclass(frozen=True)
class ParsedEmail:
    message_id: str
    from_name: str
    from_address: str
    subject: str
    body: str
    sent_at: datetime | None
    attachments: list[tuple[str, bytes]]


def message_id_of(raw: bytes, message: EmailMessage | None) -> str:
    """The Message-ID, or a stable digest of the bytes when there is none (still idempotent)."""
    if message is not None:
        value = (message.get("Message-ID") or "").strip()
        if value:
            return value[:500]
    return f"<sha256-{hashlib.sha256(raw).hexdigest()}@putright.invalid>"


def _body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    text = part.get_content()
    if part.get_content_type() == "text/html":
        text = strip_tags(text)
    return text.strip()


def parse(raw: bytes) -> ParsedEmail:
    """Read a raw RFC 5322 message, or raise Quarantine saying what is wrong with it."""
    if not raw.strip():
        raise Quarantine(EMPTY_MESSAGE)
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception as exc:  # the parser is lenient; anything it raises means unreadable
        raise Quarantine(f"The message could not be read: {exc}") from exc
    if not any(message.get(h) for h in ("From", "Subject", "Date")):
        raise Quarantine(NOT_AN_EMAIL)
    try:
        name, address = parseaddr(str(message.get("From", "")))
        subject = str(message.get("Subject", "")).strip()
        body = _body(message)
        attachments = [
            (part.get_filename() or "attachment", part.get_payload(decode=True) or b"")
            for part in message.iter_attachments()
        ]
    except (LookupError, ValueError, TypeError) as exc:
        raise Quarantine(f"The message could not be read: {exc}") from exc
    if not address or "@" not in address:
        raise Quarantine(NO_SENDER)
    # Replying to an auto-responder or a bounce would start a mail loop (RFC 3834).
    auto = str(message.get("Auto-Submitted", "no")).strip().lower()
    precedence = str(message.get("Precedence", "")).strip().lower()
    if (
        auto != "no"
        or precedence in {"bulk", "junk", "list", "auto_reply"}
        or address.lower().startswith(("mailer-daemon@", "postmaster@"))
    ):
        raise Quarantine(AUTOMATIC_REPLY)
    if address.strip().lower() == settings.PUTRIGHT_COMPLAINTS_EMAIL.strip().lower():
        raise Quarantine(FROM_OURSELVES)
    if not body and not attachments:
        raise Quarantine(NO_CONTENT)
    sent_at = None
    if message.get("Date"):
        try:
            sent_at = parsedate_to_datetime(str(message["Date"]))
        except (TypeError, ValueError):
            sent_at = None
        if sent_at is not None and timezone.is_naive(sent_at):
            sent_at = None
    return ParsedEmail(
        message_id=message_id_of(raw, message),
        from_name=name.strip(),
        from_address=address.strip().lower(),
        subject=subject[:300],
        body=body,
        sent_at=sent_at,
        attachments=attachments,
    )


def _uploads(parsed: ParsedEmail) -> list[SimpleUploadedFile]:
    uploads = []
    for name, content in parsed.attachments:
        upload = SimpleUploadedFile(name, content)
        try:
            check_upload(upload)
        except ComplaintError as exc:
            raise Quarantine(BAD_ATTACHMENT.format(name=name, reason=exc.message)) from exc
        uploads.append(upload)
    return uploads


def _resident_for(parsed: ParsedEmail) -> Resident:
    """The sender as a resident: a known resident, the resident a representative acts for,
    or a new resident record for staff to check."""
    residents = list(Resident.objects.filter(email__iexact=parsed.from_address)[:2])
    if len(residents) == 1:
        return residents[0]
    reps = list(
        Representative.objects.filter(
            email__iexact=parsed.from_address, ended_on__isnull=True
        ).select_related("resident")[:2]
    )
    if len(reps) == 1:
        return reps[0].resident
    return resident_add(
        full_name=parsed.from_name or parsed.from_address, email=parsed.from_address, actor=None
    )


def _received_on(parsed: ParsedEmail):
    today = timezone.localdate()
    if parsed.sent_at is None:
        return today
    return min(timezone.localdate(parsed.sent_at), today)


def _import(parsed: ParsedEmail) -> tuple[InboundStatus, Complaint]:
    uploads = _uploads(parsed)
    reference = REFERENCE.search(parsed.subject)
    occurred_at = min(parsed.sent_at or timezone.now(), timezone.now())
    if reference:
        ref = reference.group(0).upper()
        complaint = Complaint.objects.filter(reference=ref).first()
        if complaint is None:
            raise Quarantine(UNKNOWN_REFERENCE.format(reference=ref))
        try:
            complaint_services.correspondence_add(
                complaint=complaint,
                direction=Direction.INCOMING,
                channel=Channel.EMAIL,
                counterpart=parsed.from_name or parsed.from_address,
                subject=parsed.subject,
                body=parsed.body,
                occurred_at=occurred_at,
                files=uploads,
                actor=None,
                actor_label=EMAIL_ACTOR_LABEL,
            )
        except ComplaintError as exc:
            raise Quarantine(REFUSED_BY_CASE.format(reference=ref, reason=exc.message)) from exc
        return InboundStatus.ADDED_TO_CASE, complaint

    resident = _resident_for(parsed)
    description = parsed.body or parsed.subject or "See the attached documents."
    result = complaint_services.complaint_receive(
        resident=resident,
        channel=Channel.EMAIL,
        received_on=_received_on(parsed),
        description=description,
        actor=None,
        actor_label=EMAIL_ACTOR_LABEL,
    )
    complaint_services.correspondence_add(
        complaint=result.complaint,
        direction=Direction.INCOMING,
        channel=Channel.EMAIL,
        counterpart=parsed.from_name or parsed.from_address,
        subject=parsed.subject,
        body=parsed.body,
        occurred_at=occurred_at,
        files=uploads,
        actor=None,
        actor_label=EMAIL_ACTOR_LABEL,
    )
    complaint = result.complaint
    send_receipt(complaint, to=parsed.from_address, name=parsed.from_name)
    return InboundStatus.NEW_COMPLAINT, complaint


def email_import(*, raw: bytes, source: str) -> tuple[InboundEmail, bool]:
    """Import one raw message. Returns the inbound record and whether it was new this time."""
    try:
        header_only = BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)
    except Exception:
        header_only = None
    message_id = message_id_of(raw, header_only)
    existing = InboundEmail.objects.filter(message_id=message_id).first()
    if existing is not None:
        return existing, False

    now = timezone.now()
    filename = hashlib.sha256(message_id.encode()).hexdigest()[:24] + ".eml"
    try:
        with transaction.atomic():
            parsed = parse(raw)
            status, complaint = _import(parsed)
            inbound = InboundEmail(
                message_id=message_id,
                source=source[:300],
                from_address=parsed.from_address[:300],
                subject=parsed.subject,
                status=status,
                complaint=complaint,
                received_at=now,
            )
            inbound.raw.save(filename, ContentFile(raw), save=False)
            inbound.save()
            return inbound, True
    except Quarantine as exc:
        reason = str(exc)
    except IntegrityError:
        # Another worker imported the same message at the same moment.
        return InboundEmail.objects.get(message_id=message_id), False

    # The import rolled back; keep the raw message and the reason for a person to deal with.
    inbound = InboundEmail(
        message_id=message_id,
        source=source[:300],
        from_address=str(header_only.get("From", ""))[:300] if header_only else "",
        subject=str(header_only.get("Subject", ""))[:300] if header_only else "",
        status=InboundStatus.QUARANTINED,
        reason=reason,
        received_at=now,
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

    if inbound.status != InboundStatus.QUARANTINED or inbound.resolved_at is not None:
        raise InvalidInput(
            "Only an unresolved quarantined message can be resolved.", field="resolution"
        )
    inbound.resolution = require_text(
        resolution, "resolution", "Say what was done with the message."
    )
    inbound.resolved_at = timezone.now()
    inbound.resolved_by = actor
    inbound.complaint = complaint
    inbound.save(update_fields=["resolution", "resolved_at", "resolved_by", "complaint"])
    return inbound
