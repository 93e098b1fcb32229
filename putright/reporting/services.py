"""One service per change to a reporting record; guards raise named errors from constants."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max

from putright.complaints.models import Complaint, OmbudsmanReferral
from putright.core.clock import today
from putright.core.errors import InvalidInput, RuleBroken
from putright.core.permissions import Action, allowed
from putright.reporting import selectors
from putright.reporting.constants import Comply, Finding, ImprovementStatus, OrderKind, Trigger
from putright.reporting.figures import measures, reporting_year
from putright.reporting.models import (
    AnnualReportNote,
    HomesCount,
    OmbudsmanCodeFinding,
    OmbudsmanFinding,
    OmbudsmanInformationRequest,
    OmbudsmanOrder,
    ReportTextVersion,
    SelfAssessment,
    SelfAssessmentRow,
    ServiceImprovement,
)
from putright.rules.profile import DEFAULT_CODE, get_profile

YEAR_OUT_OF_RANGE = "Enter a reporting year between 2020 and 2100."
HOMES_NEEDED = "Enter the number of homes owned; it cannot be negative."
UNKNOWN_TRIGGER = "Choose why this self-assessment is being carried out."
UNKNOWN_COMPLY = "Choose Yes, No or N/A."
NA_REASON_NEEDED = "Say why this provision does not apply to us: N/A needs a reason."
RESPONSE_NEEDED = "Write the governing body's response before recording its approval."
PROVISIONS_NEEDED = "Say which provisions of the Code were not complied with."
ACTION_NEEDED = "Say what will be done to comply, and by when, for a provision not met."
ALREADY_APPROVED = "This version is approved and cannot change: start a new version instead."
NOT_ALL_ANSWERED = "Answer every provision before the governing body approves the assessment."
APPROVER_ROLE = "Only a governing-body member (or an administrator) can record its approval."
MINUTE_NEEDED = "Record the governing body's decision (the minute) with the approval."
TITLE_NEEDED = "Give the improvement a short title."
DESCRIPTION_NEEDED = "Say what is changing."
UNKNOWN_STATUS = "Choose a status."
UNKNOWN_REFERENCES = "These complaint references were not found: {references}."
DONE_NEEDS_DATE = "Give the date the improvement was completed."
DUE_BEFORE_REQUEST = "The due date cannot be before the date of the request."
UNKNOWN_FINDING = "Choose the Ombudsman's finding."
ELEMENT_NEEDED = "Say which element of the complaint the finding is about."
UNKNOWN_KIND = "Choose order or recommendation."
EVIDENCE_NEEDED = "Say what evidence of compliance was sent."
DATE_IN_FUTURE = "The date cannot be in the future."

_YEARS = range(2020, 2101)


def _not_future(value: date, field: str) -> date:
    if value > today():
        raise InvalidInput(DATE_IN_FUTURE, field=field)
    return value


def _record_history(
    subject: str, before: dict[str, str], after: dict[str, str], actor: Any
) -> None:
    """Keep every earlier wording of a report text: one version row per field that changed."""
    ReportTextVersion.objects.bulk_create(
        ReportTextVersion(
            subject=subject,
            field=name,
            previous=before.get(name, "") or "",
            text=text or "",
            changed_by=actor,
        )
        for name, text in after.items()
        if (text or "") != (before.get(name, "") or "")
    )


def _year(year: int) -> int:
    if year not in _YEARS:
        raise InvalidInput(YEAR_OUT_OF_RANGE, field="year")
    return year


@transaction.atomic
def homes_count_set(*, year: int, lcra_homes: int, lcho_homes: int, actor: Any) -> HomesCount:
    """Record the homes owned in a reporting year (CH01's denominators)."""
    _year(year)
    for field, value in (("lcra_homes", lcra_homes), ("lcho_homes", lcho_homes)):
        if value is None or value < 0:
            raise InvalidInput(HOMES_NEEDED, field=field)
    homes, _created = HomesCount.objects.update_or_create(
        year=year,
        defaults={"lcra_homes": lcra_homes, "lcho_homes": lcho_homes, "recorded_by": actor},
    )
    return homes


# --- self-assessment ----------------------------------------------------------------------


def _measure_rows(assessment: SelfAssessment, rows: list[SelfAssessmentRow], on: date) -> None:
    period = reporting_year(assessment.year)
    found = measures(
        selectors.stage_counts(period, on=on),
        selectors.extension_facts(period),
        selectors.remedy_counts(period, on=on),
        period,
        on,
    )
    by_provision: dict[str, list[str]] = {}
    shortfall: dict[str, bool] = {}
    for measure in found:
        figure = measure.figure
        if figure.enforced_by:
            text = (
                f"{figure.label}: enforced by PutRight ({figure.enforced_by}); "
                f"{figure.numerator} in {period.label}"
            )
        elif figure.unit == "count":
            text = f"{figure.label}: {figure.numerator}"
        elif figure.denominator:
            text = f"{figure.label}: {figure.display} ({figure.numerator} of {figure.denominator})"
        else:
            text = f"{figure.label}: none in {period.label}"
        by_provision.setdefault(measure.provision, []).append(text)
        shortfall[measure.provision] = shortfall.get(measure.provision, False) or measure.shortfall
    for row in rows:
        row.measured = "\n".join(by_provision.get(row.provision, []))
        row.shortfall = shortfall.get(row.provision, False)


@transaction.atomic
def self_assessment_start(
    *, year: int, actor: Any, trigger: str = Trigger.ANNUAL, profile_code: str = DEFAULT_CODE
) -> SelfAssessment:
    """A new version for the year and trigger, carrying over the last version's answers."""
    _year(year)
    if trigger not in Trigger.values:
        raise InvalidInput(UNKNOWN_TRIGGER, field="trigger")
    profile = get_profile(profile_code)
    previous = (
        SelfAssessment.objects.filter(profile_code=profile_code)
        .order_by("-year", "-version", "-id")
        .first()
    )
    version = (
        SelfAssessment.objects.filter(year=year, trigger=trigger).aggregate(v=Max("version"))["v"]
        or 0
    ) + 1
    assessment = SelfAssessment.objects.create(
        year=year,
        trigger=trigger,
        version=version,
        profile_code=profile_code,
        created_by=actor,
        measured_on=today(),
    )
    carried = {row.provision: row for row in previous.rows.all()} if previous else {}
    rows = []
    for position, provision in enumerate(profile.provisions, start=1):
        before = carried.get(provision.number)
        rows.append(
            SelfAssessmentRow(
                assessment=assessment,
                provision=provision.number,
                section=provision.section,
                position=position,
                comply=before.comply if before else "",
                evidence=before.evidence if before else "",
                commentary=before.commentary if before else "",
                action=before.action if before else "",
                action_due=before.action_due if before else None,
            )
        )
    _measure_rows(assessment, rows, today())
    SelfAssessmentRow.objects.bulk_create(rows)
    return assessment


@transaction.atomic
def self_assessment_measure(*, assessment: SelfAssessment, actor: Any) -> SelfAssessment:
    """Refill the measured evidence from the case record as it stands today."""
    if assessment.is_approved:
        raise RuleBroken(ALREADY_APPROVED)
    rows = list(assessment.rows.all())
    _measure_rows(assessment, rows, today())
    SelfAssessmentRow.objects.bulk_update(rows, ["measured", "shortfall"])
    assessment.measured_on = today()
    assessment.save(update_fields=["measured_on"])
    return assessment


@transaction.atomic
def self_assessment_row_update(
    *,
    row: SelfAssessmentRow,
    comply: str,
    evidence: str,
    commentary: str,
    actor: Any,
    action: str = "",
    action_due: date | None = None,
) -> SelfAssessmentRow:
    """Answer one provision; a "No" needs the action and date to comply (Code 8.1a form)."""
    row = SelfAssessmentRow.objects.select_for_update().select_related("assessment").get(pk=row.pk)
    if row.assessment.is_approved:
        raise RuleBroken(ALREADY_APPROVED)
    if comply not in Comply.values:
        raise InvalidInput(UNKNOWN_COMPLY, field="comply")
    action = (action or "").strip()
    if comply == Comply.NO and not action:
        raise InvalidInput(ACTION_NEEDED, field="action")
    if comply == Comply.NO and action_due is None:
        raise InvalidInput(ACTION_NEEDED, field="action_due")
    if comply == Comply.NA and not (commentary or "").strip():
        raise InvalidInput(NA_REASON_NEEDED, field="commentary")
    texts = ("comply", "evidence", "commentary", "action")
    before = {name: getattr(row, name) for name in texts}
    row.comply = comply
    row.evidence = evidence.strip()
    row.commentary = commentary.strip()
    row.action = action if comply == Comply.NO else ""
    row.action_due = action_due if comply == Comply.NO else None
    row.save(update_fields=["comply", "evidence", "commentary", "action", "action_due"])
    _record_history(
        f"self-assessment-row:{row.pk}", before, {n: getattr(row, n) for n in texts}, actor
    )
    return row


@transaction.atomic
def self_assessment_approve(
    *, assessment: SelfAssessment, approved_on: date, minute: str, actor: Any
) -> SelfAssessment:
    """Record the governing body's approval (Code 8.1a: reviewed and approved at least yearly)."""
    assessment = SelfAssessment.objects.select_for_update().get(pk=assessment.pk)
    if not allowed(actor, Action.APPROVE_FOR_GOVERNING_BODY):
        raise RuleBroken(APPROVER_ROLE, provision="8.1")
    if assessment.is_approved:
        raise RuleBroken(ALREADY_APPROVED)
    _not_future(approved_on, "approved_on")
    minute = (minute or "").strip()
    if not minute:
        raise InvalidInput(MINUTE_NEEDED, field="minute")
    if assessment.rows.filter(comply="").exists():
        raise RuleBroken(NOT_ALL_ANSWERED, provision="8.1")
    assessment.approved_by = actor
    assessment.approved_on = approved_on
    assessment.approval_minute = minute
    assessment.save(update_fields=["approved_by", "approved_on", "approval_minute"])
    return assessment


# --- learning and service improvements (Code 9.1-9.4) --------------------------------------


@dataclass(frozen=True)
class ImprovementInput:
    title: str
    description: str
    status: str = ImprovementStatus.PROPOSED
    owner: Any = None
    owner_name: str = ""
    due_on: date | None = None
    completed_on: date | None = None
    references: tuple[str, ...] = ()


def _complaints_for(references: tuple[str, ...]) -> list[Complaint]:
    wanted = {r.strip().upper() for r in references if r.strip()}
    found = list(Complaint.objects.filter(reference__in=wanted))
    missing = sorted(wanted - {c.reference for c in found})
    if missing:
        raise InvalidInput(
            UNKNOWN_REFERENCES.format(references=", ".join(missing)), field="references"
        )
    return found


def _clean_improvement(data: ImprovementInput) -> tuple[str, str, list[Complaint]]:
    title = (data.title or "").strip()
    if not title:
        raise InvalidInput(TITLE_NEEDED, field="title")
    description = (data.description or "").strip()
    if not description:
        raise InvalidInput(DESCRIPTION_NEEDED, field="description")
    if data.status not in ImprovementStatus.values:
        raise InvalidInput(UNKNOWN_STATUS, field="status")
    if data.status == ImprovementStatus.DONE and data.completed_on is None:
        raise InvalidInput(DONE_NEEDS_DATE, field="completed_on")
    if data.completed_on is not None:
        _not_future(data.completed_on, "completed_on")
    return title, description, _complaints_for(data.references)


@transaction.atomic
def improvement_create(*, data: ImprovementInput, actor: Any) -> ServiceImprovement:
    """A service improvement, linked to the complaints that drove it."""
    title, description, complaints = _clean_improvement(data)
    improvement = ServiceImprovement.objects.create(
        title=title,
        description=description,
        status=data.status,
        owner=data.owner,
        owner_name=data.owner_name.strip(),
        due_on=data.due_on,
        completed_on=data.completed_on if data.status == ImprovementStatus.DONE else None,
        created_by=actor,
    )
    improvement.complaints.set(complaints)
    return improvement


@transaction.atomic
def improvement_update(
    *, improvement: ServiceImprovement, data: ImprovementInput, actor: Any
) -> ServiceImprovement:
    """Change an improvement's details, status or driving complaints."""
    title, description, complaints = _clean_improvement(data)
    _record_history(
        f"improvement:{improvement.pk}",
        {"title": improvement.title, "description": improvement.description},
        {"title": title, "description": description},
        actor,
    )
    improvement.title = title
    improvement.description = description
    improvement.status = data.status
    improvement.owner = data.owner
    improvement.owner_name = data.owner_name.strip()
    improvement.due_on = data.due_on
    improvement.completed_on = data.completed_on if data.status == ImprovementStatus.DONE else None
    improvement.save()
    improvement.complaints.set(complaints)
    return improvement


ANNUAL_TEXTS = ("commentary", "ombudsman_annual_letter", "ombudsman_other_reports")


def _note_for_update(year: int, actor: Any) -> AnnualReportNote:
    note, _created = AnnualReportNote.objects.select_for_update().get_or_create(
        year=year, defaults={"updated_by": actor}
    )
    return note


@transaction.atomic
def annual_note_save(
    *,
    year: int,
    actor: Any,
    ombudsman_annual_letter: str = "",
    ombudsman_other_reports: str = "",
    commentary: str = "",
) -> AnnualReportNote:
    """The officer's written parts of the annual report: the analysis (8.1b) and the
    Ombudsman's reports about us (8.1e, 8.1f). Every earlier wording is kept."""
    _year(year)
    note = _note_for_update(year, actor)
    before = {name: getattr(note, name) for name in ANNUAL_TEXTS}
    after = {
        "commentary": commentary.strip(),
        "ombudsman_annual_letter": ombudsman_annual_letter.strip(),
        "ombudsman_other_reports": ombudsman_other_reports.strip(),
    }
    for name, text in after.items():
        setattr(note, name, text)
    note.updated_by = actor
    note.save()
    _record_history(f"annual:{year}", before, after, actor)
    return note


@transaction.atomic
def governing_body_response_save(
    *, year: int, response: str, actor: Any, approved_on: date | None = None
) -> AnnualReportNote:
    """The governing body writes its response to the annual report (8.2) and, with a date,
    records that it approved it. A changed text needs approving again."""
    if not allowed(actor, Action.APPROVE_FOR_GOVERNING_BODY):
        raise RuleBroken(APPROVER_ROLE, provision="8.2")
    _year(year)
    response = (response or "").strip()
    if approved_on is not None and not response:
        raise InvalidInput(RESPONSE_NEEDED, field="response")
    if approved_on is not None:
        _not_future(approved_on, "approved_on")
    note = _note_for_update(year, actor)
    before = {"governing_body_response": note.governing_body_response}
    changed = response != note.governing_body_response
    note.governing_body_response = response
    if approved_on is not None:
        note.response_approved_on, note.response_approved_by = approved_on, actor
    elif changed:
        note.response_approved_on, note.response_approved_by = None, None
    note.updated_by = actor
    note.save()
    _record_history(f"annual:{year}", before, {"governing_body_response": response}, actor)
    return note


# --- Ombudsman casework ------------------------------------------------------------------------


@transaction.atomic
def ombudsman_information_request_add(
    *, referral: OmbudsmanReferral, requested_on: date, due_on: date, description: str, actor: Any
) -> OmbudsmanInformationRequest:
    """The Ombudsman asked for information by a date."""
    _not_future(requested_on, "requested_on")
    if due_on < requested_on:
        raise InvalidInput(DUE_BEFORE_REQUEST, field="due_on")
    description = (description or "").strip()
    if not description:
        raise InvalidInput(DESCRIPTION_NEEDED, field="description")
    return OmbudsmanInformationRequest.objects.create(
        referral=referral, requested_on=requested_on, due_on=due_on, description=description
    )


@transaction.atomic
def ombudsman_information_sent(
    *, request: OmbudsmanInformationRequest, sent_on: date, actor: Any
) -> OmbudsmanInformationRequest:
    _not_future(sent_on, "sent_on")
    request.sent_on = sent_on
    request.save(update_fields=["sent_on"])
    return request


@transaction.atomic
def ombudsman_finding_add(
    *, referral: OmbudsmanReferral, element: str, finding: str, determined_on: date, actor: Any
) -> OmbudsmanFinding:
    """The Ombudsman's finding on one element of the complaint."""
    element = (element or "").strip()
    if not element:
        raise InvalidInput(ELEMENT_NEEDED, field="element")
    if finding not in Finding.values:
        raise InvalidInput(UNKNOWN_FINDING, field="finding")
    _not_future(determined_on, "determined_on")
    return OmbudsmanFinding.objects.create(
        referral=referral, element=element, finding=finding, determined_on=determined_on
    )


@transaction.atomic
def ombudsman_code_finding_add(
    *, referral: OmbudsmanReferral, provisions: str, description: str, found_on: date, actor: Any
) -> OmbudsmanCodeFinding:
    """The Ombudsman found the landlord did not comply with the Code (reported under 8.1c)."""
    provisions = (provisions or "").strip()
    if not provisions:
        raise InvalidInput(PROVISIONS_NEEDED, field="provisions")
    description = (description or "").strip()
    if not description:
        raise InvalidInput(DESCRIPTION_NEEDED, field="description")
    _not_future(found_on, "found_on")
    return OmbudsmanCodeFinding.objects.create(
        referral=referral,
        provisions=provisions,
        description=description,
        found_on=found_on,
        recorded_by=actor,
    )


@transaction.atomic
def ombudsman_order_add(
    *, referral: OmbudsmanReferral, kind: str, description: str, due_on: date, actor: Any
) -> OmbudsmanOrder:
    """An order or recommendation with its compliance deadline."""
    if kind not in OrderKind.values:
        raise InvalidInput(UNKNOWN_KIND, field="kind")
    description = (description or "").strip()
    if not description:
        raise InvalidInput(DESCRIPTION_NEEDED, field="description")
    return OmbudsmanOrder.objects.create(
        referral=referral, kind=kind, description=description, due_on=due_on
    )


@transaction.atomic
def ombudsman_order_complete(
    *, order: OmbudsmanOrder, completed_on: date, evidence: str, actor: Any
) -> OmbudsmanOrder:
    """Record compliance with an order and the evidence sent to the Ombudsman."""
    _not_future(completed_on, "completed_on")
    evidence = (evidence or "").strip()
    if not evidence:
        raise InvalidInput(EVIDENCE_NEEDED, field="evidence")
    order.completed_on = completed_on
    order.evidence = evidence
    order.save(update_fields=["completed_on", "evidence"])
    return order
