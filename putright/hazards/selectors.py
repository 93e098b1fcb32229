"""Queries and clocks for hazard reports."""

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from putright.complaints.calendar import landlord_history
from putright.core.clock import now as clock_now
from putright.hazards.constants import AssessmentChoice
from putright.hazards.models import HazardReport
from putright.rules.calendar import CalendarHistory, add_working_days
from putright.rules.hazards import (
    CLOCK_LABELS,
    DUE_SOON_WORKING_DAYS,
    EMERGENCY_HOURS,
    FURTHER_WORK_BEGIN_LIMIT,
    FURTHER_WORK_START_WEEKS,
    SAFETY_WORK_LIMIT,
    Assessment,
    Clock,
    ClockKey,
    ClockStatus,
    HazardFacts,
    clocks,
    get_hazard,
    vulnerability_prompt,
)

OPEN_STATUSES = frozenset({ClockStatus.ON_TRACK, ClockStatus.DUE_SOON, ClockStatus.OVERDUE})


def _local(moment: datetime | None) -> datetime | None:
    return timezone.localtime(moment) if moment is not None else None


def facts_of(report: HazardReport) -> HazardFacts:
    """The rules' view of a report, in local time (working days count local dates)."""
    return HazardFacts(
        aware_at=timezone.localtime(report.aware_at),
        assessment=Assessment(report.assessment),
        investigation_concluded_at=_local(report.investigation_concluded_at),
        hazard_found=report.hazard_found,
        summary_sent_on=report.summary_sent_on,
        safety_work_done_at=_local(report.safety_work_done_at),
        further_work_needed=report.further_work_needed,
        further_work_begun_on=report.further_work_begun_on,
        further_work_started_on=report.further_work_started_on,
        decanted_at=_local(report.decanted_at),
        consent_refused_at=_local(report.consent_refused_at),
        cleared_at=_local(report.cleared_at),
        accommodation_offered=bool(report.accommodation),
    )


def clocks_for(
    report: HazardReport,
    *,
    now: datetime | None = None,
    history: CalendarHistory | None = None,
) -> tuple[Clock, ...]:
    """The report's clocks now, each counted with the landlord's calendar as it stood when
    its result settled (``landlord_history``, the one calendar rule of the Code's clocks)."""
    moment = timezone.localtime(now or clock_now())
    return clocks(
        facts_of(report),
        now=moment,
        today=moment.date(),
        history=history or landlord_history(),
    )


def due_moment(clock: Clock) -> datetime | None:
    """When a clock falls due as one moment: a 24-hour clock's own, or the end of a
    working-day clock's local day."""
    if clock.due_at is not None:
        return clock.due_at
    if clock.due_on is not None:
        return timezone.make_aware(datetime.combine(clock.due_on, time.max))
    return None


def next_due_at(report: HazardReport, *, history: CalendarHistory | None = None) -> datetime | None:
    """The earliest moment a running clock falls due (None when none runs): stored on the
    report by every step, so the queue and dashboard filter without counting clocks."""
    moments = [
        moment
        for c in clocks_for(report, history=history)
        if c.status in OPEN_STATUSES and (moment := due_moment(c)) is not None
    ]
    return min(moments) if moments else None


def due_by(*, now: datetime | None = None) -> datetime:
    """The end of the "due" window: the end of the working day `DUE_SOON_WORKING_DAYS` from
    today (the rules' due-soon for working-day clocks; every 24-hour clock falls inside it)."""
    moment = timezone.localtime(now or clock_now())
    on = add_working_days(
        moment.date(), DUE_SOON_WORKING_DAYS, calendar=landlord_history().as_of(moment.date())
    )
    return timezone.make_aware(datetime.combine(on, time.max))


def running_reports(*, when: str, now: datetime | None = None) -> QuerySet[HazardReport]:
    """Reports with a clock running ("open"), one due within the window ("due", not yet
    overdue), or one overdue ("overdue"), from the stored ``next_due_at``."""
    moment = now or clock_now()
    qs = HazardReport.objects.filter(next_due_at__isnull=False)
    if when == "overdue":
        return qs.filter(next_due_at__lt=moment)
    if when == "due":
        return qs.filter(next_due_at__gte=moment, next_due_at__lte=due_by(now=moment))
    return qs


@dataclass
class ReportRow:
    report: HazardReport
    clocks: tuple[Clock, ...]

    @property
    def open_clocks(self) -> list[Clock]:
        return [c for c in self.clocks if c.status in OPEN_STATUSES]

    @property
    def overdue(self) -> bool:
        return any(c.status == ClockStatus.OVERDUE for c in self.clocks)

    @property
    def next_clock(self) -> Clock | None:
        open_ = self.open_clocks
        overdue = [c for c in open_ if c.status == ClockStatus.OVERDUE]
        return (overdue or open_ or [None])[0]


def reports() -> QuerySet[HazardReport]:
    return HazardReport.objects.select_related("complaint", "resident")


def raised_from(source_ref: str) -> list[HazardReport]:
    """The reports an app above raised from one of its records (``"intake_item:5"``)."""
    return list(HazardReport.objects.filter(source_ref=source_ref))


def steps_still_open(report: HazardReport) -> set[str]:
    """The steps the report page offers: those the services would accept now (an investigation
    or summary not yet recorded, work only where the investigation found a hazard — safety
    work on an emergency at any time —, accommodation and the stop facts always)."""
    investigated = report.investigation_concluded_at is not None
    found = investigated and bool(report.hazard_found)
    open_: set[str] = {"accommodation"}
    if None in (report.decanted_at, report.consent_refused_at, report.cleared_at):
        open_.add("stop")
    if not investigated:
        open_.add("investigation")
    elif report.summary_sent_on is None:
        open_.add("summary")
    if report.safety_work_done_at is None and (
        found or (report.assessment == AssessmentChoice.EMERGENCY and not investigated)
    ):
        open_.add("safety_work")
    if found and report.further_work_started_on is None:
        open_.add("further_work")
    return open_


def report_detail(pk: int) -> HazardReport:
    return reports().prefetch_related("steps__actor").get(pk=pk)


def handled_by(user: Any) -> Q:
    """The reports a member of staff handles: those on the complaints they handle, and those
    with no complaint that they raised (a report on its own is its raiser's to follow)."""
    return Q(complaint__handler=user) | Q(complaint__isnull=True, raised_by=user)


def hazard_list(*, show: str = "open", mine: Any = None) -> list[ReportRow]:
    """Reports with their clocks, overdue first: "open" (a clock running), "due" (within the
    due window), "overdue", or "all" (the latest 500); with `mine`, only those that member of
    staff handles (``handled_by``)."""
    history = landlord_history()
    now = clock_now()
    if show in {"open", "due", "overdue"}:
        ids = running_reports(when=show, now=now).values("pk")
        qs = reports().filter(pk__in=ids)
    else:
        qs = reports().exclude(assessment=AssessmentChoice.NOT)
    if mine is not None:
        qs = qs.filter(handled_by(mine))
    rows = [ReportRow(r, clocks_for(r, now=now, history=history)) for r in qs[:500]]
    rows.sort(key=lambda row: (not row.overdue, row.report.aware_at))
    return rows


def complaint_rows(complaint_id: int) -> list[ReportRow]:
    history = landlord_history()
    return [
        ReportRow(r, clocks_for(r, history=history))
        for r in HazardReport.objects.filter(complaint_id=complaint_id)
    ]


def complaints_with_open_hazards() -> QuerySet[HazardReport]:
    """Reports whose investigation, summary or work is still to do (a cheap, clock-free test
    for the work queue's hazard filter)."""
    return HazardReport.objects.exclude(assessment=AssessmentChoice.NOT).filter(
        Q(investigation_concluded_at__isnull=True)
        | Q(summary_sent_on__isnull=True, assessment=AssessmentChoice.SIGNIFICANT)
        | Q(hazard_found=True, safety_work_done_at__isnull=True)
    )


def due_summary(report: HazardReport) -> dict[str, Any]:
    """What the written summary tells the resident: findings, the work and its timescales."""
    by_key = {c.key: c for c in clocks_for(report)}
    work = []
    if report.hazard_found:
        safety = by_key.get(ClockKey.SAFETY_WORK) or by_key.get(ClockKey.EMERGENCY_SAFETY)
        if safety is not None:
            due = safety.due_on or (safety.due_at and timezone.localtime(safety.due_at).date())
            timescale = (
                f"within {EMERGENCY_HOURS} hours of us becoming aware of it"
                if safety.key == ClockKey.EMERGENCY_SAFETY
                else f"within {SAFETY_WORK_LIMIT} working days of the investigation"
            )
            work.append(
                {
                    "what": "Safety work to make your home safe",
                    "timescale": timescale,
                    "due_on": due.isoformat() if due else None,
                }
            )
        if report.further_work_needed:
            begin = by_key.get(ClockKey.FURTHER_WORK_BEGIN)
            start = by_key.get(ClockKey.FURTHER_WORK_START)
            work.append(
                {
                    "what": "Further work to stop the hazard coming back",
                    "timescale": (
                        f"begin within {FURTHER_WORK_BEGIN_LIMIT} working days and physically "
                        f"start within {FURTHER_WORK_START_WEEKS} weeks of the investigation"
                    ),
                    "due_on": start.due_on.isoformat() if start and start.due_on else None,
                    "begin_by": begin.due_on.isoformat() if begin and begin.due_on else None,
                }
            )
    return {
        "hazard_label": get_hazard(report.hazard).label,
        "findings": report.findings,
        "hazard_found": bool(report.hazard_found),
        "investigator": report.investigator,
        "concluded_on": timezone.localtime(report.investigation_concluded_at).date().isoformat()
        if report.investigation_concluded_at
        else None,
        "work": work,
    }


# Compliance buckets per clock: finished in time, finished late, still running, stopped.
BUCKETS = {
    ClockStatus.MET: "met",
    ClockStatus.MISSED: "missed",
    ClockStatus.ON_TRACK: "open",
    ClockStatus.DUE_SOON: "open",
    ClockStatus.OVERDUE: "open",
    ClockStatus.STOPPED: "stopped",
}


@dataclass
class ComplianceRow:
    key: ClockKey
    label: str
    met: int = 0
    missed: int = 0
    open: int = 0
    overdue: int = 0
    stopped: int = 0

    @property
    def decided(self) -> int:
        return self.met + self.missed

    @property
    def met_percent(self) -> int | None:
        return round(100 * self.met / self.decided) if self.decided else None


def compliance(
    *, start: date, end: date, clock: str = "", bucket: str = ""
) -> tuple[list[ComplianceRow], list[tuple[HazardReport, Clock]]]:
    """Each clock's met / missed / open (of which overdue) / stopped counts for reports the
    landlord became aware of between `start` and `end` (local dates, inclusive); with `clock`
    and `bucket`, also the reports in that cell (the drill-down)."""
    history = landlord_history()
    now = clock_now()
    rows = {key: ComplianceRow(key, label) for key, label in CLOCK_LABELS.items()}
    drill: list[tuple[HazardReport, Clock]] = []
    qs = (
        reports()
        .exclude(assessment=AssessmentChoice.NOT)
        .filter(aware_at__date__gte=start, aware_at__date__lte=end)
        .order_by("aware_at", "id")
    )
    for report in qs:
        for c in clocks_for(report, now=now, history=history):
            name = BUCKETS.get(c.status)
            if name is None:
                continue
            row = rows[c.key]
            setattr(row, name, getattr(row, name) + 1)
            if c.status == ClockStatus.OVERDUE:
                row.overdue += 1
            in_cell = bucket == name or (bucket == "overdue" and c.status == ClockStatus.OVERDUE)
            if c.key == clock and in_cell:
                drill.append((report, c))
    return list(rows.values()), drill


def vulnerability_prompt_for(report: HazardReport) -> str | None:
    """The prompt to consider the emergency assessment, shown on the report until the
    investigation has said what the hazard is (`rules.hazards.vulnerability_prompt`)."""
    if report.investigation_concluded_at is not None:
        return None
    return vulnerability_prompt(report.vulnerabilities, report.assessment)
