"""Closing, withdrawing, the Ombudsman, and everything else written to the record."""

import os
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from putright.complaints.constants import (
    ALLOWED_ATTACHMENT_TYPES,
    Channel,
    Direction,
    ReferralOutcome,
)
from putright.complaints.models import (
    Attachment,
    CaseEvent,
    Complaint,
    Correspondence,
    OmbudsmanReferral,
    OutstandingAction,
    Remedy,
)
from putright.complaints.services.common import (
    CLOCK_FIELDS,
    current_stage,
    guard,
    lock_complaint,
    record_event,
    refresh_next_due,
)
from putright.core import held
from putright.core.clock import today
from putright.core.errors import AlreadyDone, InvalidInput
from putright.core.validation import require_past_or_today, require_text
from putright.rules.workflow import Action

WITHDRAWN_BEFORE_RECEIPT = "A complaint cannot be withdrawn before it was received."
OUTCOME_ALREADY_RECORDED = (
    "The Ombudsman's outcome is already recorded; add a correction to the record instead."
)
CLOSE_NEEDS_REASON = "Say why the complaint is being closed."
CLOSE_BEFORE_RESPONSE = "The complaint cannot be closed before the day it was answered."
WITHDRAW_NEEDS_REASON = "Record what the resident said when withdrawing."
NOTE_EMPTY = "Write the note."
UNKNOWN_DIRECTION = "Choose whether this was received or sent."
UNKNOWN_CHANNEL = "Choose the channel."
COUNTERPART_REQUIRED = "Say who it was to or from."
CORRESPONDENCE_EMPTY = "Give a subject, a summary or an attachment."
FILE_TYPE_NOT_ALLOWED = "The file must be a PDF, image, document, spreadsheet, email or audio file."
FILE_TOO_LARGE = "The file must be smaller than {mb} MB."
ATTACHMENT_QUOTA = (
    "This complaint's files would come to more than {mb} MB: remove a file or send a smaller one."
)
FILE_EMPTY = "The file is empty."
ALREADY_COMPLETE = "This is already marked as complete."
COMPLETION_BEFORE_RESPONSE = "Completion cannot be dated before the response that offered it."
UNKNOWN_OUTCOME = "Choose the Ombudsman's finding from the list."
OUTCOME_BEFORE_REFERRAL = "The outcome cannot be dated before the referral."
CORRECTION_OTHER_CASE = "A correction must belong to the same complaint as the entry it corrects."


@held.service
def complaint_close(
    *, complaint: Complaint, reason: str, actor: Any, closed_on: date | None = None
) -> Complaint:
    """Close a complaint after a response; outstanding remedies and actions stay tracked."""
    lock_complaint(complaint)
    new_state = guard(complaint, Action.CLOSE)
    reason = require_text(reason, "reason", CLOSE_NEEDS_REASON)
    closed_on = require_past_or_today(closed_on or today(), "closed_on")
    stage = current_stage(complaint)
    if stage.responded_on and closed_on < stage.responded_on:
        raise InvalidInput(CLOSE_BEFORE_RESPONSE, field="closed_on")
    complaint.status = new_state
    complaint.closed_on = closed_on
    refresh_next_due(complaint, stage)
    held.save(complaint, update_fields=["status", "closed_on", *CLOCK_FIELDS])
    rows = held.held_rows(complaint)
    if rows is not None and complaint.pk is None:  # an import's new case: none completed yet
        open_follow_ups = rows.get("open_follow_ups", [0])[0]
    else:
        open_follow_ups = (
            complaint.remedies.filter(completed_on__isnull=True).count()
            + complaint.outstanding_actions.filter(completed_on__isnull=True).count()
        )
    record_event(
        complaint,
        "complaint.closed",
        "Complaint closed",
        actor=actor,
        stage=complaint.current_stage,
        happened_on=closed_on,
        data={"reason": reason, "open_follow_ups": open_follow_ups},
    )
    return complaint


@held.service
def complaint_withdraw(
    *,
    complaint: Complaint,
    reason: str,
    actor: Any,
    withdrawn_on: date | None = None,
    actor_label: str = "",
) -> Complaint:
    """The resident withdraws the complaint; the record says what they said."""
    lock_complaint(complaint)
    new_state = guard(complaint, Action.WITHDRAW)
    reason = require_text(reason, "reason", WITHDRAW_NEEDS_REASON)
    withdrawn_on = require_past_or_today(withdrawn_on or today(), "withdrawn_on")
    if withdrawn_on < current_stage(complaint).requested_on:
        raise InvalidInput(WITHDRAWN_BEFORE_RECEIPT, field="withdrawn_on")
    complaint.status = new_state
    complaint.closed_on = withdrawn_on
    refresh_next_due(complaint, current_stage(complaint))
    held.save(complaint, update_fields=["status", "closed_on", *CLOCK_FIELDS])
    record_event(
        complaint,
        "complaint.withdrawn",
        "Complaint withdrawn by the resident",
        actor=actor,
        actor_label=actor_label,
        stage=complaint.current_stage,
        happened_on=withdrawn_on,
        data={"reason": reason},
    )
    return complaint


@held.service
def ombudsman_referral_record(
    *,
    complaint: Complaint,
    referred_on: date,
    actor: Any,
    ombudsman_reference: str = "",
    notes: str = "",
) -> OmbudsmanReferral:
    """Record that the resident took the complaint to the Housing Ombudsman."""
    lock_complaint(complaint)
    guard(complaint, Action.REFER_TO_OMBUDSMAN)
    require_past_or_today(referred_on, "referred_on")
    referral = held.create(
        OmbudsmanReferral,
        complaint=complaint,
        referred_on=referred_on,
        ombudsman_reference=ombudsman_reference.strip(),
        notes=notes.strip(),
        recorded_by=actor,
    )
    rows = held.held_rows(complaint)
    if rows is not None and complaint.pk is None:
        rows.setdefault("referrals", []).append(referral)
    record_event(
        complaint,
        "ombudsman.referred",
        "Referred to the Housing Ombudsman",
        actor=actor,
        happened_on=referred_on,
        data={
            "referral": held.pk_of(referral),
            "ombudsman_reference": referral.ombudsman_reference,
            "notes": referral.notes,
        },
    )
    return referral


def latest_referral(complaint: Complaint) -> OmbudsmanReferral | None:
    """The complaint's newest referral to the Ombudsman (an import's new case: the one held)."""
    rows = held.held_rows(complaint)
    if rows is not None and complaint.pk is None:
        return (rows.get("referrals") or [None])[-1]
    return complaint.ombudsman_referrals.order_by("-id").first()


@held.service
def outcome_date_refusal(referral: OmbudsmanReferral, outcome_on: date) -> InvalidInput | None:
    """Why the Ombudsman's finding cannot be dated so, if it cannot (the form asks it with its
    field checks: one round of errors; the service refuses the same)."""
    if outcome_on < referral.referred_on:
        return InvalidInput(OUTCOME_BEFORE_REFERRAL, field="outcome_on")
    return None


def ombudsman_outcome_record(
    *, referral: OmbudsmanReferral, outcome: str, outcome_on: date, actor: Any, notes: str = ""
) -> OmbudsmanReferral:
    """Record the Ombudsman's finding on a referral."""
    lock_complaint(referral.complaint)
    if referral.pk is not None:
        referral.refresh_from_db()
    if outcome not in ReferralOutcome or outcome == ReferralOutcome.PENDING:
        raise InvalidInput(UNKNOWN_OUTCOME, field="outcome")
    require_past_or_today(outcome_on, "outcome_on")
    if (refusal := outcome_date_refusal(referral, outcome_on)) is not None:
        raise refusal
    if referral.outcome != ReferralOutcome.PENDING:
        raise AlreadyDone(OUTCOME_ALREADY_RECORDED)
    referral.outcome = outcome
    referral.outcome_on = outcome_on
    if notes.strip():
        referral.notes = f"{referral.notes}\n{notes.strip()}".strip()
    held.save(referral, update_fields=["outcome", "outcome_on", "notes"])
    record_event(
        referral.complaint,
        "ombudsman.outcome",
        f"Ombudsman outcome: {ReferralOutcome(outcome).label}",
        actor=actor,
        happened_on=outcome_on,
        data={"referral": held.pk_of(referral), "outcome": outcome, "notes": notes.strip()},
    )
    return referral


@transaction.atomic
def note_add(*, complaint: Complaint, text: str, actor: Any) -> CaseEvent:
    """Add an internal note to the record."""
    lock_complaint(complaint)
    guard(complaint, Action.ADD_NOTE)
    text = require_text(text, "text", NOTE_EMPTY)
    return record_event(
        complaint,
        "note.added",
        text.splitlines()[0][:120],
        actor=actor,
        stage=complaint.current_stage,
        data={"text": text},
    )


@transaction.atomic
def record_correct(*, event: CaseEvent, text: str, actor: Any) -> CaseEvent:
    """Correct an earlier entry: the original stays, the correction is a new entry."""
    lock_complaint(event.complaint)
    text = require_text(text, "text", NOTE_EMPTY)
    return record_event(
        event.complaint,
        "record.corrected",
        f"Correction to: {event.summary}"[:300],
        actor=actor,
        stage=event.stage,
        corrects=event,
        data={"text": text, "corrects": event.pk},
    )


def check_upload(upload: UploadedFile) -> str:
    """The content type for an allowed upload, or InvalidInput. Checks name, size and magic."""
    ext = os.path.splitext(upload.name or "")[1].lower()
    if ext not in ALLOWED_ATTACHMENT_TYPES:
        raise InvalidInput(FILE_TYPE_NOT_ALLOWED, field="files")
    limit_mb = settings.PUTRIGHT_MAX_ATTACHMENT_MB
    if upload.size is None or upload.size == 0:
        raise InvalidInput(FILE_EMPTY, field="files")
    if upload.size > limit_mb * 1024 * 1024:
        raise InvalidInput(FILE_TOO_LARGE.format(mb=limit_mb), field="files")
    head = upload.read(8)
    upload.seek(0)
    # A file named .pdf must look like a PDF; executables renamed to images are refused.
    if ext == ".pdf" and not head.startswith(b"%PDF"):
        raise InvalidInput(FILE_TYPE_NOT_ALLOWED, field="files")
    if ext == ".png" and not head.startswith(b"\x89PNG"):
        raise InvalidInput(FILE_TYPE_NOT_ALLOWED, field="files")
    if ext in {".jpg", ".jpeg"} and not head.startswith(b"\xff\xd8"):
        raise InvalidInput(FILE_TYPE_NOT_ALLOWED, field="files")
    if head.startswith((b"MZ", b"\x7fELF")):
        raise InvalidInput(FILE_TYPE_NOT_ALLOWED, field="files")
    return ALLOWED_ATTACHMENT_TYPES[ext]


def _store_attachments(
    complaint: Complaint,
    files: list[UploadedFile],
    actor: Any,
    correspondence: Correspondence | None = None,
) -> list[Attachment]:
    types = [check_upload(f) for f in files]  # all checked before any is stored
    quota_mb = settings.PUTRIGHT_COMPLAINT_ATTACHMENTS_MB
    kept = Attachment.objects.filter(complaint=complaint).aggregate(total=Sum("size"))["total"]
    if (kept or 0) + sum(f.size or 0 for f in files) > quota_mb * 1024 * 1024:
        raise InvalidInput(ATTACHMENT_QUOTA.format(mb=quota_mb), field="files")
    user = actor if getattr(actor, "is_authenticated", False) else None
    return [
        Attachment.objects.create(
            complaint=complaint,
            correspondence=correspondence,
            file=f,
            original_name=os.path.basename(f.name or "file")[:255],
            content_type=ctype,
            size=f.size or 0,
            uploaded_by=user,
        )
        for f, ctype in zip(files, types, strict=True)
    ]


@transaction.atomic
def correspondence_add(
    *,
    complaint: Complaint,
    direction: str,
    channel: str,
    counterpart: str,
    actor: Any,
    subject: str = "",
    body: str = "",
    occurred_at: datetime | None = None,
    files: list[UploadedFile] | None = None,
    actor_label: str = "",
) -> Correspondence:
    """Keep a piece of correspondence, in or out, with its attachments (Code 5.12)."""
    lock_complaint(complaint)
    guard(complaint, Action.ADD_NOTE)
    if direction not in Direction:
        raise InvalidInput(UNKNOWN_DIRECTION, field="direction")
    if channel not in Channel:
        raise InvalidInput(UNKNOWN_CHANNEL, field="channel")
    counterpart = require_text(counterpart, "counterpart", COUNTERPART_REQUIRED)
    files = files or []
    if not (subject.strip() or body.strip() or files):
        raise InvalidInput(CORRESPONDENCE_EMPTY, field="body")
    occurred_at = occurred_at or timezone.now()
    if occurred_at > timezone.now():
        raise InvalidInput("The date cannot be in the future.", field="occurred_at")
    user = actor if getattr(actor, "is_authenticated", False) else None
    item = Correspondence.objects.create(
        complaint=complaint,
        direction=direction,
        channel=channel,
        counterpart=counterpart,
        subject=subject.strip()[:300],
        body=body.strip(),
        occurred_at=occurred_at,
        recorded_by=user,
    )
    stored = _store_attachments(complaint, files, actor, correspondence=item)
    verb = "received from" if direction == Direction.INCOMING else "sent to"
    record_event(
        complaint,
        f"correspondence.{'received' if direction == Direction.INCOMING else 'sent'}",
        f"{Channel(channel).label} {verb} {counterpart}"
        + (f": {item.subject}" if item.subject else ""),
        actor=actor,
        actor_label=actor_label,
        stage=complaint.current_stage,
        happened_on=timezone.localdate(occurred_at),
        data={"correspondence": item.pk, "attachments": [a.original_name for a in stored]},
    )
    return item


@transaction.atomic
def attachment_add(
    *,
    complaint: Complaint,
    files: list[UploadedFile],
    actor: Any,
    description: str = "",
    actor_label: str = "",
) -> list[Attachment]:
    """Add documents (reports, photos, surveys) to the record."""
    lock_complaint(complaint)
    guard(complaint, Action.ADD_NOTE)
    if not files:
        raise InvalidInput("Choose a file.", field="files")
    stored = _store_attachments(complaint, files, actor)
    record_event(
        complaint,
        "document.added",
        f"{len(stored)} document(s) added" + (f": {description.strip()}" if description else ""),
        actor=actor,
        actor_label=actor_label,
        stage=complaint.current_stage,
        data={"attachments": [a.original_name for a in stored], "description": description},
    )
    return stored


def _lock_follow_up[T: (Remedy, OutstandingAction)](item: T) -> T:
    """The remedy or action as it is now, its complaint locked (the complaint first, always)."""
    complaint = lock_complaint(item.complaint)
    item.refresh_from_db()
    item.complaint = complaint
    return item


def completion_refusal(item: Remedy | OutstandingAction, completed_on: date) -> InvalidInput | None:
    """Why a remedy or action cannot be completed on this date, if it cannot: the complete
    forms ask it with their field checks (one round of errors), the service refuses the same."""
    if item.response_id and completed_on < item.response.issued_on:
        return InvalidInput(COMPLETION_BEFORE_RESPONSE, field="completed_on")
    return None


def _complete(
    item: Remedy | OutstandingAction,
    completed_on: date | None,
    note: str,
    actor: Any,
    files: list[UploadedFile] | None,
) -> tuple[date, list[str]]:
    if item.completed_on is not None:
        raise AlreadyDone(ALREADY_COMPLETE)
    completed_on = require_past_or_today(completed_on or today(), "completed_on")
    if (refusal := completion_refusal(item, completed_on)) is not None:
        raise refusal
    item.completed_on = completed_on
    item.completed_by = actor
    item.completion_note = note.strip()
    item.save(update_fields=["completed_on", "completed_by", "completion_note"])
    # Evidence is kept on the record with the complaint's other documents (Code 7.3).
    stored = _store_attachments(item.complaint, files or [], actor)
    return completed_on, [a.original_name for a in stored]


@transaction.atomic
def remedy_complete(
    *,
    remedy: Remedy,
    actor: Any,
    completed_on: date | None = None,
    note: str = "",
    files: list[UploadedFile] | None = None,
) -> Remedy:
    """Mark a remedy delivered (Code 7.3: followed through to completion)."""
    remedy = _lock_follow_up(remedy)
    guard(remedy.complaint, Action.COMPLETE_REMEDY)
    done, evidence = _complete(remedy, completed_on, note, actor, files)
    record_event(
        remedy.complaint,
        "remedy.completed",
        f"Remedy completed: {remedy.description[:100]}",
        actor=actor,
        happened_on=done,
        data={
            "remedy": remedy.pk,
            "due_on": remedy.due_on,
            "on_time": done <= remedy.due_on,
            "note": remedy.completion_note,
            "attachments": evidence,
        },
    )
    return remedy


@transaction.atomic
def action_complete(
    *,
    action: OutstandingAction,
    actor: Any,
    completed_on: date | None = None,
    note: str = "",
    files: list[UploadedFile] | None = None,
) -> OutstandingAction:
    """Mark an outstanding action done (Code 6.6 / 6.17)."""
    action = _lock_follow_up(action)
    guard(action.complaint, Action.COMPLETE_REMEDY)
    done, evidence = _complete(action, completed_on, note, actor, files)
    record_event(
        action.complaint,
        "action.completed",
        f"Action completed: {action.description[:100]}",
        actor=actor,
        happened_on=done,
        data={
            "action": action.pk,
            "due_on": action.due_on,
            "on_time": done <= action.due_on,
            "note": action.completion_note,
            "attachments": evidence,
        },
    )
    return action
