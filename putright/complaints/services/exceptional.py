"""Exceptional circumstances (Code 8.5): declare, approve or refuse, apply, end.

The Code's clocks never stop: deadlines are still computed from ``rules/clocks.py`` and shown
during a period. What a period changes is what residents are told (a letter explaining the
delay and their right to go to the Ombudsman, once per complaint, through the letters' one
door), what the queue and case page flag, and how reports show the figures: with and without
the affected complaints, side by side.
"""

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from putright.complaints.models import Category, Complaint, ExceptionalPeriod, ExceptionalStatus
from putright.complaints.services.common import record_event
from putright.core.clock import today
from putright.core.errors import AlreadyDone, InvalidInput, RuleBroken, TransitionRefused
from putright.core.models import SecurityEvent
from putright.core.permissions import Action, allowed
from putright.core.security import security_event_record

# Long enough to say what happened and why it stops the Code's timescales being met.
REASON_MIN_LENGTH = 30
REASON_NEEDED = (
    f"Say what the exceptional circumstances are and why they stop us meeting the Code's "
    f"timescales (at least {REASON_MIN_LENGTH} characters)."
)
END_BEFORE_START = "The expected end cannot be before the start."
SCOPE_NEEDED = "Choose the categories or estates affected, or say that all complaints are."
NOT_SENIOR_LEAD = "Only the senior lead for complaints (or an administrator) can approve this."
OWN_DECLARATION = "Someone other than the person who declared it must approve it (Code 8.5)."
NOT_DECLARER = "Only a complaints officer or an administrator can declare or end this."
ALREADY_DECIDED = "This period has already been approved or refused."
NOT_IN_FORCE = "Only a period in force can be ended."
ENDED_BEFORE_START = "It cannot end before it started."
DATE_IN_FUTURE = "The date cannot be in the future."

EVENT_CODE = "complaint.exceptional_delay"


def _lock(period: ExceptionalPeriod) -> ExceptionalPeriod:
    return ExceptionalPeriod.objects.select_for_update().get(pk=period.pk)


def _log(kind: str, period: ExceptionalPeriod, actor: Any, **data: Any) -> None:
    """One line of the security log per step, in the step's own transaction: the period's
    fields keep only the latest who and when, the log keeps every one."""
    security_event_record(kind=kind, user=actor, data={"period": period.pk, **data})


@transaction.atomic
def exceptional_declare(
    *,
    reason: str,
    starts_on: date,
    expected_end_on: date,
    actor: Any,
    all_complaints: bool = False,
    categories: list[Category] | tuple[Category, ...] = (),
    areas: list[str] | tuple[str, ...] = (),
) -> ExceptionalPeriod:
    """An officer declares a period; it does nothing until the senior lead approves it."""
    if not allowed(actor, Action.DECLARE_EXCEPTIONAL):
        raise RuleBroken(NOT_DECLARER, provision="8.5")
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN_LENGTH:
        raise InvalidInput(REASON_NEEDED, field="reason", provision="8.5")
    if expected_end_on < starts_on:
        raise InvalidInput(END_BEFORE_START, field="expected_end_on")
    cleaned_areas = sorted({a.strip() for a in areas if a and a.strip()})
    if not all_complaints and not categories and not cleaned_areas:
        raise InvalidInput(SCOPE_NEEDED, field="categories")
    period = ExceptionalPeriod.objects.create(
        reason=reason,
        starts_on=starts_on,
        expected_end_on=expected_end_on,
        all_complaints=all_complaints,
        areas=[] if all_complaints else cleaned_areas,
        declared_by=actor,
    )
    if not all_complaints:
        period.categories.set(categories)
    _log(
        SecurityEvent.Kind.EXCEPTIONAL_DECLARED,
        period,
        actor,
        starts_on=starts_on.isoformat(),
        expected_end_on=expected_end_on.isoformat(),
        scope=period.scope_label,
    )
    return period


def _check_decider(period: ExceptionalPeriod, actor: Any) -> None:
    if not allowed(actor, Action.APPROVE_EXCEPTIONAL):
        raise RuleBroken(NOT_SENIOR_LEAD, provision="8.5")
    if period.declared_by_id == actor.pk:
        raise RuleBroken(OWN_DECLARATION, provision="8.5")
    if period.status != ExceptionalStatus.DECLARED:
        raise AlreadyDone(ALREADY_DECIDED)


@transaction.atomic
def exceptional_approve(
    *, period: ExceptionalPeriod, actor: Any, note: str = ""
) -> ExceptionalPeriod:
    """The senior lead approves: the period is in force and the affected complaints are told."""
    period = _lock(period)
    _check_decider(period, actor)
    period.status = ExceptionalStatus.IN_FORCE
    period.decided_by = actor
    period.decided_at = timezone.now()
    period.decision_note = (note or "").strip()
    period.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    _log(SecurityEvent.Kind.EXCEPTIONAL_APPROVED, period, actor, note=period.decision_note)
    exceptional_apply(period=period)
    return period


@transaction.atomic
def exceptional_refuse(*, period: ExceptionalPeriod, actor: Any, note: str) -> ExceptionalPeriod:
    """The senior lead does not approve it: nothing changes for residents."""
    period = _lock(period)
    _check_decider(period, actor)
    period.status = ExceptionalStatus.REFUSED
    period.decided_by = actor
    period.decided_at = timezone.now()
    period.decision_note = (note or "").strip()
    period.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    _log(SecurityEvent.Kind.EXCEPTIONAL_REFUSED, period, actor, note=period.decision_note)
    return period


def matching_complaints(period: ExceptionalPeriod) -> QuerySet[Complaint]:
    """Open complaints within the period's scope, received by its (expected) end."""
    last_day = period.ended_on or period.expected_end_on
    found = Complaint.objects.open().filter(received_on__lte=last_day)
    if not period.all_complaints:
        scope = Q(category__in=period.categories.all())
        if period.areas:
            scope |= Q(home__estate__in=period.areas)
        found = found.filter(scope)
    return found


@transaction.atomic
def exceptional_apply(*, period: ExceptionalPeriod) -> int:
    """Mark the open complaints in scope as affected and write one event for each (which the
    letters app turns into the resident's letter). Idempotent: a complaint already marked is
    left alone, so the daily job can run it again for complaints received since."""
    period = _lock(period)
    if period.status != ExceptionalStatus.IN_FORCE:
        return 0
    already = period.affected.values_list("pk", flat=True)
    new = list(
        matching_complaints(period).exclude(pk__in=already).select_for_update().order_by("pk")
    )
    if not new:
        return 0
    period.affected.add(*new)
    for complaint in new:
        record_event(
            complaint,
            EVENT_CODE,
            "Affected by exceptional circumstances: resident told of the delay (Code 8.5)",
            actor=None,
            actor_label="PutRight",
            stage=complaint.current_stage,
            data={
                "period": period.pk,
                "reason": period.reason,
                "starts_on": period.starts_on.isoformat(),
                "expected_end_on": period.expected_end_on.isoformat(),
            },
        )
    return len(new)


@transaction.atomic
def exceptional_end(*, period: ExceptionalPeriod, ended_on: date, actor: Any) -> ExceptionalPeriod:
    """The circumstances are over: from here the return to compliance is tracked."""
    if not allowed(actor, Action.DECLARE_EXCEPTIONAL):
        raise RuleBroken(NOT_DECLARER, provision="8.5")
    period = _lock(period)
    if period.status != ExceptionalStatus.IN_FORCE:
        if period.status == ExceptionalStatus.ENDED:
            raise AlreadyDone(NOT_IN_FORCE)
        raise TransitionRefused(NOT_IN_FORCE)
    if ended_on > today():
        raise InvalidInput(DATE_IN_FUTURE, field="ended_on")
    if ended_on < period.starts_on:
        raise InvalidInput(ENDED_BEFORE_START, field="ended_on")
    period.status = ExceptionalStatus.ENDED
    period.ended_on = ended_on
    period.ended_by = actor
    period.save(update_fields=["status", "ended_on", "ended_by"])
    _log(SecurityEvent.Kind.EXCEPTIONAL_ENDED, period, actor, ended_on=ended_on.isoformat())
    return period


@transaction.atomic
def exceptional_ombudsman_notified(
    *, period: ExceptionalPeriod, notified_on: date, actor: Any
) -> ExceptionalPeriod:
    """Record the day the prepared notification went to the Ombudsman."""
    if not allowed(actor, Action.DECLARE_EXCEPTIONAL):
        raise RuleBroken(NOT_DECLARER, provision="8.5")
    period = _lock(period)
    if notified_on > today():
        raise InvalidInput(DATE_IN_FUTURE, field="notified_on")
    period.ombudsman_notified_on = notified_on
    period.save(update_fields=["ombudsman_notified_on"])
    _log(
        SecurityEvent.Kind.EXCEPTIONAL_NOTIFIED, period, actor, notified_on=notified_on.isoformat()
    )
    return period
