"""Receiving complaints, refusing them with evidence, and adding points (Code 1-2, 6.8)."""

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection, transaction

from putright.complaints import search
from putright.complaints.calendar import landlord_calendar
from putright.complaints.constants import PASSED_ON_CHANNELS, Channel
from putright.complaints.models import (
    Category,
    Complaint,
    ComplaintPoint,
    Exclusion,
    ReferenceCounter,
    Stage,
)
from putright.complaints.services.common import (
    CLOCK_FIELDS,
    current_stage,
    guard,
    hold_stage,
    lock_complaint,
    profile_for,
    record_event,
    refresh_next_due,
    resident_facts_set,
)
from putright.core import held
from putright.core.clock import today
from putright.core.errors import InvalidInput, RuleBroken
from putright.core.jsonrows import run_statement
from putright.core.profile import profile_code as code_in_force
from putright.core.validation import DATE_IN_FUTURE, require_past_or_today, require_text
from putright.people.models import Property, Resident
from putright.rules.clocks import pass_on_delay, within_time_limit
from putright.rules.exclusions import exclusion_gaps
from putright.rules.profile import get_profile
from putright.rules.workflow import Action, State

UNKNOWN_CHANNEL = "Choose how the complaint was made."
UNKNOWN_GROUND = "Choose a reason from the list."
EXCLUSION_NEEDS_REASONING = (
    "Explain, for this complaint, the evidence and reasoning for not accepting it (Code 2.1)."
)
DISCRETION_NOT_CONSIDERED = (
    "Record whether discretion was considered: the Code requires it for complaints made "
    "more than 12 months after the issue (Code 2.3)."
)
WITHIN_TIME_LIMIT = (
    "The complaint was made within 12 months of the issue or of the resident becoming aware "
    "of it, so the 12-month exclusion does not apply (Code 2.3)."
)
AWARE_BEFORE_ISSUE = "The resident cannot have become aware before the issue started."
NO_POINTS = "Give at least one point."
REINSTATE_NEEDS_REASON = "Say why the complaint is now accepted."
EXCLUSION_BEFORE_REQUEST = (
    "The decision cannot be dated before the complaint (or the escalation) was received."
)


@dataclass(frozen=True)
class ReceiveResult:
    complaint: Complaint
    passed_on_late_by: int  # working days beyond the pass-on limit; 0 when on time
    stage: Stage | None = None  # its first stage, as written


def _reserve_references(year: int, count: int) -> int:
    """Take the next `count` numbers of the year's counter, in the caller's transaction (so a
    rolled-back complaint leaves no gap); returns the last one taken. One statement, `UPDATE
    ... RETURNING`, in the common case: the row stays locked until the caller commits, so the
    caller takes it as late as it can."""
    number = _increment(year, count)
    if number is None:  # the year's first complaint
        ReferenceCounter.objects.get_or_create(year=year)
        number = _increment(year, count)
    if number is None:
        raise RuntimeError(f"no reference counter for {year}")
    return number


def _increment(year: int, count: int) -> int | None:
    table = connection.ops.quote_name(ReferenceCounter._meta.db_table)
    sql = f"UPDATE {table} SET last = last + %s WHERE year = %s RETURNING last"  # noqa: S608
    rows = run_statement("reference_counter", sql, [count, year])
    return rows[0][0] if rows else None


def _reference(year: int, number: int) -> str:
    return f"CMP-{year}-{number:06d}"


def _unnumbered() -> str:
    """What a live complaint's reference is from its INSERT until `_number_now` numbers it,
    in the same transaction: unique (the column is), never a reference's shape, and never
    seen by anyone else (it is replaced before the commit)."""
    return "~" + uuid.uuid4().hex[:19]


def _number_now(complaint: Complaint) -> None:
    """Number a live complaint already written, last of its rows but the search row (which
    holds the reference): the year's counter row stays locked from here until the commit,
    so every other create of the year waits for it, and the less of the transaction is left
    after it, the more creates a second (PostgreSQL: the waiters were most of the idle
    time; bench/README.md, held25). Taken in the complaint's transaction, so a rolled-back
    complaint still leaves no gap."""
    complaint.reference = _reference(
        complaint.received_on.year, _reserve_references(complaint.received_on.year, 1)
    )
    table = connection.ops.quote_name(Complaint._meta.db_table)
    sql = f"UPDATE {table} SET reference = %s WHERE id = %s"  # noqa: S608 - names from the model
    run_statement("complaint_numbered", sql, [complaint.reference, complaint.pk])


@held.before_insert("complaints.Complaint")
def _number_held_complaints(complaints: list[Complaint]) -> None:
    """One counter update per year for a chunk of held complaints, numbered in order."""
    by_year: dict[int, list[Complaint]] = {}
    for complaint in complaints:
        if not complaint.reference:
            by_year.setdefault(complaint.received_on.year, []).append(complaint)
    for year, group in by_year.items():
        last = _reserve_references(year, len(group))
        for number, complaint in enumerate(group, start=last - len(group) + 1):
            complaint.reference = _reference(year, number)


def _home_of(home: Property | None, resident: Resident) -> dict[str, Any]:
    """The complaint's home: the one given, else the resident's — the row itself when it is
    already in memory (an import's held home has an id only once written, and the writer
    takes it from the row then: ``core.held``), else by id, not read."""
    if home is not None:
        return {"home": home}
    if Resident.home.is_cached(resident):
        return {"home": resident.home}
    return {"home_id": resident.home_id}


@held.service
def complaint_receive(
    *,
    resident: Resident,
    channel: str,
    received_on: date,
    description: str,
    actor: Any,
    issue_started_on: date | None = None,
    became_aware_on: date | None = None,
    spoken_to: str = "",
    outcome_wanted: str = "",
    category: Category | None = None,
    home: Property | None = None,
    heard_by: str = "",
    linked_to: Complaint | None = None,
    profile_code: str | None = None,
    actor_label: str = "",
    logged_on: date | None = None,
) -> ReceiveResult:
    """Log a complaint from any channel; the clock starts the day anyone received it."""
    if channel not in Channel:
        raise InvalidInput(UNKNOWN_CHANNEL, field="channel")
    description = require_text(description, "description")
    require_past_or_today(received_on, "received_on")
    if issue_started_on:
        require_past_or_today(issue_started_on, "issue_started_on")
    if became_aware_on:
        require_past_or_today(became_aware_on, "became_aware_on")
        if issue_started_on and became_aware_on < issue_started_on:
            raise InvalidInput(AWARE_BEFORE_ISSUE, field="became_aware_on")
    profile = get_profile(profile_code or code_in_force())
    cal = landlord_calendar()
    logged_on = logged_on or today()
    delay = pass_on_delay(heard_on=received_on, logged_on=logged_on, calendar=cal)
    late_by = max(0, delay - profile.pass_on_working_days) if channel in PASSED_ON_CHANNELS else 0

    complaint = held.new(
        Complaint,
        profile_code=profile.code,
        resident=resident,
        **_home_of(home, resident),
        category=category,
        channel=channel,
        received_on=received_on,
        heard_by=heard_by.strip(),
        description=description,
        issue_started_on=issue_started_on,
        became_aware_on=became_aware_on,
        spoken_to=spoken_to.strip(),
        outcome_wanted=outcome_wanted.strip(),
        status=State.RECEIVED,
        current_stage=1,
        linked_to=linked_to,
        logged_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    stage = held.new(Stage, complaint=complaint, number=1, requested_on=received_on)
    refresh_next_due(complaint, stage)  # the deadlines, before anything is written
    held.before_write(resident_facts_set, [complaint])  # an import: once a chunk
    # Numbered once its rows are written (`_number_now`); an import's held complaints are
    # numbered as they are written (`_number_held_complaints`), in the order received.
    live = held.current() is None
    complaint.reference = _unnumbered() if live else ""
    held.save(complaint)  # live: one INSERT with the deadlines in it
    hold_stage(stage)
    record_event(
        complaint,
        "complaint.received",
        f"Complaint received by {Channel(channel).label.lower()}",
        actor=actor,
        actor_label=actor_label,
        stage=1,
        happened_on=received_on,
        data={
            "channel": channel,
            "received_on": received_on,
            "description": description,
            "issue_started_on": issue_started_on,
            "became_aware_on": became_aware_on,
            "spoken_to": complaint.spoken_to,
            "outcome_wanted": complaint.outcome_wanted,
            "heard_by": complaint.heard_by,
            "ack_due": stage.ack_due,
            "pass_on_working_days": delay,
            "passed_on_late_by": late_by,
            "linked_to": linked_to.reference if linked_to else None,
        },
    )
    if live:
        _number_now(complaint)
    # Live: one INSERT now; an import: its chunk's rows once written, from memory.
    held.after_write(search.index_new_rows, [complaint])
    return ReceiveResult(complaint=complaint, passed_on_late_by=late_by, stage=stage)


def exclusion_refusals(
    complaint: Complaint,
    *,
    ground: str | None,
    reasoning: str | None,
    discretion_considered: bool,
    decided_on: date | None,
    issue_started_on: date | None,
    became_aware_on: date | None,
) -> list[InvalidInput | RuleBroken]:
    """Every reason not to record this exclusion as given, in the order the service refuses
    them; the exclude form shows them all at once (one round of errors). A value the form
    could not read (None) is not checked again here."""
    profile = profile_for(complaint)
    refusals: list[InvalidInput | RuleBroken] = []
    chosen = None
    if ground is not None:
        try:
            chosen = profile.exclusion_ground(ground)
        except ValueError:
            refusals.append(InvalidInput(UNKNOWN_GROUND, field="ground"))
    if reasoning is not None and not reasoning.strip():
        refusals.append(InvalidInput(EXCLUSION_NEEDS_REASONING, field="reasoning"))
    for name, day in (("issue_started_on", issue_started_on), ("became_aware_on", became_aware_on)):
        if day is not None and day > today():
            refusals.append(InvalidInput(DATE_IN_FUTURE, field=name))
    if chosen is not None:
        refusals += [
            InvalidInput(gap.message, field=gap.field, provision=gap.provision)
            for gap in exclusion_gaps(
                chosen,
                reasoning=(reasoning or "").strip(),
                issue_date=issue_started_on,
                became_aware=became_aware_on,
            )
            # Too short only if there is any: an empty one is refused as missing above.
            if gap.field != "reasoning" or (reasoning or "").strip()
        ]
    if decided_on is not None:
        if decided_on > today():
            refusals.append(InvalidInput(DATE_IN_FUTURE, field="decided_on"))
        # A stopped clock is measured on this date (deadlines.stage_clocks), so not before it.
        elif decided_on < current_stage(complaint).requested_on:
            refusals.append(InvalidInput(EXCLUSION_BEFORE_REQUEST, field="decided_on"))
    if chosen is not None and chosen.discretion:
        if not discretion_considered:
            refusals.append(
                RuleBroken(
                    DISCRETION_NOT_CONSIDERED, field="discretion_considered", provision="2.3"
                )
            )
        if within_time_limit(
            issue_date=issue_started_on,
            became_aware=became_aware_on,
            received=complaint.received_on,
            months=profile.time_limit_months,
        ) and (issue_started_on or became_aware_on):
            refusals.append(RuleBroken(WITHIN_TIME_LIMIT, field="ground", provision="2.3"))
    return refusals


@held.service
def complaint_exclude(
    *,
    complaint: Complaint,
    ground: str,
    reasoning: str,
    discretion_considered: bool,
    actor: Any,
    discretion_notes: str = "",
    decided_on: date | None = None,
    issue_started_on: date | None = None,
    became_aware_on: date | None = None,
) -> Exclusion:
    """Decide not to accept (or not to escalate) a complaint, case by case (Code 2.1-2.5).

    Dates given here (when the issue happened, when the resident became aware) are recorded
    on the complaint; the 12-month ground cannot be used without both (Code 2.2-2.3).
    """
    lock_complaint(complaint)
    new_state = guard(complaint, Action.EXCLUDE)
    profile = profile_for(complaint)
    issue_started_on = issue_started_on or complaint.issue_started_on
    became_aware_on = became_aware_on or complaint.became_aware_on
    decided_on = decided_on or today()
    refusals = exclusion_refusals(
        complaint,
        ground=ground,
        reasoning=reasoning,
        discretion_considered=discretion_considered,
        decided_on=decided_on,
        issue_started_on=issue_started_on,
        became_aware_on=became_aware_on,
    )
    if refusals:
        raise refusals[0]
    chosen = profile.exclusion_ground(ground)
    reasoning = reasoning.strip()
    dates = {"issue_started_on": issue_started_on, "became_aware_on": became_aware_on}
    dates_changed = [name for name, day in dates.items() if getattr(complaint, name) != day]
    for name in dates_changed:
        setattr(complaint, name, dates[name])

    exclusion = held.create(
        Exclusion,
        complaint=complaint,
        stage=complaint.current_stage,
        ground=chosen.code,
        reasoning=reasoning,
        discretion_considered=discretion_considered,
        discretion_notes=discretion_notes.strip(),
        decided_on=decided_on,
        decided_by=actor,
    )
    complaint.status = new_state
    complaint.closed_on = decided_on
    stage = current_stage(complaint)
    refresh_next_due(complaint, stage)
    held.save(complaint, update_fields=["status", "closed_on", *CLOCK_FIELDS, *dates_changed])
    record_event(
        complaint,
        "complaint.excluded",
        f"Not accepted at stage {exclusion.stage}: {chosen.label}",
        actor=actor,
        stage=exclusion.stage,
        happened_on=decided_on,
        data={
            "ground": chosen.code,
            "ground_label": chosen.label,
            "source": chosen.source,
            "reasoning": reasoning,
            "discretion_considered": discretion_considered,
            "discretion_notes": exclusion.discretion_notes,
            "issue_started_on": issue_started_on,
            "became_aware_on": became_aware_on,
        },
    )
    return exclusion


@transaction.atomic
def complaint_reinstate(*, complaint: Complaint, reason: str, actor: Any) -> Complaint:
    """Take on a complaint that was not accepted, e.g. when the Ombudsman says so (Code 2.4)."""
    lock_complaint(complaint)
    new_state = guard(complaint, Action.REINSTATE)
    reason = require_text(reason, "reason", REINSTATE_NEEDS_REASON)
    exclusion = complaint.exclusions.filter(reinstated_on__isnull=True).first()
    if exclusion:
        exclusion.reinstated_on = today()
        exclusion.save(update_fields=["reinstated_on"])
    stage = current_stage(complaint)
    # The workflow table returns to stage 1 intake; a refused escalation returns to stage 2.
    complaint.status = new_state if stage.number == 1 else State.STAGE2_REQUESTED
    complaint.closed_on = None
    refresh_next_due(complaint, stage)
    complaint.save(update_fields=["status", "closed_on", *CLOCK_FIELDS])
    record_event(
        complaint,
        "complaint.reinstated",
        "Complaint accepted after all",
        actor=actor,
        stage=stage.number,
        data={"reason": reason},
    )
    return complaint


def _clean_points(points: list[str]) -> list[str]:
    cleaned = [p.strip() for p in points if p and p.strip()]
    if not cleaned:
        raise InvalidInput(NO_POINTS, field="points")
    return cleaned


def add_definition_points(
    complaint: Complaint, points: list[str], *, stage: int, added_on: date | None = None
) -> list[str]:
    """Number and store new points of the complaint definition."""
    rows = held.held_rows(complaint)
    kept = rows.setdefault("points", []) if rows is not None and complaint.pk is None else None
    start = len(kept) if kept is not None else complaint.points.count()
    new = held.bulk_create(
        ComplaintPoint,
        [
            held.new(
                ComplaintPoint,
                complaint=complaint,
                number=start + i,
                text=text,
                added_at_stage=stage,
                added_on=added_on or today(),
            )
            for i, text in enumerate(points, start=1)
        ],
    )
    if kept is not None:
        kept += new
    return points


@dataclass(frozen=True)
class AddPointsResult:
    complaint: Complaint  # the same complaint when merged, the new linked one otherwise
    merged: bool


@transaction.atomic
def complaint_add_points(
    *,
    complaint: Complaint,
    points: list[str],
    related: bool,
    actor: Any,
    would_delay: bool = False,
    received_on: date | None = None,
) -> AddPointsResult:
    """New points: into the stage 1 definition if related and not yet answered (Code 6.8),
    otherwise logged as a new complaint linked to this one."""
    lock_complaint(complaint)
    points = _clean_points(points)
    received_on = require_past_or_today(received_on or today(), "received_on")
    if related and not would_delay and complaint.state in {State.RECEIVED, State.STAGE1_OPEN}:
        guard(complaint, Action.ADD_POINTS)
        add_definition_points(complaint, points, stage=1)
        record_event(
            complaint,
            "definition.points_added",
            f"{len(points)} related point(s) added to the stage 1 definition",
            actor=actor,
            stage=1,
            happened_on=received_on,
            data={"points": points},
        )
        return AddPointsResult(complaint=complaint, merged=True)

    why = (
        "unrelated"
        if not related
        else "would unreasonably delay the response"
        if would_delay
        else "the stage 1 response has been issued or the complaint is not at stage 1"
    )
    result = complaint_receive(
        resident=complaint.resident,
        channel=complaint.channel,
        received_on=received_on,
        description="\n".join(points),
        actor=actor,
        category=complaint.category,
        home=complaint.home,
        linked_to=complaint,
        profile_code=complaint.profile_code,
    )
    record_event(
        complaint,
        "complaint.linked",
        f"New points logged as linked complaint {result.complaint.reference} ({why})",
        actor=actor,
        stage=complaint.current_stage,
        happened_on=received_on,
        data={"points": points, "new_complaint": result.complaint.reference, "why": why},
    )
    return AddPointsResult(complaint=result.complaint, merged=False)
