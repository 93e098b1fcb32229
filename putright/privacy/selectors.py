"""Queries of the privacy app: what is due for anonymisation, what a resident's record holds."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Exists, Max, OuterRef, Q, QuerySet

from putright.complaints.constants import ReferralOutcome
from putright.complaints.models import (
    Complaint,
    OmbudsmanReferral,
    OutstandingAction,
    Remedy,
    Stage,
)
from putright.intake.constants import CLOSED_REQUEST_STATUSES
from putright.intake.models import ServiceRequest
from putright.people.models import Resident
from putright.privacy.models import AuditEntry
from putright.rules.retention import ErasureFacts, days_before, ended_on, years_before
from putright.rules.workflow import OPEN_STATES

_OPEN = [s.value for s in OPEN_STATES]


@dataclass(frozen=True)
class RetentionRules:
    """The retention periods in force (settings), and the cut-off dates they give today."""

    complaint_years: int
    intake_days: int
    import_days: int

    def complaints_cutoff(self, today: date) -> date:
        """A complaint that ended before this day is past retention."""
        return years_before(today, self.complaint_years)

    def intake_cutoff(self, today: date) -> date:
        return days_before(today, self.intake_days)

    def import_cutoff(self, today: date) -> date:
        return days_before(today, self.import_days)

    @property
    def complaint_rule(self) -> str:
        return f"PUTRIGHT_RETAIN_CLOSED_COMPLAINTS_YEARS={self.complaint_years}"


def retention_rules() -> RetentionRules:
    return RetentionRules(
        complaint_years=settings.PUTRIGHT_RETAIN_CLOSED_COMPLAINTS_YEARS,
        intake_days=settings.PUTRIGHT_RETAIN_UNMATCHED_INTAKE_DAYS,
        import_days=settings.PUTRIGHT_RETAIN_IMPORT_FILES_DAYS,
    )


def _still_needed() -> Q:
    """Finished complaints still in use: follow-ups to complete or the Ombudsman deciding."""
    return Q(
        Exists(Remedy.objects.filter(complaint=OuterRef("pk"), completed_on__isnull=True))
        | Exists(
            OutstandingAction.objects.filter(complaint=OuterRef("pk"), completed_on__isnull=True)
        )
        | Exists(
            OmbudsmanReferral.objects.filter(
                complaint=OuterRef("pk"), outcome=ReferralOutcome.PENDING
            )
        )
    )


def complaints_past_retention(cutoff: date) -> QuerySet[Complaint]:
    """Finished complaints that ended before `cutoff`, not yet anonymised and not in use.

    "Ended" is the closure or the latest response, whichever is later: a complaint answered
    but never formally closed ends with its last response.
    """
    recent_response = Exists(
        Stage.objects.filter(complaint=OuterRef("pk"), responded_on__gte=cutoff)
    )
    return (
        Complaint.objects.exclude(status__in=_OPEN)
        .filter(anonymised__isnull=True)
        .filter(
            Q(closed_on__lt=cutoff) | Q(closed_on__isnull=True, stages__responded_on__isnull=False)
        )
        .exclude(recent_response)
        .exclude(_still_needed())
        .distinct()
    )


def residents_past_retention(cutoff: date) -> QuerySet[Resident]:
    """Residents not yet anonymised whose complaints all are (or who never complained),
    recorded before `cutoff`, with no service request open or made since."""
    recent_request = Exists(
        ServiceRequest.objects.filter(resident=OuterRef("pk")).filter(
            Q(requested_on__gte=cutoff) | ~Q(status__in=list(CLOSED_REQUEST_STATUSES))
        )
    )
    kept_complaint = Exists(
        Complaint.objects.filter(resident=OuterRef("pk"), anonymised__isnull=True)
    )
    complained = Exists(Complaint.objects.filter(resident=OuterRef("pk")))
    return (
        Resident.objects.filter(anonymised__isnull=True)
        .filter(complained | Q(created_at__date__lt=cutoff))
        .exclude(kept_complaint)
        .exclude(recent_request)
    )


def erasure_facts(resident: Resident) -> ErasureFacts:
    """What the record says about the resident, for `erasure_refusal`."""
    complaints = Complaint.objects.filter(resident=resident)
    finished = complaints.exclude(status__in=_OPEN)
    latest_close = finished.aggregate(d=Max("closed_on"))["d"]
    latest_response = Stage.objects.filter(complaint__in=finished).aggregate(d=Max("responded_on"))[
        "d"
    ]
    return ErasureFacts(
        open_complaints=complaints.filter(status__in=_OPEN).count(),
        latest_end=ended_on(latest_close, [latest_response]),
        outstanding_follow_ups=Remedy.objects.filter(
            complaint__in=complaints, completed_on__isnull=True
        ).count()
        + OutstandingAction.objects.filter(
            complaint__in=complaints, completed_on__isnull=True
        ).count(),
        pending_referrals=OmbudsmanReferral.objects.filter(
            complaint__in=complaints, outcome=ReferralOutcome.PENDING
        ).count(),
        open_service_requests=ServiceRequest.objects.filter(resident=resident)
        .exclude(status__in=list(CLOSED_REQUEST_STATUSES))
        .count(),
    )


def resident_fully_past_retention(
    resident: Resident, *, cutoff: date, anonymising: list[int] | tuple[int, ...] = ()
) -> bool:
    """Every complaint anonymised (or being), and nothing else still needs their details."""
    remaining = Complaint.objects.filter(resident=resident, anonymised__isnull=True)
    if remaining.exclude(pk__in=list(anonymising)).exists():
        return False
    return (
        not ServiceRequest.objects.filter(resident=resident)
        .filter(Q(requested_on__gte=cutoff) | ~Q(status__in=list(CLOSED_REQUEST_STATUSES)))
        .exists()
    )


def residents_search(query: str) -> QuerySet[Resident]:
    """Residents by id, name, email or phone, for the administrators' privacy page."""
    query = query.strip()
    if not query:
        return Resident.objects.none()
    match = Q(full_name__icontains=query) | Q(email__iexact=query) | Q(phone=query)
    if query.isdigit():
        match |= Q(pk=int(query))
    return Resident.objects.filter(match).order_by("full_name", "id")[:50]


def resident_summary(pk: int) -> Resident:
    return (
        Resident.objects.select_related("home")
        .prefetch_related("complaints", "adjustments", "vulnerabilities", "representatives")
        .get(pk=pk)
    )


def audit_entries(*, resident_id: int | None = None) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.select_related("actor")
    if resident_id is not None:
        entries = entries.filter(resident_id_number=resident_id)
    return entries.order_by("-at", "-id")
