"""Stage work: acknowledge and define, extend, respond, escalate, assign (Code 5-7)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from putright.complaints.calendar import landlord_history
from putright.complaints.compensation import band_on
from putright.complaints.constants import Outcome
from putright.complaints.deadlines import extension_check
from putright.complaints.events import is_replaying
from putright.complaints.models import (
    Complaint,
    ComplaintPoint,
    Conflict,
    Decision,
    Extension,
    OutstandingAction,
    Remedy,
    Response,
    Stage,
)
from putright.complaints.services.common import (
    CLOCK_FIELDS,
    follow_ups_chased_by,
    guard,
    hold_stage,
    lock_complaint,
    lock_stage,
    profile_for,
    record_event,
    refresh_next_due,
    stage_numbered,
    stored_answer,
)
from putright.complaints.services.intake import add_definition_points
from putright.core import held
from putright.core.clock import today
from putright.core.errors import InvalidInput, RuleBroken
from putright.core.permissions import Action as PermissionAction
from putright.core.permissions import allowed
from putright.core.validation import require_past_or_today, require_text
from putright.rules.clocks import DUE_NOT_WORKING_DAY
from putright.rules.compensation import band_range, within_band
from putright.rules.workflow import Action

NOT_CURRENT_STAGE = "This is not the complaint's current stage."
NOT_ACKNOWLEDGED = "Acknowledge and define the stage first."
BEFORE_REQUEST = "The acknowledgement cannot be dated before the complaint was received."
NO_DEFINITION_POINTS = "The complaint definition needs at least one point (Code 5.6)."
NO_OUTCOMES = "Record the outcomes the resident is seeking (Code 5.6)."
NO_RESPONSIBILITY = "Say which aspects the landlord is responsible for (Code 5.7)."
EXTENSION_NEEDS_REASON = "Give the reason for the extension; it is explained to the resident."
RESIDENT_NOT_INFORMED = (
    "Record when the resident was told of the extension, with the Ombudsman's details "
    "(Code 6.5 / 6.16)."
)
EXTENDED_BEFORE_ACK = "An extension cannot be agreed before the stage was acknowledged."
EXTENDED_BEFORE_LAST = "An extension cannot be dated before the previous extension."
INFORMED_BEFORE_ACK = "The resident cannot have been told of an extension before acknowledgement."
NO_UPDATE_INTERVAL = "Agree how often the resident will be kept informed (Code 5.9)."
BEYOND_CAP = (
    "This extension is {days} working days; the Code allows {cap} at stage {stage} "
    "without a good reason (Code {provision}). Record the good reason to go further."
)
RESPONSE_BEFORE_ACK = "The response cannot be dated before the acknowledgement."
POINT_WITHOUT_DECISION = "Give a decision on every point of the definition (Code {provision})."
UNKNOWN_POINT = "A decision refers to a point that is not in this complaint's definition."
DUPLICATE_DECISION = "Give one decision per point."
UNKNOWN_OUTCOME = "Choose upheld, partly upheld or not upheld."
DECISION_NEEDS_REASONS = "Give the reasons for each decision (Code 6.7 / 6.18)."
NO_SUMMARY = "Write the overall answer to the complaint."
UNKNOWN_REMEDY_TYPE = "Choose a type of remedy from the list."
REMEDY_NEEDS_WHAT = "Say what will happen to put things right (Code 7.3)."
FOLLOW_UP_NEEDS_DATE = "Say by when (Code 7.3 / 6.6)."
FOLLOW_UP_BEFORE_RESPONSE = "The date cannot be before the response is issued."
FINANCIAL_NEEDS_AMOUNT = "A financial remedy needs an amount greater than zero."
CONFLICT_NOT_DECLARED = (
    "Record the handler's declaration: no conflict of interest, or what the conflict is "
    "(Code 5.8c)."
)
CONFLICT_NEEDS_DETAIL = "Say what the conflict of interest is (Code 5.8c)."
CONFLICT_BLOCKS = (
    "The handler has declared a conflict of interest: choose someone else, or record why a "
    "complaints officer is assigning them anyway (Code 5.8c)."
)
CONFLICT_OVERRIDE_OFFICER = "Only a complaints officer can assign a handler despite a conflict."
OVERRIDE_WITHOUT_CONFLICT = "An override is only for a declared conflict of interest."
UNKNOWN_BAND = "Choose a line of the compensation schedule in force."
BAND_ONLY_FINANCIAL = "Only a financial remedy is on the compensation schedule."
UNITS_AT_LEAST_ONE = "Give how many units of the band (1 or more)."
BAND_OR_REASON = (
    "Choose the line of the compensation schedule this payment is under, or say why it is not "
    "on the schedule (policy 6.5)."
)
DEVIATION_NEEDS_REASON = (
    "£{amount} is outside the schedule's band ({band}): say why, or change the amount "
    "(policy 6.5, the Ombudsman's remedies guidance)."
)
AMOUNT_ONLY_FINANCIAL = "Only a financial remedy has an amount."
NO_REMEDY_REASON = "Offer a remedy or explain why none is offered."
ACTION_NEEDS_OWNER = "Give each outstanding action an owner."
EARLY_RESOLUTION_STAGE_ONE = "Early resolution is a stage 1 outcome (Code 5.2)."
ESCALATION_BEFORE_RESPONSE = "The escalation cannot be dated before the stage 1 response."
ALREADY_ESCALATED = "This complaint has already been through stage 2; it can go to the Ombudsman."
SAME_HANDLER = (
    "The stage 2 handler must not be the person who handled stage 1 (Code 6.13): "
    "choose someone else."
)
STAGE_TWO_UNASSIGNED = (
    "Assign stage 2 to someone who did not handle stage 1 before responding (Code 6.13)."
)
STAGE_ONE_PERSON_RESPONDS = (
    "The stage 2 response must come from someone who did not handle stage 1 (Code 6.13)."
)
NOT_A_CASE_WORKER = "Only a complaint handler or complaints officer can handle a stage."


def _stage_of(complaint: Complaint, stage: Stage) -> None:
    if stage.complaint_id != complaint.pk or stage.number != complaint.current_stage:
        raise RuleBroken(NOT_CURRENT_STAGE)


def _handled_earlier_stage(stage: Stage) -> set[int]:
    """Who handled the stage before this one: its handler, and whoever wrote its response
    (even if it was reassigned afterwards)."""
    if stage.number == 1:
        return set()
    earlier = stage_numbered(stage.complaint, stage.number - 1)
    rows = held.held_rows(stage.complaint)
    if rows is not None and earlier.pk is None:  # an import's new case, held in memory
        authors = {r.author.pk for r in rows.get("responses", {}).get(earlier.number, [])}
        return {getattr(earlier.handler, "pk", None)} | authors
    return {earlier.handler_id} | set(
        Response.objects.filter(stage=earlier).values_list("author_id", flat=True)
    )


def definition_points(complaint: Complaint) -> list[ComplaintPoint]:
    """The complaint's definition points (an import's new case: those held)."""
    rows = held.held_rows(complaint)
    if rows is not None and complaint.pk is None:
        return list(rows.get("points", []))
    return list(complaint.points.all())


def _has_points(complaint: Complaint) -> bool:
    rows = held.held_rows(complaint)
    if rows is not None and complaint.pk is None:
        return bool(rows.get("points"))
    return complaint.points.exists()


def _last_extension(stage: Stage) -> Extension | None:
    if stage.pk is None and held.current() is not None:
        kept = getattr(stage, "_prefetched_objects_cache", {}).get("extensions", [])
        return max(reversed(kept), key=lambda e: e.agreed_on, default=None)
    return stage.extensions.order_by("-agreed_on", "-id").first()


def _handler_refusal(stage: Stage, handler: Any) -> InvalidInput | RuleBroken | None:
    if not getattr(handler, "can_handle_cases", False):
        return InvalidInput(NOT_A_CASE_WORKER, field="handler")
    if handler.pk in _handled_earlier_stage(stage):
        return RuleBroken(SAME_HANDLER, field="handler", provision="6.13")
    return None


def _check_handler(stage: Stage, handler: Any) -> None:
    if (refusal := _handler_refusal(stage, handler)) is not None:
        raise refusal


@held.service
def stage_acknowledge(
    *,
    stage: Stage,
    points: list[str],
    outcomes_sought: str,
    responsible_for: str,
    actor: Any,
    not_responsible_for: str = "",
    to_clarify: str = "",
    acknowledged_on: date | None = None,
    handler: Any = None,
    points_added_on: date | None = None,
) -> Stage:
    """Acknowledge, define and log a stage (Code 5.6-5.7, 6.2 / 6.11); starts the response clock."""
    stage = lock_stage(stage)
    complaint = stage.complaint
    new_state = guard(complaint, Action.ACKNOWLEDGE)
    _stage_of(complaint, stage)
    acknowledged_on = require_past_or_today(acknowledged_on or today(), "acknowledged_on")
    if acknowledged_on < stage.requested_on:
        raise InvalidInput(BEFORE_REQUEST, field="acknowledged_on")
    cleaned = [p.strip() for p in points if p and p.strip()]
    if not cleaned and not _has_points(complaint):
        raise InvalidInput(NO_DEFINITION_POINTS, field="points")
    outcomes_sought = require_text(outcomes_sought, "outcomes_sought", NO_OUTCOMES)
    responsible_for = require_text(responsible_for, "responsible_for", NO_RESPONSIBILITY)
    if handler is not None:
        _check_handler(stage, handler)

    if cleaned:
        # A historical import dates the points by its own records; else today.
        add_definition_points(complaint, cleaned, stage=stage.number, added_on=points_added_on)
    stage.acknowledged_on = acknowledged_on
    stage.outcomes_sought = outcomes_sought
    stage.responsible_for = responsible_for
    stage.not_responsible_for = not_responsible_for.strip()
    stage.to_clarify = to_clarify.strip()
    if handler is not None:
        stage.handler = handler
    elif (
        stage.handler_id is None and stage.number == 1 and getattr(actor, "can_handle_cases", False)
    ):
        stage.handler = actor
    complaint.status = new_state
    complaint.handler = stage.handler
    refresh_next_due(complaint, stage, save=False)
    held.save(stage)
    held.save(complaint, update_fields=["status", "handler", *CLOCK_FIELDS])
    follow_ups_chased_by(complaint)
    due = stage.response_due
    record_event(
        complaint,
        "stage.acknowledged",
        f"Stage {stage.number} acknowledged and defined; response due {due:%-d %B %Y}",
        actor=actor,
        stage=stage.number,
        happened_on=acknowledged_on,
        data={
            "points": cleaned,
            "outcomes_sought": outcomes_sought,
            "responsible_for": responsible_for,
            "not_responsible_for": stage.not_responsible_for,
            "to_clarify": stage.to_clarify,
            "ack_due": stage.ack_due,
            "on_time": acknowledged_on <= stage.ack_due,
            "response_due": due,
            "handler": stage.handler.get_username() if stage.handler else None,
        },
    )
    return stage


def beyond_cap(stage: Stage, check: Any, *, good_reason: str) -> RuleBroken | None:
    """The refusal of an extension past the Code's cap without a good reason, or None (the
    extend form asks this with its field checks; the service refuses the same)."""
    if check.within_cap or good_reason.strip():
        return None
    rule = profile_for(stage.complaint).stage(stage.number)
    return RuleBroken(
        BEYOND_CAP.format(
            days=check.working_days,
            cap=rule.extension_cap,
            stage=stage.number,
            provision=rule.extension_provision,
        ),
        field="good_reason",
        provision=rule.extension_provision,
    )


@held.service
def stage_extend(
    *,
    stage: Stage,
    new_due: date,
    reason: str,
    resident_informed_on: date | None,
    update_interval_days: int | None,
    actor: Any,
    good_reason: str = "",
    extended_on: date | None = None,
) -> Extension:
    """Extend a stage's response deadline, within the Code's cap unless a good reason is given."""
    stage = lock_stage(stage)
    complaint = stage.complaint
    guard(complaint, Action.EXTEND)
    _stage_of(complaint, stage)
    reason = require_text(reason, "reason", EXTENSION_NEEDS_REASON)
    # Only imported history may leave it blank: it is then reported as unknown (Code 6.5).
    if resident_informed_on is None and not is_replaying():
        raise InvalidInput(RESIDENT_NOT_INFORMED, field="resident_informed_on")
    if resident_informed_on is not None:
        require_past_or_today(resident_informed_on, "resident_informed_on")
        if stage.acknowledged_on and resident_informed_on < stage.acknowledged_on:
            raise InvalidInput(INFORMED_BEFORE_ACK, field="resident_informed_on")
    if not update_interval_days or update_interval_days < 1:
        raise InvalidInput(NO_UPDATE_INTERVAL, field="update_interval_days")
    extended_on = require_past_or_today(extended_on or today(), "extended_on")
    rule = profile_for(complaint).stage(stage.number)
    if stage.acknowledged_on is None:
        raise RuleBroken(NOT_ACKNOWLEDGED)
    if extended_on < stage.acknowledged_on:
        raise InvalidInput(EXTENDED_BEFORE_ACK, field="extended_on")
    last = _last_extension(stage)
    if last is not None and extended_on < last.agreed_on:
        raise InvalidInput(EXTENDED_BEFORE_LAST, field="extended_on")
    good_reason = good_reason.strip()
    try:
        check = extension_check(
            stage,
            new_due=new_due,
            agreed_on=extended_on,
            good_reason=bool(good_reason),
            on=today(),
            history=landlord_history(),
            profile=profile_for(complaint),
        )
    except ValueError as exc:
        raise InvalidInput(str(exc), field="new_due") from None
    # A live extension is agreed for a working day; imported history is taken as it happened
    # and flagged on the case and by the import check instead (deadlines.StageClocks).
    if not check.new_due_is_working_day and not is_replaying():
        raise InvalidInput(DUE_NOT_WORKING_DAY, field="new_due")
    if (beyond := beyond_cap(stage, check, good_reason=good_reason)) is not None:
        raise beyond
    previous_due = stage.response_due
    extension = held.create(
        Extension,
        stage=stage,
        previous_due=previous_due,
        new_due=new_due,
        agreed_on=extended_on,
        working_days=check.working_days,
        reason=reason,
        resident_informed_on=resident_informed_on,
        update_interval_days=update_interval_days,
        beyond_cap=not check.within_cap,
        good_reason=good_reason if not check.within_cap else "",
        created_by=actor,
    )
    # A prefetched list of extensions would not have the new one (a held stage keeps its own).
    prefetched = getattr(stage, "_prefetched_objects_cache", {})
    if stage.pk is None and "extensions" in prefetched:
        prefetched["extensions"].append(extension)
    else:
        prefetched.pop("extensions", None)
    refresh_next_due(complaint, stage)
    held.save(complaint, update_fields=[*CLOCK_FIELDS])
    record_event(
        complaint,
        "stage.extended",
        f"Stage {stage.number} extended to {new_due:%-d %B %Y}"
        + (" – beyond the Code's cap, good reason recorded" if extension.beyond_cap else ""),
        actor=actor,
        stage=stage.number,
        happened_on=extended_on,
        data={
            "original_due": stage.response_due_original,
            "previous_due": extension.previous_due,
            "new_due": new_due,
            "working_days": check.working_days,
            "cap": rule.extension_cap,
            "cap_due": check.cap_due,
            "agreed_on": extended_on,
            "beyond_cap": extension.beyond_cap,
            "reason": reason,
            "good_reason": extension.good_reason,
            "resident_informed_on": resident_informed_on,
            "update_interval_days": update_interval_days,
        },
    )
    return extension


@dataclass(frozen=True)
class DecisionInput:
    point: int  # the point's number in the definition
    outcome: str
    reasons: str


@dataclass(frozen=True)
class RemedyInput:
    remedy_type: str
    description: str
    due_on: date | None
    amount: Decimal | None = None
    # The compensation schedule line (policy 6.5), how many of its units, and why an amount
    # outside the band (or off the schedule) is offered.
    band: str = ""
    units: int | None = None
    deviation_reason: str = ""


@dataclass(frozen=True)
class ActionInput:
    description: str
    due_on: date | None
    owner: Any = None
    owner_name: str = ""
    # Working days between updates to the resident until done, for a long-running action.
    update_interval_days: int | None = None


@dataclass(frozen=True)
class ResponseInput:
    summary: str
    decisions: list[DecisionInput]
    remedies: list[RemedyInput] = field(default_factory=list)
    actions: list[ActionInput] = field(default_factory=list)
    learning: str = ""
    no_remedy_reason: str = ""
    early_resolution: bool = False


def _validate_decisions(
    points: dict[int, ComplaintPoint], decisions: list[DecisionInput], provision: str
) -> None:
    seen: set[int] = set()
    for i, d in enumerate(decisions):
        if d.point not in points:
            raise InvalidInput(UNKNOWN_POINT, field=f"decisions[{i}].point")
        if d.point in seen:
            raise InvalidInput(DUPLICATE_DECISION, field=f"decisions[{i}].point")
        seen.add(d.point)
        if d.outcome not in Outcome:
            raise InvalidInput(UNKNOWN_OUTCOME, field=f"decisions[{i}].outcome")
        require_text(d.reasons, f"decisions[{i}].reasons", DECISION_NEEDS_REASONS)
    missing = sorted(set(points) - seen)
    if missing:
        raise RuleBroken(
            POINT_WITHOUT_DECISION.format(provision=provision)
            + f" Missing: point {', '.join(map(str, missing))}.",
            field="decisions",
            provision=provision,
        )


def _check_against_schedule(i: int, r: RemedyInput, issued_on: date) -> None:
    """A payment follows the schedule in force, or says why not (policy 6.5, Code 7.4)."""
    reason = r.deviation_reason.strip()
    if not r.band:
        if not reason:
            raise InvalidInput(BAND_OR_REASON, field=f"remedies[{i}].band")
        return
    band = band_on(r.band, issued_on)
    if band is None:
        raise InvalidInput(UNKNOWN_BAND, field=f"remedies[{i}].band")
    units = 1 if r.units is None else r.units
    if units < 1:
        raise InvalidInput(UNITS_AT_LEAST_ONE, field=f"remedies[{i}].units")
    amount = r.amount or Decimal(0)  # the caller has checked it is there and above zero
    if not within_band(amount, low=band.low, high=band.high, units=units) and not reason:
        lowest, highest = band_range(low=band.low, high=band.high, units=units)
        shown = f"£{lowest:,.2f} to " + (f"£{highest:,.2f}" if highest is not None else "no limit")
        raise InvalidInput(
            DEVIATION_NEEDS_REASON.format(amount=f"{amount:,.2f}", band=shown),
            field=f"remedies[{i}].deviation_reason",
        )


def _remedy_refusals(profile: Any, i: int, r: RemedyInput, issued_on: date) -> list[InvalidInput]:
    """Every problem of one remedy row, in the order the service refuses them."""
    try:
        kind = profile.remedy_type(r.remedy_type)
    except ValueError:
        return [InvalidInput(UNKNOWN_REMEDY_TYPE, field=f"remedies[{i}].remedy_type")]
    refusals: list[InvalidInput] = []
    if not (r.description or "").strip():
        refusals.append(InvalidInput(REMEDY_NEEDS_WHAT, field=f"remedies[{i}].description"))
    if r.due_on is None:
        refusals.append(InvalidInput(FOLLOW_UP_NEEDS_DATE, field=f"remedies[{i}].due_on"))
    elif r.due_on < issued_on:
        refusals.append(InvalidInput(FOLLOW_UP_BEFORE_RESPONSE, field=f"remedies[{i}].due_on"))
    no_amount = kind.financial and (r.amount is None or r.amount <= 0)
    if no_amount:
        refusals.append(InvalidInput(FINANCIAL_NEEDS_AMOUNT, field=f"remedies[{i}].amount"))
    if not kind.financial and r.amount is not None:
        refusals.append(InvalidInput(AMOUNT_ONLY_FINANCIAL, field=f"remedies[{i}].amount"))
    if kind.financial and not (no_amount and r.band):  # a band is checked against an amount
        try:
            _check_against_schedule(i, r, issued_on)
        except InvalidInput as refusal:
            refusals.append(refusal)
    elif not kind.financial and (r.band or r.units is not None):
        refusals.append(InvalidInput(BAND_ONLY_FINANCIAL, field=f"remedies[{i}].band"))
    return refusals


def _check_action(i: int, a: ActionInput, issued_on: date) -> None:
    require_text(a.description, f"actions[{i}].description")
    if a.due_on is None:
        raise InvalidInput(FOLLOW_UP_NEEDS_DATE, field=f"actions[{i}].due_on")
    if a.due_on < issued_on:
        raise InvalidInput(FOLLOW_UP_BEFORE_RESPONSE, field=f"actions[{i}].due_on")
    if a.owner is None and not a.owner_name.strip():
        raise InvalidInput(ACTION_NEEDS_OWNER, field=f"actions[{i}].owner")


def follow_up_refusals(
    complaint: Complaint, data: ResponseInput, issued_on: date
) -> list[InvalidInput]:
    """The problems of each remedy row, the first of each action row and a missing reason
    for offering none, in the order the service refuses them; the respond form shows them all at once
    (one round of errors)."""
    profile = profile_for(complaint)
    refusals: list[InvalidInput] = []
    for i, r in enumerate(data.remedies):
        refusals += _remedy_refusals(profile, i, r, issued_on)
    if not data.remedies and not data.no_remedy_reason.strip():
        refusals.append(InvalidInput(NO_REMEDY_REASON, field="no_remedy_reason"))
    for i, a in enumerate(data.actions):
        try:
            _check_action(i, a, issued_on)
        except InvalidInput as refusal:
            refusals.append(refusal)
    return refusals


def _validate_follow_ups(complaint: Complaint, data: ResponseInput, issued_on: date) -> None:
    refusals = follow_up_refusals(complaint, data, issued_on)
    if refusals:
        raise refusals[0]


def _band_snapshot(r: RemedyInput, issued_on: date) -> dict[str, Any]:
    """The band as it stood when offered, kept on the remedy (a later edit changes nothing)."""
    band = band_on(r.band, issued_on) if r.band else None
    return {
        "band": r.band if band else "",
        "units": (r.units or 1) if band else None,
        "band_low": band.low if band else None,
        "band_high": band.high if band else None,
        "deviation_reason": r.deviation_reason.strip(),
    }


@held.service
def stage_respond(
    *, stage: Stage, data: ResponseInput, actor: Any, issued_on: date | None = None
) -> Response:
    """Issue the stage's response: a decision and reasons on every point, remedies, actions."""
    stage = lock_stage(stage)
    complaint = stage.complaint
    new_state = guard(complaint, Action.RESPOND)
    _stage_of(complaint, stage)
    if stage.number > 1 and stage.handler_id is None:
        raise RuleBroken(STAGE_TWO_UNASSIGNED, field="handler", provision="6.13")
    if stage.number > 1 and getattr(actor, "pk", None) in _handled_earlier_stage(stage):
        raise RuleBroken(STAGE_ONE_PERSON_RESPONDS, provision="6.13")
    issued_on = require_past_or_today(issued_on or today(), "issued_on")
    if stage.acknowledged_on is None:
        raise RuleBroken(NOT_ACKNOWLEDGED)
    if issued_on < stage.acknowledged_on:
        raise InvalidInput(RESPONSE_BEFORE_ACK, field="issued_on")
    if data.early_resolution and stage.number != 1:
        raise InvalidInput(EARLY_RESOLUTION_STAGE_ONE, field="early_resolution")
    summary = require_text(data.summary, "summary", NO_SUMMARY)
    rule = profile_for(complaint).stage(stage.number)
    points = {p.number: p for p in definition_points(complaint)}
    _validate_decisions(points, data.decisions, rule.decisions_provision)
    _validate_follow_ups(complaint, data, issued_on)

    response = held.create(
        Response,
        stage=stage,
        issued_on=issued_on,
        summary=summary,
        learning=data.learning.strip(),
        early_resolution=data.early_resolution,
        no_remedy_reason="" if data.remedies else data.no_remedy_reason.strip(),
        author=actor,
    )
    held.bulk_create(
        Decision,
        (
            held.new(
                Decision,
                response=response,
                point=points[d.point],
                outcome=d.outcome,
                reasons=d.reasons.strip(),
            )
            for d in data.decisions
        ),
    )
    held.bulk_create(
        Remedy,
        (
            held.new(
                Remedy,
                complaint=complaint,
                response=response,
                remedy_type=r.remedy_type,
                description=r.description.strip(),
                due_on=r.due_on,
                amount=r.amount,
                **_band_snapshot(r, issued_on),
            )
            for r in data.remedies
        ),
    )
    held.bulk_create(
        OutstandingAction,
        (
            held.new(
                OutstandingAction,
                complaint=complaint,
                response=response,
                description=a.description.strip(),
                due_on=a.due_on,
                owner=a.owner,
                owner_name=a.owner_name.strip(),
                update_interval_days=a.update_interval_days or None,
            )
            for a in data.actions
        ),
    )
    rows = held.held_rows(complaint)
    if rows is not None and complaint.pk is None:
        rows.setdefault("responses", {}).setdefault(stage.number, []).append(response)
        follow_ups = rows.setdefault("open_follow_ups", [0])
        follow_ups[0] += len(data.remedies) + len(data.actions)
    follow_ups_chased_by(complaint)
    stage.responded_on = issued_on
    answer = stored_answer(
        outcomes=[d.outcome for d in data.decisions], early_resolution=data.early_resolution
    )
    for name, value in answer.items():
        setattr(stage, name, value)
    held.save(stage, update_fields=["responded_on", *answer])
    complaint.status = new_state
    refresh_next_due(complaint, stage)
    held.save(complaint, update_fields=["status", *CLOCK_FIELDS])
    record_event(
        complaint,
        "stage.responded",
        ("Early resolution" if data.early_resolution else f"Stage {stage.number} response")
        + (" – final response" if rule.is_final else "")
        + f" issued {issued_on:%-d %B %Y}",
        actor=actor,
        stage=stage.number,
        happened_on=issued_on,
        data={
            "summary": summary,
            "decisions": [
                {"point": d.point, "outcome": d.outcome, "reasons": d.reasons.strip()}
                for d in data.decisions
            ],
            "remedies": [
                {
                    "type": r.remedy_type,
                    "description": r.description.strip(),
                    "due_on": r.due_on,
                    "amount": r.amount,
                }
                for r in data.remedies
            ],
            "actions": [
                {
                    "description": a.description.strip(),
                    "due_on": a.due_on,
                    "owner": a.owner.get_username() if a.owner else a.owner_name.strip(),
                }
                for a in data.actions
            ],
            "no_remedy_reason": response.no_remedy_reason,
            "learning": response.learning,
            "early_resolution": data.early_resolution,
            "response_due": stage.response_due,
            "on_time": stage.response_due is not None and issued_on <= stage.response_due,
        },
    )
    return response


@held.service
def complaint_escalate(
    *,
    complaint: Complaint,
    actor: Any,
    requested_on: date | None = None,
    reason: str = "",
    actor_label: str = "",
) -> Stage:
    """Escalate to stage 2 at the resident's request; no reason is needed (Code 6.12)."""
    lock_complaint(complaint)
    new_state = guard(complaint, Action.ESCALATE)
    profile = profile_for(complaint)
    if complaint.current_stage >= profile.last_stage:
        raise RuleBroken(ALREADY_ESCALATED)
    requested_on = require_past_or_today(requested_on or today(), "requested_on")
    answered = stage_numbered(complaint, complaint.current_stage).responded_on
    if answered and requested_on < answered:
        raise InvalidInput(ESCALATION_BEFORE_RESPONSE, field="requested_on")
    number = complaint.current_stage + 1
    stage = held.new(
        Stage,
        complaint=complaint,
        number=number,
        requested_on=requested_on,
        escalation_reason=reason.strip(),
    )
    complaint.status = new_state
    complaint.current_stage = number
    complaint.closed_on = None
    # Stage 2 must go to someone else (Code 6.13): it starts unassigned.
    complaint.handler = None
    refresh_next_due(complaint, stage)
    hold_stage(stage)
    held.save(
        complaint, update_fields=["status", "current_stage", "closed_on", "handler", *CLOCK_FIELDS]
    )
    follow_ups_chased_by(complaint)
    record_event(
        complaint,
        "complaint.escalated",
        f"Escalation to stage {number} requested; acknowledgement due {stage.ack_due:%-d %B %Y}",
        actor=actor,
        actor_label=actor_label,
        stage=number,
        happened_on=requested_on,
        data={
            "requested_on": requested_on,
            "reason": stage.escalation_reason,
            "ack_due": stage.ack_due,
        },
    )
    return stage


def _conflict_refusals(
    conflict: str, detail: str, override_reason: str, actor: Any
) -> list[InvalidInput | RuleBroken]:
    """Code 5.8c: a declared conflict blocks the assignment unless an officer overrides it."""
    if conflict not in Conflict:
        return [InvalidInput(CONFLICT_NOT_DECLARED, field="conflict", provision="5.8")]
    if conflict == Conflict.NONE:
        if override_reason.strip():
            return [InvalidInput(OVERRIDE_WITHOUT_CONFLICT, field="conflict_override_reason")]
        return []
    refusals: list[InvalidInput | RuleBroken] = []
    if not detail.strip():
        refusals.append(
            InvalidInput(CONFLICT_NEEDS_DETAIL, field="conflict_detail", provision="5.8")
        )
    if not override_reason.strip():
        refusals.append(
            RuleBroken(CONFLICT_BLOCKS, field="conflict_override_reason", provision="5.8")
        )
    elif not allowed(actor, PermissionAction.ASSIGN):
        refusals.append(RuleBroken(CONFLICT_OVERRIDE_OFFICER, field="conflict_override_reason"))
    return refusals


def assignment_refusals(
    stage: Stage,
    *,
    handler: Any,
    conflict: str | None,
    conflict_detail: str,
    conflict_override_reason: str,
    actor: Any,
) -> list[InvalidInput | RuleBroken]:
    """Every reason not to assign as given, in the order the service refuses them; the assign
    form shows them all at once (one round of errors). None: the form could not read it."""
    refusals: list[InvalidInput | RuleBroken] = []
    if handler is not None and (refusal := _handler_refusal(stage, handler)) is not None:
        refusals.append(refusal)
    if conflict is not None:
        refusals += _conflict_refusals(conflict, conflict_detail, conflict_override_reason, actor)
    return refusals


@transaction.atomic
def stage_assign(
    *,
    stage: Stage,
    handler: Any,
    actor: Any,
    conflict: str = "",
    conflict_detail: str = "",
    conflict_override_reason: str = "",
) -> Stage:
    """Give a stage to a handler, with their conflict-of-interest declaration (Code 5.8c);
    stage 2 refuses whoever handled stage 1 (Code 6.13)."""
    stage = lock_stage(stage)
    complaint = stage.complaint
    guard(complaint, Action.ASSIGN)
    _stage_of(complaint, stage)
    _check_handler(stage, handler)
    refusals = _conflict_refusals(conflict, conflict_detail, conflict_override_reason, actor)
    if refusals:
        raise refusals[0]
    previous = stage.handler
    stage.handler = handler
    stage.conflict = conflict
    stage.conflict_detail = conflict_detail.strip() if conflict == Conflict.DECLARED else ""
    stage.conflict_override_reason = conflict_override_reason.strip()
    stage.save(update_fields=["handler", "conflict", "conflict_detail", "conflict_override_reason"])
    complaint.handler = handler
    complaint.save(update_fields=["handler"])
    follow_ups_chased_by(complaint)
    name = handler.get_full_name() or handler.get_username()
    summary = f"Stage {stage.number} assigned to {name}"
    if conflict == Conflict.DECLARED:
        summary += " (conflict of interest declared; assigned by officer override)"
    record_event(
        complaint,
        "stage.assigned",
        summary,
        actor=actor,
        stage=stage.number,
        data={
            "handler": handler.get_username(),
            "previous": previous.get_username() if previous else None,
            "conflict": conflict,
            "conflict_detail": stage.conflict_detail,
            "conflict_override_reason": stage.conflict_override_reason,
        },
    )
    return stage
