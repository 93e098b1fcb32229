"""Complaints built through the real services, so tests read as stories.

Every builder drives the services (never direct model writes) and returns the complaint
fresh from the database. Dates default to "today", which tests set with time-machine:
``travel(time_machine, MONDAY)``.

    complaint = escalated(responded(acknowledged(received(resident=rosa, actor=hamid),
                                                 actor=hamid), actor=hamid), actor=hamid)
"""

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from putright.complaints import services
from putright.complaints.constants import Channel, Outcome
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
    Stage,
)
from putright.complaints.services import (
    ActionInput,
    DecisionInput,
    RemedyInput,
    ResponseInput,
)
from putright.core.clock import today
from putright.core.errors import ComplaintError

LONDON = ZoneInfo("Europe/London")
# A plain Monday with no bank holiday within four weeks either side: 5 working days later
# is Monday 9 March, 10 is Monday 16 March, 20 is Monday 30 March.
MONDAY = date(2026, 3, 2)

DESCRIPTION = "Water has been coming through the kitchen ceiling since January."
POINTS = (
    "The leak in the kitchen ceiling reported on 5 January has not been repaired.",
    "Nobody called back after the repairs line promised a visit.",
)
OUTCOMES_SOUGHT = "Fix the leak and redecorate the kitchen; an apology."
RESPONSIBLE_FOR = "The roof and the repair appointments."


def travel(time_machine: Any, day: date, hour: int = 10) -> None:
    """Make `day` today (London time), with the clock standing still."""
    time_machine.move_to(datetime(day.year, day.month, day.day, hour, tzinfo=LONDON), tick=False)


def reload(complaint: Complaint) -> Complaint:
    return Complaint.objects.get(pk=complaint.pk)


def stage_of(complaint: Complaint, number: int | None = None) -> Stage:
    """The complaint's current stage (or stage `number`), fresh from the database."""
    complaint = reload(complaint)
    return complaint.stages.get(number=number or complaint.current_stage)


def event_codes(complaint: Complaint) -> list[str]:
    """The case record's event codes, oldest first."""
    return list(complaint.events.order_by("id").values_list("code", flat=True))


def last_event(complaint: Complaint) -> CaseEvent:
    return complaint.events.order_by("-id").first()


# --- builders ------------------------------------------------------------------------------


def received(
    *,
    resident: Any,
    actor: Any,
    on: date | None = None,
    channel: str = Channel.PHONE,
    description: str = DESCRIPTION,
    **kwargs: Any,
) -> Complaint:
    """A complaint logged by `actor`, received on `on` (default today)."""
    result = services.complaint_receive(
        resident=resident,
        channel=channel,
        received_on=on or today(),
        description=description,
        actor=actor,
        **kwargs,
    )
    return reload(result.complaint)


def acknowledged(
    complaint: Complaint,
    *,
    actor: Any,
    on: date | None = None,
    points: Iterable[str] = POINTS,
    outcomes_sought: str = OUTCOMES_SOUGHT,
    responsible_for: str = RESPONSIBLE_FOR,
    handler: Any = None,
    **kwargs: Any,
) -> Complaint:
    """The current stage acknowledged and defined (at stage 2, no new points by default)."""
    stage = stage_of(complaint)
    if stage.number > 1 and points is POINTS:
        points = ()
    services.stage_acknowledge(
        stage=stage,
        points=list(points),
        outcomes_sought=outcomes_sought,
        responsible_for=responsible_for,
        actor=actor,
        acknowledged_on=on,
        handler=handler,
        **kwargs,
    )
    return reload(complaint)


def decisions_for(
    complaint: Complaint, outcome: str = Outcome.UPHELD, reasons: str = "We did not do it."
) -> list[DecisionInput]:
    """A decision with reasons on every point of the definition."""
    numbers = complaint.points.order_by("number").values_list("number", flat=True)
    return [DecisionInput(point=n, outcome=outcome, reasons=reasons) for n in numbers]


def apology(due_on: date | None = None) -> RemedyInput:
    return RemedyInput(
        remedy_type="apology",
        description="A written apology from the repairs manager.",
        due_on=due_on or today() + timedelta(days=7),
    )


OFF_SCHEDULE = "Agreed with the resident for the kitchen as a whole; no single line fits."


def compensation(
    amount: str = "150.00",
    due_on: date | None = None,
    *,
    band: str = "",
    units: int | None = None,
    deviation_reason: str | None = None,
) -> RemedyInput:
    """A payment: on a line of the schedule, or (by default) off it with the reason why."""
    return RemedyInput(
        remedy_type="financial",
        description="Compensation for the time without a usable kitchen.",
        due_on=due_on or today() + timedelta(days=14),
        amount=Decimal(amount),
        band=band,
        units=units,
        deviation_reason=(OFF_SCHEDULE if not band else "")
        if deviation_reason is None
        else deviation_reason,
    )


def roof_repair(owner: Any = None, due_on: date | None = None) -> ActionInput:
    return ActionInput(
        description="Replace the cracked roof tiles above the kitchen.",
        due_on=due_on or today() + timedelta(days=21),
        owner=owner,
        owner_name="" if owner else "Roofing contractor",
    )


def response_input(complaint: Complaint, **overrides: Any) -> ResponseInput:
    """A complete response: every point upheld with reasons, an apology, no actions."""
    values: dict[str, Any] = {
        "summary": "We are sorry: the leak should have been repaired in January.",
        "decisions": decisions_for(complaint),
        "remedies": [apology()],
    }
    values.update(overrides)
    return ResponseInput(**values)


def responded(
    complaint: Complaint,
    *,
    actor: Any,
    on: date | None = None,
    data: ResponseInput | None = None,
    **overrides: Any,
) -> Complaint:
    """The current stage answered (`overrides` go into the default response)."""
    services.stage_respond(
        stage=stage_of(complaint),
        data=data or response_input(complaint, **overrides),
        actor=actor,
        issued_on=on,
    )
    return reload(complaint)


def escalated(complaint: Complaint, *, actor: Any, on: date | None = None) -> Complaint:
    """The resident asked for stage 2 (no reason needed, Code 6.12)."""
    services.complaint_escalate(complaint=complaint, actor=actor, requested_on=on)
    return reload(complaint)


def extended(
    complaint: Complaint,
    *,
    actor: Any,
    new_due: date,
    good_reason: str = "",
    reason: str = "Waiting for the roofer's survey.",
) -> Complaint:
    services.stage_extend(
        stage=stage_of(complaint),
        new_due=new_due,
        reason=reason,
        resident_informed_on=today(),
        update_interval_days=5,
        actor=actor,
        good_reason=good_reason,
    )
    return reload(complaint)


# --- refusals ------------------------------------------------------------------------------

_COUNTED = (
    Complaint,
    Stage,
    ComplaintPoint,
    CaseEvent,
    Exclusion,
    Extension,
    Response,
    Decision,
    Remedy,
    OutstandingAction,
    OmbudsmanReferral,
    Correspondence,
    Attachment,
)


def snapshot(complaint: Complaint | None = None) -> dict[str, Any]:
    """Everything a refused change must leave alone: row counts, the complaint and its stages."""
    shot: dict[str, Any] = {model.__name__: model.objects.count() for model in _COUNTED}
    if complaint is not None:
        shot["complaint"] = Complaint.objects.filter(pk=complaint.pk).values(
            "status", "current_stage", "next_due", "handler_id", "closed_on"
        )[0]
        shot["stages"] = list(
            Stage.objects.filter(complaint_id=complaint.pk)
            .order_by("number")
            .values("acknowledged_on", "response_due", "responded_on", "handler_id")
        )
    return shot


def assert_refused(
    call: Callable[[], Any],
    message: str,
    *,
    complaint: Complaint | None = None,
    error: type[ComplaintError] = ComplaintError,
) -> ComplaintError:
    """`call` is refused with exactly `message`, and nothing at all was written."""
    before = snapshot(complaint)
    with pytest.raises(error) as refused:
        call()
    assert refused.value.message == message
    assert snapshot(complaint) == before
    return refused.value
