"""Anonymisation under the retention policy and erasure on request, through one audited path.

What is removed and what is kept is listed in docs/privacy.md; the figures (counts, dates,
categories, outcomes, tenure, stage timeliness, remedy types and amounts) are never touched.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db import transaction
from django.utils import timezone

from putright.complaints import search as complaint_search
from putright.complaints.models import (
    Attachment,
    CaseEvent,
    Complaint,
    ComplaintPoint,
    Correspondence,
    Decision,
    Exclusion,
    Extension,
    OmbudsmanReferral,
    OutstandingAction,
    Remedy,
    Response,
    ResponseDraft,
    Stage,
)
from putright.core.clock import today as clock_today
from putright.core.errors import InvalidInput, RuleBroken
from putright.core.permissions import DENIED, Action, allowed
from putright.hazards.models import HazardReport, HazardStep
from putright.imports.models import ImportBatch, ImportedComplaint, ImportedResident
from putright.intake.constants import InboundStatus
from putright.intake.models import (
    InboundEmail,
    IntakeAttachment,
    IntakeItem,
    ServiceRequest,
    ServiceRequestUpdate,
    SurveyResponse,
)
from putright.letters.models import Letter, OutboxItem
from putright.people import search as resident_search
from putright.people import services as people_services
from putright.people.models import (
    Adjustment,
    ContactRestriction,
    Property,
    Representative,
    Resident,
    Tenancy,
    Vulnerability,
)
from putright.portal.models import SignInLink
from putright.privacy import selectors
from putright.privacy.constants import (
    ANONYMISED_AREA_LINE,
    RETENTION_ACTOR_LABEL,
    SYSTEM_ACTOR_LABELS,
    AuditKind,
)
from putright.privacy.models import AnonymisedComplaint, AnonymisedResident, AuditEntry
from putright.privacy.redaction import Redaction, redaction
from putright.reporting.models import (
    OmbudsmanFinding,
    OmbudsmanInformationRequest,
    OmbudsmanOrder,
)
from putright.rules.retention import ErasureRefusal, erasure_refusal, postcode_district

REASON_REQUIRED = "Give the reason for the request."
REASON_NAMES_RESIDENT = (
    "Leave the resident's name and contact details out of the reason: the audit log keeps no "
    "personal data."
)
ALREADY_ANONYMISED = "This resident's personal data has already been removed."
REQUESTED_IN_FUTURE = "The request cannot be dated in the future."

ART_17_3_B = "UK GDPR Art. 17(3)(b)"
ART_17_3_B_E = "UK GDPR Art. 17(3)(b) and (e)"
ERASURE_REFUSED = {
    ErasureRefusal.OPEN_COMPLAINT: (
        "Erasure refused: the resident has a complaint still open. The landlord must keep the "
        "record to handle it under the Complaint Handling Code ({article})."
    ),
    ErasureRefusal.FOLLOW_UPS_OUTSTANDING: (
        "Erasure refused: remedies or outstanding actions promised to the resident are not yet "
        "complete; the record shows what is owed ({article})."
    ),
    ErasureRefusal.OMBUDSMAN_PENDING: (
        "Erasure refused: the Housing Ombudsman has not yet decided a referral of the "
        "resident's complaint ({article})."
    ),
    ErasureRefusal.OPEN_SERVICE_REQUEST: (
        "Erasure refused: the resident has a service request still open; the details are "
        "needed to deliver it ({article})."
    ),
    ErasureRefusal.OPEN_HAZARD: (
        "Erasure refused: a hazard report about the resident's home still has an Awaab's Law "
        "clock running; the landlord must keep the record to meet its duties under section 10A "
        "of the Landlord and Tenant Act 1985 ({article})."
    ),
    ErasureRefusal.WITHIN_RETENTION: (
        "Erasure refused: a complaint or hazard report ended on {ended:%d %B %Y}, within the {years}-year "
        "retention period. The record is kept for the regulator's returns and for legal claims "
        "({article}); it will be anonymised automatically after {until:%d %B %Y}."
    ),
}
_ARTICLE = {
    ErasureRefusal.OPEN_COMPLAINT: ART_17_3_B,
    ErasureRefusal.FOLLOW_UPS_OUTSTANDING: ART_17_3_B_E,
    ErasureRefusal.OMBUDSMAN_PENDING: ART_17_3_B_E,
    ErasureRefusal.OPEN_SERVICE_REQUEST: ART_17_3_B,
    ErasureRefusal.OPEN_HAZARD: ART_17_3_B,
    ErasureRefusal.WITHIN_RETENTION: ART_17_3_B_E,
}


class ErasureRefused(RuleBroken):
    """The law requires the data to be kept; nothing was removed (the refusal is audited)."""

    def __init__(self, refusal: ErasureRefusal, message: str) -> None:
        super().__init__(message, field=None, provision=_ARTICLE[refusal])
        self.refusal = refusal


def require_administrator(actor: Any) -> None:
    if not allowed(actor, Action.MANAGE_RESIDENTS_DATA):
        raise RuleBroken(DENIED[Action.MANAGE_RESIDENTS_DATA])


def clean_reason(reason: str, resident: Resident) -> str:
    """A reason is required and must not name the resident (the audit log holds no PII)."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(REASON_REQUIRED, field="reason")
    lowered = reason.lower()
    identifiers = [resident.full_name, resident.email, resident.phone]
    identifiers += resident.full_name.split() if len(resident.full_name.split()) > 1 else []
    if any(len(i) > 2 and i.lower() in lowered for i in identifiers if i):
        raise InvalidInput(REASON_NAMES_RESIDENT, field="reason")
    return reason


# --- what is removed ----------------------------------------------------------------------------


def _area_for(home: Property) -> Property:
    """A stand-in home with no address: postcode district, town, estate and block only.

    Hotspot figures group by estate and block, so those stay; the street address does not.
    """
    values = {
        "address_line_1": ANONYMISED_AREA_LINE,
        "address_line_2": "",
        "uprn": "",
        "postcode": postcode_district(home.postcode),
        "town": home.town,
        "estate": home.estate,
        "block": home.block,
        "high_rise": home.high_rise,
    }
    area = Property.objects.filter(**values).order_by("id").first()
    return area or Property.objects.create(**values)


def _rehome(work: Redaction, queryset, name: str = "home") -> None:
    """Point rows at their home's anonymised area instead of the home itself."""
    homes = Property.objects.filter(
        pk__in=queryset.exclude(**{f"{name}__address_line_1": ANONYMISED_AREA_LINE})
        .exclude(**{f"{name}__isnull": True})
        .values(f"{name}_id")
    )
    for home in homes:
        work.set(queryset.filter(**{f"{name}_id": home.pk}), **{name: _area_for(home)})


def _redact_letters(work: Redaction, letters) -> None:
    work.files(letters, "pdf")
    work.text(letters, "recipient_name", "subject", "html", "text")
    work.json(letters, "context")
    work.text(OutboxItem.objects.filter(letter__in=letters), "to_address", "last_error")


def _redact_complaints(work: Redaction, ids: list[int]) -> None:
    """Remove the words and files of these complaints; keep every date, code and number."""
    complaints = Complaint.objects.filter(pk__in=ids)
    work.text(complaints, "description", "heard_by", "spoken_to", "outcome_wanted")
    _rehome(work, complaints)
    work.text(ComplaintPoint.objects.filter(complaint__in=ids), "text")
    work.text(
        Stage.objects.filter(complaint__in=ids),
        "outcomes_sought",
        "responsible_for",
        "not_responsible_for",
        "to_clarify",
        "escalation_reason",
    )
    work.text(Extension.objects.filter(stage__complaint__in=ids), "reason", "good_reason")
    work.text(
        Response.objects.filter(stage__complaint__in=ids),
        "summary",
        "learning",
        "no_remedy_reason",
    )
    work.text(Decision.objects.filter(response__stage__complaint__in=ids), "reasons")
    work.text(Remedy.objects.filter(complaint__in=ids), "description", "completion_note")
    work.text(OutstandingAction.objects.filter(complaint__in=ids), "description", "completion_note")
    work.text(Exclusion.objects.filter(complaint__in=ids), "reasoning", "discretion_notes")
    work.text(OmbudsmanReferral.objects.filter(complaint__in=ids), "notes")
    work.text(
        OmbudsmanInformationRequest.objects.filter(referral__complaint__in=ids), "description"
    )
    work.text(OmbudsmanFinding.objects.filter(referral__complaint__in=ids), "element")
    work.text(OmbudsmanOrder.objects.filter(referral__complaint__in=ids), "description", "evidence")
    # The case record: the sanctioned window lets these UPDATEs through, nothing else.
    events = CaseEvent.objects.filter(complaint__in=ids)
    work.text(events, "summary")
    work.text(events.exclude(actor_label__in=SYSTEM_ACTOR_LABELS), "actor_label")
    work.json(events, "data")
    work.text(Correspondence.objects.filter(complaint__in=ids), "counterpart", "subject", "body")
    attachments = Attachment.objects.filter(complaint__in=ids)
    work.files(attachments, "file")
    work.text(attachments, "original_name")
    _redact_letters(work, Letter.objects.filter(complaint__in=ids))
    drafts = ResponseDraft.objects.filter(stage__complaint__in=ids)
    work.json(drafts, "data")
    work.text(drafts, "review_comments")
    inbound = InboundEmail.objects.filter(complaint__in=ids)
    work.files(inbound, "raw")
    work.text(inbound, "from_address", "subject", "reason", "resolution")
    _redact_intake_items(work, IntakeItem.objects.filter(complaint__in=ids))
    _redact_hazard_reports(work, HazardReport.objects.filter(complaint__in=ids))
    work.json(ImportedComplaint.objects.filter(complaint__in=ids), "values")
    for complaint_id in ids:
        work.mark(AnonymisedComplaint, complaint_id=complaint_id, anonymised_on=work.day)
    complaint_search.reindex(ids)  # the search table holds the words removed above


def _redact_hazard_reports(work: Redaction, reports: Any, *, keep_address: bool = False) -> None:
    """A hazard report's words about people (who told the landlord, who lives there, their
    vulnerabilities, what was reported and found); the hazard, assessment, every date and
    the clocks stay, so the Awaab's Law compliance figures do not change. The address goes
    with a resident or a complaint; a report on an address alone keeps it (the landlord's
    property, like its property records)."""
    ids = list(reports.values_list("pk", flat=True))
    if not ids:
        return
    one = HazardReport.objects.filter(pk__in=ids)
    work.text(
        one,
        "told_by",
        "description",
        "occupiers",
        "vulnerabilities",
        "findings",
        "safety_work",
        "further_work",
    )
    if not keep_address:
        work.text(one, "address")
    steps = HazardStep.objects.filter(report__in=ids)
    work.text(steps, "summary")
    work.json(steps, "data")


def _redact_intake_items(work: Redaction, items: Any) -> None:
    """An intake item's sender, words and documents (the decision and dates stay)."""
    work.text(items, "sender_name", "sender_address", "subject", "body", "notes", "decision_note")
    work.clear(items, "sender_email", "sender_phone")
    work.json(items, "answers")
    attachments = IntakeAttachment.objects.filter(item__in=items)
    work.files(attachments, "file")
    work.text(attachments, "original_name")


def _redact_resident(work: Redaction, resident: Resident) -> None:
    """Remove who the resident is; keep the row (repeat complaints) and tenure (TSM CH01)."""
    one = Resident.objects.filter(pk=resident.pk)
    work.text(one, "full_name")
    work.clear(one, "email", "phone", "correspondence_address")
    work.set(one, home=None)
    _rehome(work, Tenancy.objects.filter(resident=resident))
    work.delete(SignInLink.objects.filter(resident=resident))
    work.delete(SignInLink.objects.filter(representative__resident=resident))
    work.delete(Representative.objects.filter(resident=resident))
    work.delete(Adjustment.objects.filter(resident=resident))
    work.delete(Vulnerability.objects.filter(resident=resident))
    work.delete(ContactRestriction.objects.filter(resident=resident))
    requests = ServiceRequest.objects.filter(resident=resident)
    work.text(requests, "summary", "detail")
    _rehome(work, requests)
    work.text(ServiceRequestUpdate.objects.filter(request__in=requests), "summary")
    surveys = SurveyResponse.objects.filter(resident=resident)
    work.text(surveys, "respondent_name", "comment")
    work.clear(surveys, "respondent_email")
    _redact_letters(work, Letter.objects.filter(resident=resident))
    _redact_hazard_reports(work, HazardReport.objects.filter(resident=resident))
    work.set(
        ImportedResident.objects.filter(resident=resident), legacy_id=f"anonymised-{resident.pk}"
    )
    work.mark(AnonymisedResident, resident_id=resident.pk, anonymised_on=work.day)
    resident_search.reindex([resident.pk])  # and, through it, their complaints' search rows
    people_services.vulnerabilities_changed([resident.pk])


# --- the retention schedule ---------------------------------------------------------------------


@dataclass
class RetentionResult:
    """What one run of the retention schedule did."""

    today: date
    complaints: int = 0
    residents: int = 0
    intake_items: int = 0
    hazard_reports: int = 0
    import_files: int = 0
    audit_ids: list[int] = field(default_factory=list)


def _anonymise_for_retention(
    *, resident_id: int, complaint_ids: list[int], today: date, actor: Any
) -> AuditEntry | None:
    rules = selectors.retention_rules()
    cutoff = rules.complaints_cutoff(today)
    with transaction.atomic():
        resident = Resident.objects.select_for_update().get(pk=resident_id)
        # Lock, then re-check: another run (or a reopened complaint) may have moved first.
        list(Complaint.objects.select_for_update().filter(pk__in=complaint_ids).values("pk"))
        due = list(
            selectors.complaints_past_retention(cutoff)
            .filter(pk__in=complaint_ids)
            .order_by("pk")
            .values_list("pk", "reference")
        )
        ids = [pk for pk, _ in due]
        whole_resident = (
            not AnonymisedResident.objects.filter(resident=resident).exists()
            and not Complaint.objects.filter(resident=resident, anonymised__isnull=True)
            .exclude(pk__in=ids)
            .exists()
            and selectors.resident_fully_past_retention(resident, cutoff=cutoff, anonymising=ids)
        )
        if not ids and not whole_resident:
            return None
        with redaction(
            kind=AuditKind.RETENTION,
            day=today,
            actor=actor,
            actor_label=RETENTION_ACTOR_LABEL,
            resident_id=resident.pk,
            complaint_references=[ref for _, ref in due],
            rule=rules.complaint_rule,
        ) as work:
            if ids:
                _redact_complaints(work, ids)
            if whole_resident:
                _redact_resident(work, resident)
        return work.audit


def _expire_unmatched_intake(*, today: date, actor: Any) -> AuditEntry | None:
    rules = selectors.retention_rules()
    cutoff = timezone.make_aware(datetime.combine(rules.intake_cutoff(today), time.min))
    inbound = InboundEmail.objects.filter(
        complaint__isnull=True, status=InboundStatus.QUARANTINED, received_at__lt=cutoff
    )
    surveys = SurveyResponse.objects.filter(
        resident__isnull=True, responded_on__lt=rules.intake_cutoff(today)
    )
    # Messages never made part of a case (spam, enquiries, undecided), past the same period.
    items = IntakeItem.objects.filter(complaint__isnull=True, received_at__lt=cutoff)
    if not (
        inbound.exclude(raw="").exists()
        or surveys.exclude(respondent_name="").exists()
        or items.exclude(body__startswith="[removed ").exists()
    ):
        return None
    with redaction(
        kind=AuditKind.INTAKE_EXPIRED,
        day=today,
        actor=actor,
        actor_label=RETENTION_ACTOR_LABEL,
        rule=f"PUTRIGHT_RETAIN_UNMATCHED_INTAKE_DAYS={rules.intake_days}",
    ) as work:
        work.files(inbound, "raw")
        work.text(inbound, "from_address", "subject", "reason", "resolution")
        work.text(surveys, "respondent_name", "comment")
        work.clear(surveys, "respondent_email")
        _redact_intake_items(work, items)
    return work.audit


def _expire_hazard_reports(*, today: date, actor: Any) -> tuple[AuditEntry | None, int]:
    """Hazard reports on an address alone (no resident, no complaint), with the complaint's
    rule: past retention once no clock runs and their last fact is older than the period."""
    rules = selectors.retention_rules()
    reports = selectors.hazard_reports_past_retention(rules.complaints_cutoff(today)).filter(
        complaint__isnull=True, resident__isnull=True
    )
    count = reports.count()
    if not count:
        return None, 0
    with redaction(
        kind=AuditKind.RETENTION,
        day=today,
        actor=actor,
        actor_label=RETENTION_ACTOR_LABEL,
        rule=rules.complaint_rule,
    ) as work:
        _redact_hazard_reports(work, reports, keep_address=True)
    return work.audit, count


def _expire_import_files(*, today: date, actor: Any) -> AuditEntry | None:
    rules = selectors.retention_rules()
    cutoff = timezone.make_aware(datetime.combine(rules.import_cutoff(today), time.min))
    batches = ImportBatch.objects.filter(started_at__lt=cutoff).exclude(
        status__in=[ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING]
    )
    ids = list(batches.exclude(upload=b"").values_list("pk", flat=True))
    if not ids:
        return None
    with redaction(
        kind=AuditKind.IMPORT_FILES_EXPIRED,
        day=today,
        actor=actor,
        actor_label=RETENTION_ACTOR_LABEL,
        rule=f"PUTRIGHT_RETAIN_IMPORT_FILES_DAYS={rules.import_days}",
    ) as work:
        ImportBatch.objects.filter(pk__in=ids).update(upload=b"")
        work.files_removed += len(ids)
        work.detail["imports.ImportBatch"]["files"] = len(ids)
    return work.audit


def retention_apply(*, today: date | None = None, actor: Any = None) -> RetentionResult:
    """Anonymise whatever the retention rules say is no longer needed (the daily job).

    One transaction and one audit entry per resident, so the database is never held for long.
    """
    today = today or clock_today()
    rules = selectors.retention_rules()
    cutoff = rules.complaints_cutoff(today)
    result = RetentionResult(today=today)
    by_resident: dict[int, list[int]] = {}
    for pk, resident_id in (
        selectors.complaints_past_retention(cutoff).order_by("pk").values_list("pk", "resident_id")
    ):
        by_resident.setdefault(resident_id, []).append(pk)
    for resident_id in selectors.residents_past_retention(cutoff).values_list("pk", flat=True):
        by_resident.setdefault(resident_id, [])
    for resident_id, complaint_ids in sorted(by_resident.items()):
        audit = _anonymise_for_retention(
            resident_id=resident_id, complaint_ids=complaint_ids, today=today, actor=actor
        )
        if audit is not None:
            result.audit_ids.append(audit.pk)
            result.complaints += len(audit.complaint_references)
            result.residents += int("people.Resident" in audit.detail)
    intake = _expire_unmatched_intake(today=today, actor=actor)
    if intake is not None:
        result.audit_ids.append(intake.pk)
        result.intake_items += intake.fields_removed
    hazards, result.hazard_reports = _expire_hazard_reports(today=today, actor=actor)
    if hazards is not None:
        result.audit_ids.append(hazards.pk)
    imports = _expire_import_files(today=today, actor=actor)
    if imports is not None:
        result.audit_ids.append(imports.pk)
        result.import_files += imports.files_removed
    return result


# --- erasure on request -------------------------------------------------------------------------


def _refusal_message(refusal: ErasureRefusal, facts, rules, cutoff: date) -> str:
    if refusal is ErasureRefusal.WITHIN_RETENTION:
        until = facts.latest_end.replace(year=facts.latest_end.year + rules.complaint_years)
        return ERASURE_REFUSED[refusal].format(
            ended=facts.latest_end,
            years=rules.complaint_years,
            until=until,
            article=_ARTICLE[refusal],
        )
    return ERASURE_REFUSED[refusal].format(article=_ARTICLE[refusal])


def resident_erase(
    *,
    resident: Resident,
    reason: str,
    actor: Any,
    requested_on: date | None = None,
    today: date | None = None,
) -> AuditEntry:
    """Erase a resident's personal data on request, where UK GDPR Art. 17 allows it.

    Refused (ErasureRefused, audited, nothing removed) while a complaint is open, owed
    follow-ups, before the Ombudsman, or ended within the retention period (Art. 17(3)(b), (e)).
    """
    require_administrator(actor)
    today = today or clock_today()
    requested_on = requested_on or today
    if requested_on > today:
        raise InvalidInput(REQUESTED_IN_FUTURE, field="requested_on")
    rules = selectors.retention_rules()
    cutoff = rules.complaints_cutoff(today)
    refused: ErasureRefused | None = None
    with transaction.atomic():
        resident = Resident.objects.select_for_update().get(pk=resident.pk)
        if AnonymisedResident.objects.filter(resident=resident).exists():
            raise RuleBroken(ALREADY_ANONYMISED)
        reason = clean_reason(reason, resident)
        complaints = Complaint.objects.select_for_update().filter(resident=resident)
        due = list(complaints.order_by("pk").values_list("pk", "reference"))
        facts = selectors.erasure_facts(resident)
        refusal = erasure_refusal(facts, keep_from=cutoff)
        if refusal is not None:
            refused = ErasureRefused(refusal, _refusal_message(refusal, facts, rules, cutoff))
            entry = AuditEntry.objects.create(
                kind=AuditKind.ERASURE_REFUSED,
                actor=actor,
                at=timezone.now(),
                resident_id_number=resident.pk,
                complaint_references=[ref for _, ref in due],
                reason=reason,
                refusal=refusal.value,
                rule=rules.complaint_rule,
                requested_on=requested_on,
            )
        else:
            already = set(
                AnonymisedComplaint.objects.filter(complaint__resident=resident).values_list(
                    "complaint_id", flat=True
                )
            )
            with redaction(
                kind=AuditKind.ERASURE,
                day=today,
                actor=actor,
                resident_id=resident.pk,
                complaint_references=[ref for _, ref in due],
                rule=rules.complaint_rule,
                reason=reason,
                requested_on=requested_on,
            ) as work:
                _redact_complaints(work, [pk for pk, _ in due if pk not in already])
                _redact_resident(work, resident)
            entry = work.audit  # type: ignore[assignment]
    if refused is not None:
        raise refused
    return entry
