"""Queries of the privacy app: what is due for anonymisation, what a resident's record holds."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from putright.complaints.constants import ReferralOutcome
from putright.complaints.models import (
    Complaint,
    OmbudsmanReferral,
    OutstandingAction,
    Remedy,
    Stage,
)
from putright.hazards.models import HazardReport
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


# When a hazard report's facts happened (Awaab's Law clocks and steps): it "ends" with the latest.
HAZARD_MOMENTS = (
    "aware_at",
    "investigation_concluded_at",
    "safety_work_done_at",
    "decanted_at",
    "consent_refused_at",
    "cleared_at",
)
HAZARD_DAYS = ("summary_sent_on", "further_work_begun_on", "further_work_started_on")
# A report whose personal text is already removed (who told the landlord is never empty).
HAZARD_REDACTED = Q(told_by__startswith="[removed ")


def _hazard_kept(cutoff: date) -> Q:
    """A hazard report still needed, with the complaint's rule: a clock still runs (the
    Regulations' duties are not done), or something happened on or after `cutoff`."""
    kept = Q(next_due_at__isnull=False)
    for name in HAZARD_MOMENTS:
        kept |= Q(**{f"{name}__date__gte": cutoff})
    for name in HAZARD_DAYS:
        kept |= Q(**{f"{name}__gte": cutoff})
    return kept


def hazard_reports_kept(cutoff: date) -> QuerySet[HazardReport]:
    return HazardReport.objects.filter(_hazard_kept(cutoff))


def hazard_reports_past_retention(cutoff: date) -> QuerySet[HazardReport]:
    """Hazard reports no clock runs on, whose last fact is before `cutoff`, not yet redacted."""
    return HazardReport.objects.exclude(_hazard_kept(cutoff)).exclude(HAZARD_REDACTED)


def hazard_ended_on(report: HazardReport) -> date:
    """The day a hazard report last moved: the latest of its facts' dates."""
    days = [timezone.localdate(getattr(report, n)) for n in HAZARD_MOMENTS if getattr(report, n)]
    days += [getattr(report, n) for n in HAZARD_DAYS if getattr(report, n)]
    return max(days)


def residents_hazard_reports(resident: Resident) -> QuerySet[HazardReport]:
    """The hazard reports about the resident: theirs, or of their complaints."""
    return HazardReport.objects.filter(Q(resident=resident) | Q(complaint__resident=resident))


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
        .exclude(Exists(hazard_reports_kept(cutoff).filter(complaint=OuterRef("pk"))))
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
        .exclude(Exists(hazard_reports_kept(cutoff).filter(resident=OuterRef("pk"))))
    )


def erasure_facts(resident: Resident) -> ErasureFacts:
    """What the record says about the resident, for `erasure_refusal`."""
    complaints = Complaint.objects.filter(resident=resident)
    finished = complaints.exclude(status__in=_OPEN)
    latest_close = finished.aggregate(d=Max("closed_on"))["d"]
    latest_response = Stage.objects.filter(complaint__in=finished).aggregate(d=Max("responded_on"))[
        "d"
    ]
    hazards = list(residents_hazard_reports(resident))
    return ErasureFacts(
        open_complaints=complaints.filter(status__in=_OPEN).count(),
        latest_end=ended_on(latest_close, [latest_response, *map(hazard_ended_on, hazards)]),
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
        open_hazard_reports=sum(1 for h in hazards if h.next_due_at is not None),
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
        and not hazard_reports_kept(cutoff).filter(resident=resident).exists()
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
