"""Every change to a hazard report: one function per step, locked, one record entry each.

A report linked to a complaint also writes each step to the complaint's case record
(``hazard.*`` events), which is how the letters app hears that a written summary is due.
"""

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from putright.complaints.models import Complaint
from putright.complaints.services.common import lock_complaint, record_event
from putright.core.clock import now as clock_now
from putright.core.errors import AlreadyDone, InvalidInput, RuleBroken
from putright.core.validation import require_text
from putright.hazards import events
from putright.hazards.constants import (
    HAZARD_CHOICES,
    Accommodation,
    AssessmentChoice,
    Source,
    StepKind,
    StopReason,
)
from putright.hazards.models import HazardReport, HazardStep
from putright.hazards.selectors import due_summary, next_due_at
from putright.people.models import Resident
from putright.rules.hazards import assessment_refusal, get_hazard, vulnerability_prompt

UNKNOWN_HAZARD = "Choose the hazard from the HHSRS list."
UNKNOWN_ASSESSMENT = "Choose emergency, significant or neither."
UNKNOWN_SOURCE = "Choose how the landlord became aware."
AWARE_IN_FUTURE = "The moment the landlord became aware cannot be in the future."
AWARE_TOO_EARLY = "The moment the landlord became aware must be in 2000 or later."
EARLIEST_AWARE_YEAR = 2000
WHEN_IN_FUTURE = "This cannot be in the future."
BEFORE_AWARE = "This cannot be before the landlord became aware of the hazard."
BEFORE_INVESTIGATION = "This cannot be before the investigation concluded."
NEEDS_HOME = "Link a complaint or a resident, or give the address of the home."
ALREADY_INVESTIGATED = "The investigation is already recorded."
NOT_INVESTIGATED = "Record the investigation first: its findings go into the summary."
ALREADY_SUMMARISED = "The written summary is already recorded as sent."
NO_HAZARD_FOUND = "The investigation found no hazard, so there is no safety or further work."
ALREADY_MADE_SAFE = "The safety work is already recorded."
FURTHER_WORK_EMPTY = "Give the day further work began or physically started."
STARTED_BEFORE_BEGUN = "Work cannot physically start before it began."
UNKNOWN_ACCOMMODATION = "Choose whether accommodation was offered, accepted or refused."
UNKNOWN_STOP = "Choose why the clock stopped."
CONSENT_NEEDS_STEPS = "Record the reasonable steps taken to obtain consent."
_HAZARD_CODES = frozenset(code for code, _ in HAZARD_CHOICES)
HAZARD_FOUND_REQUIRED = "Say whether the investigation found a hazard."
VULNERABLE_NOTED = (
    "Vulnerable occupiers recorded: prompted to consider the emergency assessment (24 hours)."
)


def _aware(moment: datetime, field: str, *, after: datetime | None, message: str) -> datetime:
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment > clock_now():
        raise InvalidInput(WHEN_IN_FUTURE, field=field)
    if after is not None and moment < after:
        raise InvalidInput(message, field=field)
    return moment


def _day(value: date, field: str, *, after: date | None, message: str) -> date:
    if value > timezone.localdate():
        raise InvalidInput(WHEN_IN_FUTURE, field=field)
    if after is not None and value < after:
        raise InvalidInput(message, field=field)
    return value


def _lock(report: HazardReport) -> HazardReport:
    """Lock the complaint first (one lock order with the complaint services), then the report."""
    if report.complaint_id:
        lock_complaint(report.complaint)
    report.refresh_from_db(from_queryset=HazardReport.objects.select_for_update())
    return report


def _record(
    report: HazardReport, kind: StepKind, code: str, summary: str, *, actor: Any, data: dict
) -> HazardStep:
    step = HazardStep.objects.create(
        report=report,
        kind=kind,
        summary=summary[:300],
        data=data,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    report.next_due_at = next_due_at(report)
    report.save(update_fields=["next_due_at"])
    if report.complaint_id:
        record_event(
            report.complaint,
            f"hazard.{code}",
            summary,
            actor=actor,
            data={"hazard_report": report.pk, "hazard": report.hazard, **data},
        )
    else:
        events.publish(f"hazard.{code}", step)  # no case record: the apps above hear it here
    return step


@transaction.atomic
def hazard_report_raise(
    *,
    aware_at: datetime,
    source: str,
    told_by: str,
    hazard: str,
    description: str,
    assessment: str,
    actor: Any,
    complaint: Complaint | None = None,
    resident: Resident | None = None,
    address: str = "",
    occupiers: str = "",
    vulnerabilities: str = "",
    source_ref: str = "",
) -> HazardReport:
    """Record that the landlord has become aware of a possible hazard: the clocks start.

    The one door for raising a report, from wherever the landlord became aware: a complaint
    (`complaint`), a service request (``source="service_request"``,
    ``source_ref="service_request:<pk>"``, the resident), an intake item (``source="intake"``,
    ``source_ref="intake_item:<pk>"``), directly (a resident or an address), or an import.
    `source_ref` names the record it came from in the app that raised it; the hazards app
    never reads it.
    """
    if hazard not in _HAZARD_CODES:
        raise InvalidInput(UNKNOWN_HAZARD, field="hazard")
    if assessment not in AssessmentChoice.values:
        raise InvalidInput(UNKNOWN_ASSESSMENT, field="assessment")
    if source not in Source.values:
        raise InvalidInput(UNKNOWN_SOURCE, field="source")
    told_by = require_text(told_by, "told_by")
    description = require_text(description, "description")
    if timezone.is_naive(aware_at):
        aware_at = timezone.make_aware(aware_at)
    if aware_at > clock_now():
        raise InvalidInput(AWARE_IN_FUTURE, field="aware_at")
    if aware_at.year < EARLIEST_AWARE_YEAR:  # a typo, not history (and no 19th-century offsets)
        raise InvalidInput(AWARE_TOO_EARLY, field="aware_at")
    refusal = assessment_refusal(hazard, assessment, timezone.localtime(aware_at).date())
    if refusal is not None:
        raise InvalidInput(refusal, field="assessment")
    if complaint is not None:
        complaint = lock_complaint(complaint)
        resident = resident or complaint.resident
        address = address or str(complaint.home or "")
    if resident is None and not address.strip():
        raise InvalidInput(NEEDS_HOME, field="address")
    report = HazardReport.objects.create(
        complaint=complaint,
        resident=resident,
        address=address.strip()[:300] or str(getattr(resident, "home", "") or "")[:300],
        aware_at=aware_at,
        source=source,
        source_ref=source_ref.strip()[:80],
        told_by=told_by,
        hazard=hazard,
        description=description,
        occupiers=occupiers.strip(),
        vulnerabilities=vulnerabilities.strip(),
        assessment=assessment,
        raised_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    label = get_hazard(hazard).label
    data = {"assessment": assessment, "aware_at": aware_at.isoformat(), "told_by": told_by}
    if report.source_ref:
        data["source_ref"] = report.source_ref
    summary = (
        f"Hazard report: {label} ({report.get_assessment_display().lower()}), "
        f"aware {timezone.localtime(aware_at):%d %b %Y %H:%M}"
    )
    if vulnerability_prompt(report.vulnerabilities, assessment) is not None:
        # The pages show the prompt from the same rule; the record notes that it was given
        # (not the vulnerabilities themselves: they stay on the report, which retention clears).
        data["vulnerability_prompt"] = True
        summary += ". " + VULNERABLE_NOTED
    _record(report, StepKind.RAISED, "raised", summary, actor=actor, data=data)
    return report


@transaction.atomic
def hazard_investigation_record(
    *,
    report: HazardReport,
    investigator: str,
    concluded_at: datetime,
    findings: str,
    hazard_found: bool | None,
    further_work_needed: bool,
    actor: Any,
) -> HazardReport:
    """Record the competent investigator's conclusion: the summary and work clocks start."""
    report = _lock(report)
    if report.investigation_concluded_at is not None:
        raise AlreadyDone(ALREADY_INVESTIGATED)
    investigator = require_text(investigator, "investigator")
    findings = require_text(findings, "findings")
    if hazard_found is None:
        raise InvalidInput(HAZARD_FOUND_REQUIRED, field="hazard_found")
    concluded_at = _aware(concluded_at, "concluded_at", after=report.aware_at, message=BEFORE_AWARE)
    report.investigator = investigator
    report.investigation_concluded_at = concluded_at
    report.findings = findings
    report.hazard_found = hazard_found
    report.further_work_needed = bool(hazard_found and further_work_needed)
    report.save(
        update_fields=[
            "investigator",
            "investigation_concluded_at",
            "findings",
            "hazard_found",
            "further_work_needed",
        ]
    )
    found = "a hazard was found" if hazard_found else "no hazard was found"
    _record(
        report,
        StepKind.INVESTIGATION,
        "investigated",
        f"Hazard investigation concluded by {investigator}: {found}",
        actor=actor,
        data={
            "investigator": investigator,
            "concluded_at": concluded_at.isoformat(),
            "hazard_found": hazard_found,
            "further_work_needed": report.further_work_needed,
        },
    )
    return report


@transaction.atomic
def hazard_summary_record(*, report: HazardReport, sent_on: date, actor: Any) -> HazardReport:
    """Record the written summary of the investigation (the letters app writes the letter)."""
    report = _lock(report)
    if report.summary_sent_on is not None:
        raise AlreadyDone(ALREADY_SUMMARISED)
    if report.investigation_concluded_at is None:
        raise RuleBroken(NOT_INVESTIGATED, field="sent_on")
    concluded_on = timezone.localtime(report.investigation_concluded_at).date()
    sent_on = _day(sent_on, "sent_on", after=concluded_on, message=BEFORE_INVESTIGATION)
    report.summary_sent_on = sent_on
    report.save(update_fields=["summary_sent_on"])
    # Everything the summary letter says, so the letters app never reads this app's models.
    _record(
        report,
        StepKind.SUMMARY,
        "summary_sent",
        "Written summary of the hazard investigation sent",
        actor=actor,
        data={"sent_on": sent_on.isoformat(), **due_summary(report)},
    )
    return report


def _require_hazard_found(report: HazardReport, field: str) -> None:
    if report.investigation_concluded_at is None:
        raise RuleBroken(NOT_INVESTIGATED, field=field)
    if not report.hazard_found:
        raise RuleBroken(NO_HAZARD_FOUND, field=field)


@transaction.atomic
def hazard_safety_work_record(
    *, report: HazardReport, done_at: datetime, detail: str, actor: Any
) -> HazardReport:
    """Record that the home was made safe (emergency or significant safety work)."""
    report = _lock(report)
    if report.safety_work_done_at is not None:
        raise AlreadyDone(ALREADY_MADE_SAFE)
    # An emergency can be made safe before the investigation is written up; a significant
    # hazard's safety work follows the finding.
    if report.assessment != AssessmentChoice.EMERGENCY:
        _require_hazard_found(report, "done_at")
    detail = require_text(detail, "detail")
    done_at = _aware(done_at, "done_at", after=report.aware_at, message=BEFORE_AWARE)
    report.safety_work_done_at = done_at
    report.safety_work = detail
    report.save(update_fields=["safety_work_done_at", "safety_work"])
    _record(
        report,
        StepKind.SAFETY_WORK,
        "made_safe",
        f"Safety work done: {detail}",
        actor=actor,
        data={"done_at": done_at.isoformat()},
    )
    return report


@transaction.atomic
def hazard_further_work_record(
    *,
    report: HazardReport,
    detail: str,
    actor: Any,
    begun_on: date | None = None,
    started_on: date | None = None,
) -> HazardReport:
    """Record that further (preventive) work began, or physically started."""
    report = _lock(report)
    _require_hazard_found(report, "begun_on")
    if begun_on is None and started_on is None:
        raise InvalidInput(FURTHER_WORK_EMPTY, field="begun_on")
    detail = require_text(detail, "detail")
    concluded_on = timezone.localtime(report.investigation_concluded_at).date()
    fields = ["further_work", "further_work_needed"]
    if begun_on is not None:
        report.further_work_begun_on = _day(
            begun_on, "begun_on", after=concluded_on, message=BEFORE_INVESTIGATION
        )
        fields.append("further_work_begun_on")
    if started_on is not None:
        begun = report.further_work_begun_on or concluded_on
        report.further_work_started_on = _day(
            started_on, "started_on", after=begun, message=STARTED_BEFORE_BEGUN
        )
        fields.append("further_work_started_on")
    report.further_work = detail
    report.further_work_needed = True
    report.save(update_fields=fields)
    _record(
        report,
        StepKind.FURTHER_WORK,
        "further_work",
        f"Further work: {detail}",
        actor=actor,
        data={
            "begun_on": begun_on.isoformat() if begun_on else None,
            "started_on": started_on.isoformat() if started_on else None,
        },
    )
    return report


@transaction.atomic
def hazard_accommodation_record(
    *, report: HazardReport, outcome: str, at: datetime, actor: Any
) -> HazardReport:
    """Record suitable alternative accommodation offered, accepted (a decant) or refused."""
    report = _lock(report)
    if outcome not in {Accommodation.OFFERED, Accommodation.ACCEPTED, Accommodation.REFUSED}:
        raise InvalidInput(UNKNOWN_ACCOMMODATION, field="outcome")
    at = _aware(at, "at", after=report.aware_at, message=BEFORE_AWARE)
    report.accommodation = outcome
    fields = ["accommodation"]
    if outcome == Accommodation.ACCEPTED and report.decanted_at is None:
        report.decanted_at = at  # the household moving out stops the work clocks
        fields.append("decanted_at")
    report.save(update_fields=fields)
    _record(
        report,
        StepKind.ACCOMMODATION,
        "accommodation",
        f"Alternative accommodation: {Accommodation(outcome).label.lower()}",
        actor=actor,
        data={"outcome": outcome, "at": at.isoformat()},
    )
    return report


_STOP_FIELDS = {
    StopReason.DECANTED: "decanted_at",
    StopReason.CONSENT_REFUSED: "consent_refused_at",
    StopReason.CLEARED: "cleared_at",
}


@transaction.atomic
def hazard_clock_stop(
    *, report: HazardReport, reason: str, at: datetime, steps: str, actor: Any
) -> HazardReport:
    """Record a fact that stops the work clocks: a decant, consent refused after all
    reasonable steps, or a further investigation finding no hazard or no work needed (Regs
    2025; see ``rules.hazards.STOP_CITATION``)."""
    report = _lock(report)
    if reason not in StopReason.values:
        raise InvalidInput(UNKNOWN_STOP, field="reason")
    if reason == StopReason.CONSENT_REFUSED and not steps.strip():
        raise InvalidInput(CONSENT_NEEDS_STEPS, field="steps")
    at = _aware(at, "at", after=report.aware_at, message=BEFORE_AWARE)
    field = _STOP_FIELDS[StopReason(reason)]
    if getattr(report, field) is not None:
        raise AlreadyDone(f"Already recorded: {StopReason(reason).label.lower()}.")
    setattr(report, field, at)
    report.save(update_fields=[field])
    _record(
        report,
        StepKind.STOP,
        "clock_stopped",
        f"Hazard clocks stopped: {StopReason(reason).label.lower()}",
        actor=actor,
        data={"reason": reason, "at": at.isoformat(), "steps": steps.strip()},
    )
    return report


@transaction.atomic
def hazard_letter_record(
    *, report: HazardReport, summary: str, data: dict[str, Any], actor: Any = None
) -> HazardStep:
    """Record on a report with no complaint what happened to a letter about it (issued, or
    not produced and why): its own record, as the case record does for a linked report."""
    report = _lock(report)
    return HazardStep.objects.create(
        report=report,
        kind=StepKind.LETTER,
        summary=summary[:300],
        data=data,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )


__all__ = [
    "hazard_accommodation_record",
    "hazard_clock_stop",
    "hazard_further_work_record",
    "hazard_investigation_record",
    "hazard_letter_record",
    "hazard_report_raise",
    "hazard_safety_work_record",
    "hazard_summary_record",
]


def hazard_next_due_refresh() -> int:
    """Recount each running report's stored next due moment (a closure recorded or withdrawn
    since its last step moves an open working-day clock); each report locked on its own, so a
    step recorded meanwhile is never overwritten. Idempotent: returns how many changed."""
    changed = 0
    for pk in HazardReport.objects.filter(next_due_at__isnull=False).values_list("pk", flat=True):
        with transaction.atomic():
            report = HazardReport.objects.select_for_update().get(pk=pk)
            moment = next_due_at(report)
            if moment != report.next_due_at:
                report.next_due_at = moment
                report.save(update_fields=["next_due_at"])
                changed += 1
    return changed
