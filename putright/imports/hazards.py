"""The optional ``Hazards`` sheet: open (and finished) Awaab's Law hazard cases from the old
system, checked row by row, then replayed through the hazards services with their real dates.

Each row is keyed by its old reference (``source_ref = "import:<hazard_reference>"``): the same
file again changes nothing, and a corrected file with later steps (the investigation has now
concluded, the summary went out) adds those steps. A step already recorded is never changed.
Like the complaints, the rows are replayed inside ``replaying_history()``: no summary letter
goes out for history (it went out from the old system).
"""

from collections.abc import Container
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db import transaction
from django.utils import timezone

from putright.core.errors import ComplaintError
from putright.hazards import services as hazard_services
from putright.hazards.constants import (
    HAZARD_CHOICES,
    Accommodation,
    AssessmentChoice,
    Source,
    StopReason,
)
from putright.hazards.models import HazardReport
from putright.imports.checks import MISSING, _key, _parse_date
from putright.imports.columns import HAZARD_COLUMNS, HAZARD_SHEET
from putright.imports.models import ImportedComplaint, ImportedResident
from putright.imports.parser import RawRow, Table
from putright.imports.plans import Issue

NOT_A_MOMENT = "'{value}' is not a date and time: write it as 2025-11-03 09:30 (or a date)."
IN_FUTURE = "'{value}' is in the future."
UNKNOWN_VALUE = "Unknown {what} '{value}': use one of {known}."
NOT_YES_NO = "Write yes or no."
BEFORE = "{what} ({value}) is dated before {other} ({other_value})."
NEEDS_INVESTIGATION = "{what} needs the investigation (investigation_concluded_at)."
NEEDS_FOUND = "Say whether the investigation found a hazard (hazard_found: yes or no)."
NO_HOME = "Give the complaint (legacy_reference), the resident (resident_id) or the address."
UNKNOWN_COMPLAINT = "No complaint with the reference '{value}' in this file or already imported."
UNKNOWN_RESIDENT = "No resident with the id '{value}' has been imported."
DUPLICATE = "The hazard reference '{value}' is also on row {other}: each case appears once."
REFUSED = "PutRight refused this hazard step ({step}): {message}"
_DEFAULT_HOUR = time(9)  # a bare date: 09:00 that day

_HAZARDS = {
    _key(k): code for code, label in HAZARD_CHOICES for k in (code, label.split(". ", 1)[-1])
}
_ASSESSMENTS = {_key(k): code for code, label in AssessmentChoice.choices for k in (code,)}
_ASSESSMENTS.update({"emergency hazard": "emergency", "significant hazard": "significant"})
_SOURCES = {_key(k): code for code, label in Source.choices for k in (code, label)}
_ACCOMMODATION = {
    _key(c): c.value for c in (Accommodation.OFFERED, Accommodation.ACCEPTED, Accommodation.REFUSED)
}
_STOPS = {_key(c): c for c in StopReason.values}
_STOP_FIELDS = {
    StopReason.DECANTED: "decanted_at",
    StopReason.CONSENT_REFUSED: "consent_refused_at",
    StopReason.CLEARED: "cleared_at",
}


def _moment(value: str) -> datetime | None:
    text = value.strip().replace("T", " ")
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M"):
        try:
            return timezone.make_aware(datetime.strptime(text, fmt))  # noqa: DTZ007 local time
        except ValueError:
            continue
    day = _parse_date(text)
    return timezone.make_aware(datetime.combine(day, _DEFAULT_HOUR)) if day else None


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "y": True, "true": True, "no": False, "n": False, "false": False}.get(
        value.strip().lower()
    )


@dataclass
class HazardPlan:
    row: int
    reference: str
    values: dict[str, str]
    aware_at: datetime
    hazard: str
    assessment: str
    source: str
    concluded_at: datetime | None = None
    hazard_found: bool | None = None
    further_work_needed: bool = False
    summary_sent_on: date | None = None
    safety_done_at: datetime | None = None
    begun_on: date | None = None
    started_on: date | None = None
    accommodation: str = ""
    accommodation_at: datetime | None = None
    stopped: str = ""
    stopped_at: datetime | None = None


def check_hazard_row(
    raw: RawRow, known_complaints: Container[str]
) -> tuple[HazardPlan | None, list[Issue]]:
    """One row's problems, in plain words, or its plan."""
    v = raw.values
    issues: list[Issue] = []

    def problem(column: str, message: str) -> None:
        issues.append(Issue(raw.number, column, message, sheet=HAZARD_SHEET))

    for column in (c.name for c in HAZARD_COLUMNS if c.required):
        if not v.get(column):
            problem(column, MISSING)
    now = timezone.now()
    moments: dict[str, datetime | None] = {}
    for column in (
        "aware_at",
        "investigation_concluded_at",
        "safety_work_done_at",
        "accommodation_at",
        "stopped_at",
    ):
        if v.get(column):
            moments[column] = _moment(v[column])
            if moments[column] is None:
                problem(column, NOT_A_MOMENT.format(value=v[column]))
            elif moments[column] > now:  # type: ignore[operator]
                problem(column, IN_FUTURE.format(value=v[column]))
    days: dict[str, date | None] = {}
    for column in ("summary_sent_on", "further_work_begun_on", "further_work_started_on"):
        if v.get(column):
            days[column] = _parse_date(v[column])
            if days[column] is None:
                problem(column, NOT_A_MOMENT.format(value=v[column]))
            elif days[column] > timezone.localdate():  # type: ignore[operator]
                problem(column, IN_FUTURE.format(value=v[column]))
    hazard = _HAZARDS.get(_key(v.get("hazard", "")))
    if v.get("hazard") and hazard is None:
        problem(
            "hazard",
            UNKNOWN_VALUE.format(
                what="hazard",
                value=v["hazard"],
                known="the 29 HHSRS hazards (damp_mould, excess_cold, ...)",
            ),
        )
    assessment = _ASSESSMENTS.get(_key(v.get("assessment", "")))
    if v.get("assessment") and assessment is None:
        problem(
            "assessment",
            UNKNOWN_VALUE.format(
                what="assessment", value=v["assessment"], known="emergency, significant, not"
            ),
        )
    ref = v.get("legacy_reference", "")
    source = _SOURCES.get(_key(v.get("source", ""))) if v.get("source") else None
    if v.get("source") and source is None:
        problem(
            "source",
            UNKNOWN_VALUE.format(what="source", value=v["source"], known=", ".join(Source.values)),
        )
    if (
        ref
        and ref not in known_complaints
        and not ImportedComplaint.objects.filter(legacy_reference=ref).exists()
    ):
        problem("legacy_reference", UNKNOWN_COMPLAINT.format(value=ref))
    if not (ref or v.get("resident_id") or v.get("address")):
        problem("address", NO_HOME)
    found = None
    for column in ("hazard_found", "further_work_needed"):
        if v.get(column) and _yes_no(v[column]) is None:
            problem(column, NOT_YES_NO)
    if v.get("hazard_found"):
        found = _yes_no(v["hazard_found"])
    aware, concluded = moments.get("aware_at"), moments.get("investigation_concluded_at")
    if concluded is not None:
        if aware is not None and concluded < aware:
            problem(
                "investigation_concluded_at",
                BEFORE.format(
                    what="The investigation",
                    value=v["investigation_concluded_at"],
                    other="the landlord becoming aware",
                    other_value=v["aware_at"],
                ),
            )
        if found is None and not v.get("hazard_found"):
            problem("hazard_found", NEEDS_FOUND)
        for column in ("investigator", "findings"):
            if not v.get(column):
                problem(column, MISSING)
    else:
        for column, what in (
            ("summary_sent_on", "The written summary"),
            ("further_work_begun_on", "Further work"),
            ("further_work_started_on", "Further work"),
        ):
            if v.get(column):
                problem(column, NEEDS_INVESTIGATION.format(what=what))
    if moments.get("safety_work_done_at") and not v.get("safety_work"):
        problem("safety_work", MISSING)
    if (v.get("further_work_begun_on") or v.get("further_work_started_on")) and not v.get(
        "further_work"
    ):
        problem("further_work", MISSING)
    accommodation = _ACCOMMODATION.get(_key(v.get("accommodation", "")), "")
    if v.get("accommodation") and not accommodation:
        problem(
            "accommodation",
            UNKNOWN_VALUE.format(
                what="accommodation", value=v["accommodation"], known="offered, accepted, refused"
            ),
        )
    if v.get("accommodation") and not v.get("accommodation_at"):
        problem("accommodation_at", MISSING)
    stopped = _STOPS.get(_key(v.get("stopped", "")), "")
    if v.get("stopped") and not stopped:
        problem(
            "stopped",
            UNKNOWN_VALUE.format(
                what="stop", value=v["stopped"], known=", ".join(StopReason.values)
            ),
        )
    if v.get("stopped") and not v.get("stopped_at"):
        problem("stopped_at", MISSING)
    if stopped == StopReason.CONSENT_REFUSED and not v.get("consent_steps"):
        problem("consent_steps", MISSING)
    if issues:
        return None, issues
    return (
        HazardPlan(
            row=raw.number,
            reference=v["hazard_reference"],
            values=v,
            aware_at=aware,  # type: ignore[arg-type]
            hazard=hazard,  # type: ignore[arg-type]
            assessment=assessment,  # type: ignore[arg-type]
            source=source or (Source.COMPLAINT if ref else Source.OTHER),
            concluded_at=concluded,
            hazard_found=found,
            further_work_needed=bool(_yes_no(v.get("further_work_needed", "")) or False),
            summary_sent_on=days.get("summary_sent_on"),
            safety_done_at=moments.get("safety_work_done_at"),
            begun_on=days.get("further_work_begun_on"),
            started_on=days.get("further_work_started_on"),
            accommodation=accommodation,
            accommodation_at=moments.get("accommodation_at"),
            stopped=stopped,
            stopped_at=moments.get("stopped_at"),
        ),
        [],
    )


def check_hazards(table: Table, known_complaints: Container[str]) -> list[Issue]:
    """Every hazard row's problems (the sheet is optional: none when it is absent)."""
    issues: list[Issue] = []
    seen: dict[str, int] = {}
    for raw in table.hazards():
        _plan, found = check_hazard_row(raw, known_complaints)
        issues.extend(found)
        ref = raw.values.get("hazard_reference", "")
        if ref in seen:
            issues.append(
                Issue(
                    raw.number,
                    "hazard_reference",
                    DUPLICATE.format(value=ref, other=seen[ref]),
                    sheet=HAZARD_SHEET,
                )
            )
        elif ref:
            seen[ref] = raw.number
    return issues


def import_hazards(table: Table, runner: Any, *, skip: set[int]) -> tuple[int, list[Issue]]:
    """Replay each valid hazard row (each in its own savepoint); returns the rows that created or
    moved on a report, and the services' refusals."""
    changed, refusals = 0, []
    for raw in table.hazards():
        if raw.number in skip:
            continue
        plan, _problems = check_hazard_row(raw, set())
        if plan is None:  # its complaint row was invalid and skipped
            continue
        try:
            with transaction.atomic():
                changed += _replay(plan, runner)
        except _Refused as refused:
            refusals.append(Issue(plan.row, refused.step, refused.message, sheet=HAZARD_SHEET))
    return changed, refusals


class _Refused(Exception):
    def __init__(self, step: str, message: str) -> None:
        super().__init__(message)
        self.step, self.message = step, message


def _step(name: str, fn: Any, **kwargs: Any) -> HazardReport:
    try:
        return fn(**kwargs)
    except ComplaintError as exc:
        raise _Refused(name, REFUSED.format(step=name, message=exc.message)) from None


def _replay(plan: HazardPlan, runner: Any) -> int:
    """Raise the report if new, then each recorded step not yet on it: 1 if anything changed."""
    v = plan.values
    source_ref = f"import:{plan.reference}"[:80]
    report = HazardReport.objects.filter(source_ref=source_ref).first()
    changed = False
    if report is None:
        complaint = resident = None
        if v.get("legacy_reference"):
            mapping = (
                ImportedComplaint.objects.select_related("complaint")
                .filter(legacy_reference=v["legacy_reference"])
                .first()
            )
            complaint = mapping.complaint if mapping else None
        if v.get("resident_id"):
            found = (
                ImportedResident.objects.select_related("resident")
                .filter(legacy_id=v["resident_id"])
                .first()
            )
            if found is None:
                raise _Refused("resident_id", UNKNOWN_RESIDENT.format(value=v["resident_id"]))
            resident = found.resident
        report = _step(
            "raise",
            hazard_services.hazard_report_raise,
            aware_at=plan.aware_at,
            source=plan.source,
            source_ref=source_ref,
            told_by=v["told_by"],
            hazard=plan.hazard,
            description=v["description"],
            assessment=plan.assessment,
            complaint=complaint,
            resident=resident,
            address=v.get("address", ""),
            occupiers=v.get("occupiers", ""),
            vulnerabilities=v.get("vulnerabilities", ""),
            actor=runner,
        )
        changed = True
    if plan.concluded_at and report.investigation_concluded_at is None:
        report = _step(
            "investigation",
            hazard_services.hazard_investigation_record,
            report=report,
            investigator=v["investigator"],
            concluded_at=plan.concluded_at,
            findings=v["findings"],
            hazard_found=plan.hazard_found,
            further_work_needed=plan.further_work_needed,
            actor=runner,
        )
        changed = True
    if plan.safety_done_at and report.safety_work_done_at is None:
        report = _step(
            "safety work",
            hazard_services.hazard_safety_work_record,
            report=report,
            done_at=plan.safety_done_at,
            detail=v["safety_work"],
            actor=runner,
        )
        changed = True
    if plan.summary_sent_on and report.summary_sent_on is None:
        report = _step(
            "summary",
            hazard_services.hazard_summary_record,
            report=report,
            sent_on=plan.summary_sent_on,
            actor=runner,
        )
        changed = True
    begun = plan.begun_on if report.further_work_begun_on is None else None
    started = plan.started_on if report.further_work_started_on is None else None
    if begun or started:
        report = _step(
            "further work",
            hazard_services.hazard_further_work_record,
            report=report,
            begun_on=begun,
            started_on=started,
            detail=v["further_work"],
            actor=runner,
        )
        changed = True
    if plan.accommodation and plan.accommodation_at and report.accommodation != plan.accommodation:
        report = _step(
            "alternative accommodation",
            hazard_services.hazard_accommodation_record,
            report=report,
            outcome=plan.accommodation,
            at=plan.accommodation_at,
            actor=runner,
        )
        changed = True
    stop_field = _STOP_FIELDS.get(StopReason(plan.stopped)) if plan.stopped else None
    if stop_field and plan.stopped_at and getattr(report, stop_field) is None:
        report = _step(
            "clock stop",
            hazard_services.hazard_clock_stop,
            report=report,
            reason=plan.stopped,
            at=plan.stopped_at,
            steps=v.get("consent_steps", ""),
            actor=runner,
        )
        changed = True
    return int(changed)
