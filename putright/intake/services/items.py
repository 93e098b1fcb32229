"""The intake inbox: every inbound message is an item until a person decides what it is.

One service per decision (a complaint, added to a named case, or a plain label such as spam),
each locking the item and re-checking it is undecided, so a double submit acts once. The
complaint clock starts when the item was received, never when it was decided (Code 5.1).
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from putright.complaints import services as complaint_services
from putright.complaints.constants import Channel, Direction
from putright.complaints.models import Complaint
from putright.core.clock import now
from putright.core.errors import AlreadyDone, InvalidInput, RuleBroken
from putright.core.permissions import DENIED, Action, allowed
from putright.hazards import selectors as hazard_selectors
from putright.hazards.constants import Source as HazardSource
from putright.hazards.models import HazardReport
from putright.hazards.services import hazard_report_raise
from putright.intake.constants import (
    PLAIN_DECISIONS,
    RECOGNISED_CHARS,
    STAFF_NOTE_CHANNELS,
    Decision,
    IntakeChannel,
)
from putright.intake.models import IntakeAttachment, IntakeItem
from putright.intake.services.notify import send_receipt
from putright.people import services as people_services
from putright.people.models import Adjustment, ContactChannel, Representative, Resident
from putright.rules.recognition import recognise

ALREADY_DECIDED = "This message was already decided by {who} on {when:%d %B %Y at %H:%M}."
NOT_A_PLAIN_DECISION = "Choose what the message is."
NO_CASE = "Enter the reference of the complaint to add this message to."
UNKNOWN_CASE = "There is no complaint {reference}."
NO_SUGGESTED_RESIDENT = "There is no matched resident to confirm for this message."
# A resident asked for an adjustment: reviewed a year after staff confirm it (Code 5.10).
ADJUSTMENT_REVIEW_DAYS = 365
INTAKE_ACTOR_LABEL = "Intake inbox"
AWARE_AFTER_RECEIVED = (
    "The landlord became aware when the message arrived ({received:%d %B %Y %H:%M}) "
    "at the latest: enter that time or earlier."
)

# An intake channel as a complaint channel (Code 3.1: complaints may come in any way).
COMPLAINT_CHANNEL: dict[str, str] = {
    IntakeChannel.EMAIL: Channel.EMAIL,
    IntakeChannel.ONLINE_FORM: Channel.ONLINE_FORM,
    IntakeChannel.PORTAL: Channel.PORTAL,
    IntakeChannel.PHONE: Channel.PHONE,
    IntakeChannel.SOCIAL_MEDIA: Channel.SOCIAL_MEDIA,
    IntakeChannel.IN_PERSON: Channel.IN_PERSON,
    IntakeChannel.LETTER: Channel.LETTER,
    IntakeChannel.SERVICE_REQUEST: Channel.SERVICE_REQUEST,
    IntakeChannel.SURVEY: Channel.OTHER,
}


def clean_text(value: Any, *, limit: int | None = None) -> str:
    """Text safe to store anywhere: no NUL bytes (PostgreSQL refuses them), no lone surrogates."""
    text = str(value or "").replace("\x00", "")
    text = text.encode("utf-8", "replace").decode("utf-8")
    return text[:limit] if limit else text


def believable_received_at(at: datetime | None) -> datetime:
    """When we got it: never in the future; a missing date is now."""
    current = now()
    if at is None or timezone.is_naive(at):
        return current
    return min(at, current)


@dataclass(frozen=True)
class IncomingFile:
    """A document that came with a message; `aside` says why it is not passed on, if not."""

    name: str
    content: bytes
    aside: str = ""


def item_receive(
    *,
    channel: str,
    received_at: datetime | None,
    body: str,
    actor: Any = None,
    subject: str = "",
    sender_name: str = "",
    sender_email: str = "",
    sender_phone: str = "",
    sender_address: str = "",
    notes: list[str] | None = None,
    answers: dict | None = None,
    stated_adjustments: list[str] | None = None,
    suggested_resident: Resident | None = None,
    quoted_complaint: Complaint | None = None,
    files: list[IncomingFile] | None = None,
    match_by_email: bool = True,
    **sources: Any,
) -> IntakeItem:
    """Put one inbound message in the intake inbox, with the assistant's suggestion."""
    if channel not in IntakeChannel.values:
        raise InvalidInput("Choose how the message came in.", field="channel")
    subject = clean_text(subject, limit=300).strip()
    body = clean_text(body).strip()
    if not body and not subject:
        raise InvalidInput("Enter what the person said.", field="body")
    email = clean_text(sender_email, limit=300).strip().lower()
    if suggested_resident is None and email and match_by_email:
        matches = list(Resident.objects.filter(email__iexact=email)[:2])
        suggested_resident = matches[0] if len(matches) == 1 else None
    item = IntakeItem(
        reference=f"TMP-{uuid.uuid4().hex[:16]}",
        channel=channel,
        received_at=believable_received_at(received_at),
        sender_name=clean_text(sender_name, limit=200).strip(),
        sender_email=email,
        sender_phone=clean_text(sender_phone, limit=40).strip(),
        sender_address=clean_text(sender_address).strip(),
        subject=subject,
        body=body,
        notes="\n".join(clean_text(n) for n in notes or []),
        answers=answers or {},
        stated_adjustments=list(stated_adjustments or []),
        suggested_resident=suggested_resident,
        quoted_complaint=quoted_complaint,
        created_by=actor,
        **sources,
    )
    result = recognise(item.text[:RECOGNISED_CHARS])
    item.suggested_label = result.label
    item.score = result.score
    item.phrases = [[p.start, p.end] for p in result.phrases]
    item.save()
    item.reference = f"MSG-{item.pk:06d}"
    item.save(update_fields=["reference"])
    for incoming in files or []:
        attachment = IntakeAttachment(
            item=item,
            original_name=clean_text(incoming.name, limit=255) or "attachment",
            size=len(incoming.content),
            kept_aside=bool(incoming.aside),
            reason=clean_text(incoming.aside, limit=300),
        )
        attachment.file.save(f"{uuid.uuid4().hex}.bin", ContentFile(incoming.content), save=False)
        attachment.save()
    return item


def _lock_undecided(item: IntakeItem) -> IntakeItem:
    locked = IntakeItem.objects.select_for_update().get(pk=item.pk)
    if locked.decision:
        who = locked.decided_by.get_full_name() if locked.decided_by else "someone"
        raise AlreadyDone(
            ALREADY_DECIDED.format(who=who or "someone", when=timezone.localtime(locked.decided_at))
        )
    return locked


def _decided(item: IntakeItem, decision: str, actor: Any, note: str, complaint=None) -> None:
    item.decision = decision
    item.decided_at = now()
    item.decided_by = actor
    item.decision_note = clean_text(note, limit=2000).strip()
    item.complaint = complaint
    item.save(update_fields=["decision", "decided_at", "decided_by", "decision_note", "complaint"])


def _survey_follow_up_done(item: IntakeItem, complaint: Complaint, actor: Any) -> None:
    """A survey comment decided a complaint closes its survey follow-up (Code 1.6): the
    resident has complained, so there is no one to tell how to. Same transaction."""
    if item.survey_response_id is None:
        return
    # Imported here, not at the top: surveys puts its comments in the inbox.
    from putright.intake.services.surveys import follow_up_done_by_complaint

    follow_up_done_by_complaint(
        response=item.survey_response,
        complaint=complaint,
        item_reference=item.reference,
        actor=actor,
    )


def _passed_on_files(item: IntakeItem) -> list[SimpleUploadedFile]:
    files = []
    for attachment in item.attachments.filter(kept_aside=False):
        with attachment.file.open("rb") as stored:
            files.append(SimpleUploadedFile(attachment.original_name, stored.read()))
    return files


def _file_on_case(item: IntakeItem, complaint: Complaint, actor: Any) -> None:
    """The message word for word, with its accepted documents, in the case record (Code 5.12)."""
    complaint_services.correspondence_add(
        complaint=complaint,
        direction=Direction.INCOMING,
        channel=COMPLAINT_CHANNEL[item.channel],
        counterpart=item.sender_name or item.sender_email or item.sender_phone or "Unknown",
        subject=item.subject or f"Message {item.reference}",
        body=item.answers.get("summary") or item.body,
        occurred_at=item.received_at,
        files=_passed_on_files(item),
        actor=actor,
    )


def _resident_for(item: IntakeItem, *, confirm_match: bool, actor: Any) -> Resident:
    answers = item.answers
    if item.service_request is not None:
        # Staff noted it on this resident's own request: whose it is is not in doubt.
        return item.service_request.resident
    if confirm_match:
        if item.suggested_resident is None:
            raise InvalidInput(NO_SUGGESTED_RESIDENT, field="confirm_match")
        return item.suggested_resident
    if answers.get("on_behalf"):
        return people_services.resident_add(
            full_name=answers.get("resident_name") or "Name not given", actor=actor
        )
    return people_services.resident_add(
        full_name=item.sender_name or item.sender_email or item.sender_phone or "Name not given",
        email=item.sender_email,
        phone=item.sender_phone,
        correspondence_address=item.sender_address,
        is_customer=answers.get("is_customer", True),
        actor=actor,
    )


def _apply_stated_adjustments(item: IntakeItem, resident: Resident, actor: Any) -> None:
    review_on = timezone.localdate() + timedelta(days=ADJUSTMENT_REVIEW_DAYS)
    for kind in item.stated_adjustments:
        detail = item.answers.get("adjustment_detail", "")
        channel = ""
        if kind == Adjustment.Kind.PREFERRED_CHANNEL:
            preference = item.answers.get("contact_preference", "")
            detail = f"Prefers contact by {preference}"
            # The structured channel letters follow (policy: no parsing of the note).
            channel = ContactChannel.PHONE if preference == "phone" else ContactChannel.POST
        people_services.adjustment_add(
            resident=resident,
            kind=kind,
            detail=detail,
            channel=channel,
            consent_given=True,  # stated by the sender, confirmed with them by staff
            review_on=review_on,
            actor=actor,
        )


@transaction.atomic
def item_decide_complaint(
    *,
    item: IntakeItem,
    actor: Any,
    confirm_match: bool = False,
    confirm_adjustments: bool = False,
    note: str = "",
) -> Complaint:
    """A person decided this is a new complaint: log it, received when we got the message."""
    item = _lock_undecided(item)
    resident = _resident_for(item, confirm_match=confirm_match, actor=actor)
    answers = item.answers
    started = answers.get("issue_started_on")
    result = complaint_services.complaint_receive(
        resident=resident,
        channel=COMPLAINT_CHANNEL[item.channel],
        received_on=timezone.localdate(item.received_at),
        description=item.body or item.subject,
        issue_started_on=datetime.fromisoformat(started).date() if started else None,
        spoken_to=answers.get("spoken_to", ""),
        outcome_wanted=answers.get("outcome_wanted", ""),
        actor=actor,
    )
    complaint = result.complaint
    _file_on_case(item, complaint, actor)
    if answers.get("on_behalf"):
        # Recorded but not authorised: staff ask for the authorisation form (policy 5.4).
        relationship = answers.get("relationship", "")
        people_services.representative_add(
            resident=resident,
            full_name=item.sender_name,
            relationship=relationship
            if relationship in Representative.Relationship.values
            else Representative.Relationship.OTHER,
            email=item.sender_email,
            phone=item.sender_phone,
            postal_address=item.sender_address,
            scope=Representative.Scope.ONE_COMPLAINT,
            complaint=complaint,
            actor=actor,
        )
    if item.service_request is not None:
        # Raised from a repair's note: linked to the request, which carries on (Code 1.5).
        # Imported here, not at the top: service_requests puts its notes in the inbox.
        from putright.intake.services.service_requests import service_request_link_complaint

        service_request_link_complaint(
            request=item.service_request,
            complaint=complaint,
            actor=actor,
            received_on=complaint.received_on,
        )
    if confirm_adjustments:
        _apply_stated_adjustments(item, resident, actor)
    _survey_follow_up_done(item, complaint, actor)
    _decided(item, Decision.COMPLAINT, actor, note, complaint)
    # Only now, a person having decided it is a complaint, is the sender told so.
    send_receipt(complaint, to=item.sender_email, name=item.sender_name)
    return complaint


@transaction.atomic
def item_add_to_case(*, item: IntakeItem, reference: str, actor: Any, note: str = "") -> Complaint:
    """A person decided this message belongs to a named case: file it there."""
    reference = (reference or "").strip().upper()
    if not reference:
        raise InvalidInput(NO_CASE, field="reference")
    complaint = Complaint.objects.filter(reference=reference).first()
    if complaint is None:
        raise InvalidInput(UNKNOWN_CASE.format(reference=reference), field="reference")
    item = _lock_undecided(item)
    _file_on_case(item, complaint, actor)
    _survey_follow_up_done(item, complaint, actor)
    _decided(item, Decision.ADDED_TO_CASE, actor, note, complaint)
    return complaint


@transaction.atomic
def item_decide(*, item: IntakeItem, decision: str, actor: Any, note: str = "") -> IntakeItem:
    """A person decided this message is not a complaint: a service request, spam, and so on."""
    if decision not in PLAIN_DECISIONS:
        raise InvalidInput(NOT_A_PLAIN_DECISION, field="decision")
    item = _lock_undecided(item)
    _decided(item, decision, actor, note)
    return item


def items_mark_spam(*, pks: list[int], actor: Any) -> int:
    """Mark many undecided items as spam at once; each in its own lock, decided ones skipped."""
    done = 0
    for pk in sorted(set(pks)):
        try:
            item_decide(
                item=IntakeItem(pk=pk), decision=Decision.SPAM, actor=actor, note="Bulk: spam"
            )
        except (AlreadyDone, IntakeItem.DoesNotExist):
            continue
        done += 1
    return done


def item_filed_already(
    *,
    channel: str,
    complaint: Complaint,
    body: str,
    sender_name: str,
    received_at: datetime,
    subject: str = "",
    sender_email: str = "",
) -> IntakeItem:
    """A message filed straight onto a case it may join (a portal message from its resident,
    a reply from the resident): recorded as an item decided by the intake itself."""
    item = item_receive(
        channel=channel,
        received_at=received_at,
        body=body or "(documents only)",
        subject=subject,
        sender_name=sender_name,
        sender_email=sender_email,
        match_by_email=False,
    )
    item.decision = Decision.ADDED_TO_CASE
    item.decided_at = now()
    item.complaint = complaint
    item.decision_note = "Filed on the case automatically: the sender may write into it."
    item.save(update_fields=["decision", "decided_at", "complaint", "decision_note"])
    return item


@transaction.atomic
def item_note_record(
    *,
    channel: str,
    sender_name: str,
    body: str,
    actor: Any,
    sender_email: str = "",
    sender_phone: str = "",
    received_on: date | None = None,
) -> IntakeItem:
    """A message staff took down (phone, social media, in person, letter), for the inbox.

    Received on the day the person said it (today unless given): the Code's clock starts when
    anyone at the landlord heard it, not when it was typed in (Code 5.1).
    """
    if channel not in STAFF_NOTE_CHANNELS:
        raise InvalidInput("Choose how the message reached us.", field="channel")
    received_at = None
    if received_on is not None and received_on < timezone.localdate():
        received_at = timezone.make_aware(datetime.combine(received_on, time(12, 0)))
    return item_receive(
        channel=channel,
        received_at=received_at,
        body=body,
        sender_name=sender_name,
        sender_email=sender_email,
        sender_phone=sender_phone,
        actor=actor,
    )


def item_hazard_raise(
    *,
    item: IntakeItem,
    actor: Any,
    aware_at: datetime,
    told_by: str,
    hazard: str,
    assessment: str,
    description: str,
    occupiers: str = "",
    vulnerabilities: str = "",
    address: str = "",
    confirm_match: bool = False,
) -> HazardReport:
    """A message shows a possible hazard (Awaab's Law): raise a hazard report from it.

    The landlord became aware when the message arrived at the latest, so the clocks cannot
    start later than `received_at`. The resident is the one of the complaint the item became,
    or the sender's matched resident once staff confirm the match (anyone can type a
    resident's email); otherwise the report stands on the address. The item is not decided by
    this: a message can be a complaint and report a hazard.
    """
    if not allowed(actor, Action.RECORD_HAZARDS):
        raise RuleBroken(DENIED[Action.RECORD_HAZARDS])
    item = (
        IntakeItem.objects.select_for_update(of=("self",))
        .select_related("complaint", "suggested_resident")
        .get(pk=item.pk)
    )
    if aware_at is not None and timezone.is_naive(aware_at):
        aware_at = timezone.make_aware(aware_at)
    if aware_at > item.received_at:
        raise InvalidInput(
            AWARE_AFTER_RECEIVED.format(received=timezone.localtime(item.received_at)),
            field="aware_at",
        )
    resident = None
    if item.complaint is None and confirm_match:
        if item.suggested_resident is None:
            raise InvalidInput(NO_SUGGESTED_RESIDENT, field="confirm_match")
        resident = item.suggested_resident
    return hazard_report_raise(
        aware_at=aware_at,
        source=HazardSource.INTAKE,
        source_ref=f"intake_item:{item.pk}",
        told_by=told_by,
        hazard=hazard,
        assessment=assessment,
        description=description,
        occupiers=occupiers,
        vulnerabilities=vulnerabilities,
        complaint=item.complaint,
        resident=resident,
        address=address,
        actor=actor,
    )


def item_hazards(item: IntakeItem) -> list[HazardReport]:
    """The hazard reports raised from this message."""
    return hazard_selectors.raised_from(f"intake_item:{item.pk}")
