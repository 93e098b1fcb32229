"""Service requests: recorded, monitored and reviewed; dissatisfaction raises a complaint
while the request carries on (Code 1.4-1.5)."""

from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from putright.complaints import services as complaint_services
from putright.complaints.constants import Channel
from putright.complaints.models import Complaint
from putright.complaints.services.common import record_event
from putright.core.clock import now
from putright.core.errors import AlreadyDone, InvalidInput, RuleBroken
from putright.core.messages import RECEIPT, OutgoingMessage, queue_message
from putright.core.validation import require_text
from putright.hazards import selectors as hazard_selectors
from putright.hazards.constants import Source as HazardSource
from putright.hazards.models import HazardReport
from putright.hazards.services import hazard_report_raise
from putright.intake.constants import (
    CLOSED_REQUEST_STATUSES,
    RECOGNISED_CHARS,
    IntakeChannel,
    ServiceRequestStatus,
)
from putright.intake.models import ServiceRequest, ServiceRequestUpdate
from putright.intake.services.items import item_receive
from putright.people.models import ContactChannel, Resident
from putright.people.selectors import preferred_channel
from putright.rules.recognition import recognise

SUMMARY_REQUIRED = "Say what the resident asked for."
DUE_BEFORE_REQUEST = "The due date cannot be before the request was made."
UNKNOWN_STATUS = "Choose a status from the list."
NOT_STAFF = "Only a complaint handler or complaints officer can do this."
DISSATISFACTION_REQUIRED = "Record what the resident is unhappy about, in their words if possible."
NOTHING_CHANGED = "Change the status, due date or owner."
NOT_A_HANDLER = "The owner must be a member of staff who can work cases."
ALREADY_IN_STATUS = "Someone already marked this request {status} while you were looking at it."
REQUEST_CLOSED = (
    "This request is {status}: reopen it (change its status) before changing its due date or owner."
)
TOLD_BY_EMAIL = "Resident told by email when we aim to complete it ({due})"
TELL_BY_OTHER_MEANS = (
    "Tell the resident by phone or post when we aim to complete it ({due}): {why} (policy 4.2)"
)


def _tell_timescale(request: ServiceRequest) -> str:
    """Policy 4.2: the resident is given a clear timescale. By email through the outbox
    (once per request) unless they asked for post or phone; otherwise staff are told to."""
    resident = request.resident
    due = f"{request.due_on.day} {request.due_on:%B %Y}"
    channel = preferred_channel(resident)
    if not resident.email or channel in {ContactChannel.POST, ContactChannel.PHONE}:
        why = "no email address" if not resident.email else f"prefers {channel}"
        return TELL_BY_OTHER_MEANS.format(due=due, why=why)
    name = settings.PUTRIGHT_LANDLORD_NAME
    queue_message(
        OutgoingMessage(
            kind=RECEIPT,
            to=resident.email,
            name=resident.full_name,
            subject=f"Your request {request.reference or f'SR-{request.pk}'} – {name}",
            body=render_to_string(
                "intake/email/service_request.txt",
                {
                    "request": request,
                    "due": due,
                    "name": resident.full_name,
                    "landlord_name": name,
                    "landlord_phone": settings.PUTRIGHT_LANDLORD_PHONE,
                },
            ),
            key=f"service-request:{request.pk}:timescale",
            resident=resident,
        )
    )
    return TOLD_BY_EMAIL.format(due=due)


def lock_request(request: ServiceRequest) -> ServiceRequest:
    """Lock the request's row and return it as it is now: the instance a caller holds may be
    stale (a page loaded before someone else changed it), so its state is re-read under the
    lock. Only the request's own row: its home is optional, an outer join PostgreSQL cannot
    lock."""
    return (
        ServiceRequest.objects.select_for_update(of=("self",))
        .select_related("resident", "home")
        .get(pk=request.pk)
    )


def _staff(actor: Any) -> None:
    if not getattr(actor, "can_handle_cases", False):
        raise InvalidInput(NOT_STAFF, field="actor")


@transaction.atomic
def service_request_create(
    *,
    resident: Resident,
    summary: str,
    requested_on: date,
    due_on: date,
    actor: Any,
    detail: str = "",
    owner: Any = None,
    reference: str = "",
) -> ServiceRequest:
    """Record a service request with its due date and owner (Code 1.4)."""
    _staff(actor)
    summary = require_text(summary, "summary", SUMMARY_REQUIRED)
    if requested_on > timezone.localdate():
        raise InvalidInput("The date cannot be in the future.", field="requested_on")
    if due_on < requested_on:
        raise InvalidInput(DUE_BEFORE_REQUEST, field="due_on")
    if owner is not None and not getattr(owner, "can_handle_cases", False):
        raise InvalidInput(NOT_A_HANDLER, field="owner")
    request = ServiceRequest.objects.create(
        reference=reference.strip(),
        resident=resident,
        home=resident.home,
        summary=summary[:200],
        detail=detail.strip(),
        requested_on=requested_on,
        due_on=due_on,
        owner=owner,
        created_by=actor,
    )
    ServiceRequestUpdate.objects.create(request=request, summary="Request recorded", actor=actor)
    ServiceRequestUpdate.objects.create(
        request=request, summary=_tell_timescale(request)[:300], actor=actor
    )
    return request


@transaction.atomic
def service_request_update(
    *,
    request: ServiceRequest,
    actor: Any,
    status: str | None = None,
    due_on: date | None = None,
    owner: Any = None,
    note: str = "",
) -> ServiceRequest:
    """Move a request on: status, due date, owner; each change is kept in its trail.

    The row is locked and its state re-checked: a status someone else already set while the
    caller looked at an older copy is refused by name (a double submit acts once), and a closed
    request's due date or owner changes only if it is reopened in the same change."""
    _staff(actor)
    seen_status = request.status
    request = lock_request(request)
    if status is not None and status == request.status != seen_status:
        raise AlreadyDone(
            ALREADY_IN_STATUS.format(status=ServiceRequestStatus(status).label.lower()),
            field="status",
        )
    stays_closed = request.status in CLOSED_REQUEST_STATUSES and (
        status is None or status in CLOSED_REQUEST_STATUSES
    )
    moves = (due_on is not None and due_on != request.due_on) or (
        owner is not None and owner.pk != request.owner_id
    )
    if stays_closed and moves:
        raise RuleBroken(
            REQUEST_CLOSED.format(status=request.get_status_display().lower()), field="status"
        )
    changes: list[str] = []
    fields: list[str] = []
    if status is not None and status != request.status:
        if status not in ServiceRequestStatus.values:
            raise InvalidInput(UNKNOWN_STATUS, field="status")
        changes.append(f"status {ServiceRequestStatus(status).label.lower()}")
        request.status = status
        request.completed_on = timezone.localdate() if status in CLOSED_REQUEST_STATUSES else None
        fields += ["status", "completed_on"]
    if due_on is not None and due_on != request.due_on:
        if due_on < request.requested_on:
            raise InvalidInput(DUE_BEFORE_REQUEST, field="due_on")
        changes.append(f"due {due_on:%d %b %Y}")
        request.due_on = due_on
        fields.append("due_on")
    if owner is not None and owner.pk != request.owner_id:
        if not getattr(owner, "can_handle_cases", False):
            raise InvalidInput(NOT_A_HANDLER, field="owner")
        changes.append(f"owner {owner}")
        request.owner = owner
        fields.append("owner")
    if not changes and not note.strip():
        raise InvalidInput(NOTHING_CHANGED, field="status")
    if fields:
        request.save(update_fields=fields)
    summary = ("Changed " + ", ".join(changes) if changes else "Note") + (
        f": {note.strip()}" if note.strip() else ""
    )
    ServiceRequestUpdate.objects.create(request=request, summary=summary[:300], actor=actor)
    if note.strip() and recognise(note[:RECOGNISED_CHARS]).label == "complaint":
        # Dissatisfaction in a repair's notes may be a complaint (Code 1.5): a person decides,
        # in the intake inbox like every other message. Received when it was noted.
        item_receive(
            channel=IntakeChannel.SERVICE_REQUEST,
            received_at=now(),
            subject=f"Note on service request {request}"[:300],
            body=note,
            sender_name=request.resident.full_name,
            suggested_resident=request.resident,
            match_by_email=False,
            service_request=request,
            actor=actor,
        )
    return request


@transaction.atomic
def service_request_dissatisfied(
    *,
    request: ServiceRequest,
    what_is_wrong: str,
    actor: Any,
    outcome_wanted: str = "",
    received_on: date | None = None,
) -> Complaint:
    """The resident is unhappy with the request's handling: raise a linked complaint.
    The request keeps its status and owner: work on it must not stop (Code 1.5)."""
    _staff(actor)
    what_is_wrong = require_text(what_is_wrong, "what_is_wrong", DISSATISFACTION_REQUIRED)
    received_on = received_on or timezone.localdate()
    if received_on < request.requested_on:
        raise RuleBroken("The complaint cannot be dated before the request.", field="received_on")
    result = complaint_services.complaint_receive(
        resident=request.resident,
        home=request.home,
        channel=Channel.SERVICE_REQUEST,
        received_on=received_on,
        description=f"About service request {request}: {what_is_wrong}",
        outcome_wanted=outcome_wanted,
        actor=actor,
    )
    complaint = result.complaint
    service_request_link_complaint(
        request=request, complaint=complaint, actor=actor, received_on=received_on
    )
    return complaint


def service_request_link_complaint(
    *, request: ServiceRequest, complaint: Complaint, actor: Any, received_on: date
) -> None:
    """A complaint raised from this request (here, or from its note in the intake inbox):
    linked both ways, in the case record and the request's trail; the request carries on.
    The request's row is locked first, as every change to a request is: two links written at
    once queue behind each other instead of interleaving their trail entries."""
    request = lock_request(request)
    request.complaints.add(complaint)
    record_event(
        complaint,
        "intake.service_request_linked",
        f"Raised from service request {request}; the request carries on",
        actor=actor,
        stage=1,
        happened_on=received_on,
        data={"service_request": request.pk, "request_status": request.status},
    )
    ServiceRequestUpdate.objects.create(
        request=request,
        summary=f"Resident dissatisfied: complaint {complaint.reference} raised; request continues",
        actor=actor,
    )


@transaction.atomic
def service_request_hazard_raise(
    *,
    request: ServiceRequest,
    actor: Any,
    aware_at: Any,
    told_by: str,
    hazard: str,
    assessment: str,
    description: str,
    occupiers: str = "",
    vulnerabilities: str = "",
) -> HazardReport:
    """A repair or service request shows a possible hazard (Awaab's Law): raise a hazard report
    for the request's resident and home, and note it in the request's trail. The request
    carries on; the hazard clocks run from when the landlord became aware."""
    _staff(actor)
    request = lock_request(request)
    report = hazard_report_raise(
        aware_at=aware_at,
        source=HazardSource.SERVICE_REQUEST,
        source_ref=f"service_request:{request.pk}",
        told_by=told_by,
        hazard=hazard,
        assessment=assessment,
        description=description,
        occupiers=occupiers,
        vulnerabilities=vulnerabilities,
        resident=request.resident,
        address=str(request.home or ""),
        actor=actor,
    )
    ServiceRequestUpdate.objects.create(
        request=request,
        summary=f"Hazard report {report.pk} raised: {report.get_hazard_display()} "
        f"({report.get_assessment_display().lower()})"[:300],
        actor=actor,
    )
    return report


def service_request_hazards(request: ServiceRequest) -> list[HazardReport]:
    """The hazard reports raised from this request."""
    return hazard_selectors.raised_from(f"service_request:{request.pk}")
