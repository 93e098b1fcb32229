"""What every complaint service shares: the record, the workflow guard, the clocks."""

from datetime import date
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import F

from putright.complaints.constants import overall_outcome
from putright.complaints.events import publish
from putright.complaints.models import CaseEvent, Complaint, OutstandingAction, Remedy, Stage
from putright.core import held
from putright.core.clock import today
from putright.core.errors import AlreadyDone, TransitionRefused
from putright.core.jsonrows import prepared_values
from putright.people import services as people_services
from putright.rules.profile import CodeProfile, get_profile
from putright.rules.workflow import OPEN_STATES, Action, State, TransitionNotAllowed, next_state

ALREADY_ACKNOWLEDGED = "This complaint has already been acknowledged at this stage."
ALREADY_RESPONDED = "This stage has already been answered."
ALREADY_ESCALATED_TO_STAGE_TWO = "This complaint has already been escalated to stage 2."
ALREADY_CLOSED = "This complaint has already been closed."
ALREADY_WITHDRAWN = "This complaint has already been recorded as withdrawn."
ALREADY_EXCLUDED = "This complaint has already been recorded as not accepted."

# A refused action whose effect is already there: the second of two clicks or of two people
# acting at once. It is named so staff see "already done" rather than a workflow refusal.
_ALREADY_DONE: dict[tuple[Action, State], str] = {
    (Action.ACKNOWLEDGE, State.STAGE1_OPEN): ALREADY_ACKNOWLEDGED,
    (Action.ACKNOWLEDGE, State.STAGE2_OPEN): ALREADY_ACKNOWLEDGED,
    (Action.RESPOND, State.STAGE1_RESPONDED): ALREADY_RESPONDED,
    (Action.RESPOND, State.STAGE2_RESPONDED): ALREADY_RESPONDED,
    (Action.ESCALATE, State.STAGE2_REQUESTED): ALREADY_ESCALATED_TO_STAGE_TWO,
    (Action.ESCALATE, State.STAGE2_OPEN): ALREADY_ESCALATED_TO_STAGE_TWO,
    (Action.CLOSE, State.CLOSED): ALREADY_CLOSED,
    (Action.WITHDRAW, State.WITHDRAWN): ALREADY_WITHDRAWN,
    (Action.EXCLUDE, State.EXCLUDED): ALREADY_EXCLUDED,
}


def profile_for(complaint: Complaint) -> CodeProfile:
    return get_profile(complaint.profile_code)


def lock_complaint(complaint: Complaint) -> Complaint:
    """Lock the complaint's row until the transaction ends and reload it in place.

    Every service that changes a complaint calls this (or lock_stage) before its guard, so
    the guard judges the state as it is now, not as the page showed it: of two people (or
    two clicks) acting at once, the second waits here, then is refused as already done.
    On SQLite the transaction already holds the database's write lock (BEGIN IMMEDIATE).
    A new case decided for an import (``core.held``) is in memory only: nothing to lock.
    """
    if held.current() is not None and complaint.pk is None:
        return complaint
    complaint.refresh_from_db(from_queryset=Complaint.objects.select_for_update())
    return complaint


def lock_stage(stage: Stage) -> Stage:
    """Lock the stage's complaint (one lock order: the complaint first) and reload both."""
    if held.current() is not None and stage.pk is None:
        return stage
    complaint = lock_complaint(stage.complaint)
    stage.refresh_from_db()
    stage.complaint = complaint
    return stage


def lock_stages(stage_ids: list[int]) -> list[Stage]:
    """What ``lock_stage`` does, for a batch: lock the stages' complaints (in id order, so two
    batches cannot deadlock), then read the stages as they are now, each with its locked
    complaint (one object a complaint). Two queries, whatever the batch's size."""
    complaint_ids = Stage.objects.filter(pk__in=stage_ids).values_list("complaint_id", flat=True)
    locked = {
        c.pk: c
        for c in Complaint.objects.select_for_update().filter(pk__in=complaint_ids).order_by("pk")
    }
    stages = list(Stage.objects.filter(pk__in=stage_ids, complaint_id__in=locked).order_by("pk"))
    for stage in stages:
        stage.complaint = locked[stage.complaint_id]
    return stages


def guard(complaint: Complaint, action: Action) -> State:
    """The state the complaint moves to, or TransitionRefused with the rule broken
    (AlreadyDone when the action's effect is already there)."""
    try:
        return next_state(complaint.state, action)
    except TransitionNotAllowed as exc:
        already = _ALREADY_DONE.get((action, complaint.state))
        if already:
            raise AlreadyDone(already) from exc
        raise TransitionRefused(str(exc)) from exc


def record_event(
    complaint: Complaint,
    code: str,
    summary: str,
    *,
    actor: Any,
    stage: int | None = None,
    data: dict[str, Any] | None = None,
    happened_on: date | None = None,
    actor_label: str = "",
    corrects: CaseEvent | None = None,
) -> CaseEvent:
    """Append one event to the case record. Staff actors are users; others give a label."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    event = held.create(
        CaseEvent,
        complaint=complaint,
        code=code,
        stage=stage,
        summary=summary[:300],
        data=data or {},
        actor=user,
        actor_label=actor_label if user is None else "",
        happened_on=happened_on or today(),
        corrects=corrects,
    )
    rows = held.held_rows(complaint)
    if rows is not None and complaint.pk is None:
        rows["last_event"] = event  # the newest entry of an import's new case
    publish(event)
    return event


def current_stage(complaint: Complaint) -> Stage:
    return stage_numbered(complaint, complaint.current_stage)


def stage_numbered(complaint: Complaint, number: int) -> Stage:
    """The complaint's stage `number` (while holding an import's new case: the one decided)."""
    rows = held.held_rows(complaint)
    if rows is not None and complaint.pk is None:
        return rows["stages"][number]
    return complaint.stages.get(number=number)


def hold_stage(stage: Stage) -> None:
    """Save a new stage (held while importing, with no extensions yet, so the clocks read
    none from the database)."""
    rows = held.held_rows(stage.complaint)
    if rows is not None and stage.pk is None:
        rows.setdefault("stages", {})[stage.number] = stage
        stage._prefetched_objects_cache = {"extensions": []}  # type: ignore[attr-defined]
    held.save(stage)


def stored_timeliness(clocks: Any) -> dict[str, Any]:
    """The stage's stored timeliness fields from its clocks (``deadlines.StageClocks``)."""
    return {
        "ack_timeliness": clocks.acknowledgement.timeliness or "",
        "response_timeliness": clocks.response.timeliness or "",
        "timeliness_stored": True,
    }


def stored_answer(*, outcomes: Any, early_resolution: bool) -> dict[str, Any]:
    """The stage's stored answer from its response: the overall outcome of the decisions'
    `outcomes` and whether it was an early resolution (what the reports count)."""
    return {"outcome": overall_outcome(outcomes), "early_resolution": early_resolution}


def stored_answer_of(stage: Stage) -> dict[str, Any]:
    """`stored_answer` from the stage's response as saved (prefetch ``response__decisions``
    for many stages), for stages written around the services."""
    try:
        response = stage.response
    except ObjectDoesNotExist:
        return stored_answer(outcomes=(), early_resolution=False)
    return stored_answer(
        outcomes=[d.outcome for d in response.decisions.all()],
        early_resolution=response.early_resolution,
    )


# What the reports read of a stage under ``timeliness_stored``.
STORED_STAGE_FACTS = (
    "ack_timeliness",
    "response_timeliness",
    "timeliness_stored",
    "outcome",
    "early_resolution",
    "extended",
)


def timeliness_fill(*, batch: int = 2000, progress: Any = None) -> int:
    """Write the stored timeliness and answer (`STORED_STAGE_FACTS`) of every stage that has
    none yet (rows from before the columns, or loaded around the services), from the one
    clock as ``refresh_next_due`` does and from the stage's response and extensions; then the
    tenure at receipt of every complaint that has none yet (`refresh_tenure_at_receipt`).
    Returns how many stages were written. Runs in batches; safe to run again."""
    from putright.complaints.calendar import landlord_history
    from putright.complaints.deadlines import stage_clocks

    history, on, done, last = landlord_history(), today(), 0, 0
    while True:
        stages = list(
            Stage.objects.filter(timeliness_stored=False, pk__gt=last)
            .select_related("complaint", "response")
            .prefetch_related("extensions", "response__decisions")
            .order_by("pk")[:batch]
        )
        if not stages:
            # Complaints loaded around the services: their tenure at receipt too.
            refresh_tenure_at_receipt(Complaint.objects.filter(tenure_at_receipt__isnull=True))
            return done
        for stage in stages:
            complaint = stage.complaint
            clocks = stage_clocks(
                stage,
                state=complaint.state,
                on=on,
                history=history,
                profile=profile_for(complaint),
                closed_on=complaint.closed_on,
            )
            for name, value in {
                **stored_timeliness(clocks),
                **stored_answer_of(stage),
                "extended": bool(stage.extensions.all()),
            }.items():
                setattr(stage, name, value)
        Stage.objects.bulk_update(stages, STORED_STAGE_FACTS)
        done += len(stages)
        last = stages[-1].pk
        if progress is not None:
            progress(done)


def refresh_next_due(
    complaint: Complaint, stage: Stage, *, save: bool = True
) -> dict[str, tuple[Any, Any]]:
    """Write the stage's stored due dates, its stored timeliness (what the reports count) and
    the complaint's next deadline from the one clock (``deadlines.stage_clocks``): nothing else
    writes them. For the current stage, also the complaint's copies of what the work queue
    filters on (``Complaint.current_extended``, ``Complaint.update_due``). Saves the stage if
    it is already saved and something moved; the caller saves the complaint's ``CLOCK_FIELDS``.
    Returns what moved."""
    from putright.complaints.calendar import landlord_history
    from putright.complaints.deadlines import extensions_of, stage_clocks, stage_update_due

    history = landlord_history()
    extensions = extensions_of(stage)
    clocks = stage_clocks(
        stage,
        state=complaint.state,
        on=today(),
        history=history,
        profile=profile_for(complaint),
        extensions=extensions,
        closed_on=complaint.closed_on,
    )
    wanted = {
        "ack_due": clocks.acknowledgement.due,
        "response_due_original": clocks.response.original_due,
        "response_due": clocks.response.due,
        "update_due": stage_update_due(stage, state=complaint.state, on=today(), history=history),
    }
    changes = {
        name: (getattr(stage, name), value)
        for name, value in wanted.items()
        if getattr(stage, name) != value
    }
    for name, (_old, value) in changes.items():
        setattr(stage, name, value)
    # The reports' stored judgement of each step, and whether the deadline was ever extended
    # (an extension needs an acknowledged stage: `extensions_of` reads them all then). Not a
    # deadline moving: no event for it.
    judged = {**stored_timeliness(clocks), "extended": bool(extensions)}
    rejudged = [name for name, value in judged.items() if getattr(stage, name) != value]
    for name in rejudged:
        setattr(stage, name, judged[name])
    if save and (changes or rejudged) and stage.pk is not None:
        stage.save(update_fields=[*changes, *rejudged])
    if stage.number == complaint.current_stage:
        complaint.next_due = clocks.current.due if complaint.state in OPEN_STATES else None
        complaint.current_extended = stage.is_extended
        complaint.update_due = stage.update_due
    return changes


# What ``refresh_next_due`` writes on the complaint (from its current stage): every caller
# saves these with the fields it changed itself.
CLOCK_FIELDS = ("next_due", "current_extended", "update_due")


def _active_vulnerabilities(residents: Any) -> Any:
    """What `Complaint.resident_vulnerable` means: the resident has an active vulnerability
    (`residents`: ids, or an outer reference)."""
    from putright.people.models import Vulnerability

    if isinstance(residents, set):
        return Vulnerability.objects.filter(resident__in=residents, active=True)
    return Vulnerability.objects.filter(resident=residents, active=True)


def _resident_facts(residents: Any) -> Any:
    """One row per resident and tenancy (the tenancy's columns null when they have none):
    id, whether they have an active vulnerability now, the tenancy's start, id and tenure,
    then what their search rows are built from (`RESIDENT_AS_NOW`)."""
    from django.db.models import Exists, OuterRef

    from putright.people.models import Resident

    return (
        Resident.objects.filter(pk__in=residents)
        .order_by()
        .annotate(vulnerable=Exists(_active_vulnerabilities(OuterRef("pk"))))
        .values_list(
            "pk",
            "vulnerable",
            "tenancies__start_on",
            "tenancies__id",
            "tenancies__tenure",
            *RESIDENT_AS_NOW,
        )
    )


# What a new complaint's search row takes from its resident (complaints.search._entry), read
# again with the facts: a resident read before a correction to them committed (the API's
# lookup, then the admin's rename) is brought up to date before the row is built, as the
# correction's own reindex could not see the complaint.
RESIDENT_AS_NOW = ("full_name", "email", "phone", "home_id")


def _one_resident_facts(pk: Any) -> Any:
    return _resident_facts({pk})


def resident_facts_set(complaints: list[Complaint]) -> None:
    """What new complaints about to be inserted store of their resident
    (``intake.complaint_receive``, through ``held.before_write``: the one complaint now live,
    an import's chunk in one query), so receiving writes each complaint once: whether the
    resident has an active vulnerability now (`resident_vulnerable`) and their tenure on the
    day of receipt (`tenure_at_receipt`: the rule of `tenure_at_receipt`, here over the
    tenancies read with the flag). A tenancy held in the same import chunk is not written yet:
    `tenancy_start` has its resident's complaints written again once it is
    (`on_tenancy_change`). One resident (every live create) is read by SQL built once per
    process (core.jsonrows.prepared_values): compiling it was a tenth of a create's CPU."""
    residents = {c.resident_id if c.resident_id is not None else c.resident.pk for c in complaints}
    people_services.residents_facts_read(residents)
    only = next(iter(residents)) if len(residents) == 1 else None
    if isinstance(only, int):
        rows = prepared_values("resident_facts", _one_resident_facts, only)
    else:
        rows = _resident_facts(residents)
    vulnerable: set[int] = set()
    tenancies: dict[int, list[tuple[Any, int, str]]] = {}
    now: dict[int, tuple[Any, ...]] = {}
    for pk, is_vulnerable, start_on, tenancy_id, tenure, *as_now in rows:
        if is_vulnerable:
            vulnerable.add(pk)
        if tenancy_id is not None:
            tenancies.setdefault(pk, []).append((start_on, tenancy_id, tenure))
        now[pk] = as_now
    for c in complaints:
        resident = c.resident_id or c.resident.pk
        c.resident_vulnerable = resident in vulnerable
        started = sorted(t for t in tenancies.get(resident, ()) if t[0] <= c.received_on)
        c.tenure_at_receipt = started[-1][2] if started else ""
        if Complaint.resident.is_cached(c) and resident in now:
            _resident_as_now(c.resident, now[resident])


def _resident_as_now(resident: Any, values: tuple[Any, ...]) -> None:
    """Bring a resident read earlier up to date with `values` (`RESIDENT_AS_NOW`, as read
    now); their home is read again if it changed."""
    d = resident.__dict__
    for name, value in zip(RESIDENT_AS_NOW, values, strict=True):
        if d.get(name) != value:
            d[name] = value
            if name == "home_id":
                resident._state.fields_cache.pop("home", None)


def refresh_resident_vulnerable(complaints: Any) -> int:
    """Write `Complaint.resident_vulnerable` for these complaints (a queryset): whether the
    resident has an active vulnerability now. With `resident_facts_set` at receipt, the
    flag's only writer: every change to a resident's vulnerabilities
    (``people.services.on_vulnerability_change``) comes here."""
    from django.db.models import Exists, OuterRef

    return complaints.order_by().update(
        resident_vulnerable=Exists(_active_vulnerabilities(OuterRef("resident")))
    )


def _residents_vulnerabilities_changed(resident_ids: list[int]) -> None:
    refresh_resident_vulnerable(Complaint.objects.filter(resident_id__in=resident_ids))


people_services.on_vulnerability_change(_residents_vulnerabilities_changed)


def tenure_at_receipt(resident: Any, received_on: Any) -> Any:
    """The resident's tenure on the day a complaint was received, as an SQL expression over an
    outer row (`resident`, `received_on`: references to its columns): the tenure of the latest
    tenancy started by then (the latest made, of those started the same day), NULL when none
    had. The rule: `refresh_tenure_at_receipt` stores it, and the reports look it up so for a
    complaint not stored yet (`Complaint.tenure_at_receipt` null); `resident_facts_set` applies
    the same rule in Python to the tenancies it reads at receipt (the random histories of
    reporting/tests/test_fast_equals_slow.py hold both to a recount). A seek read backwards
    from the index `tenancy_tenure_on` (bench/README.md, rep21)."""
    from django.db.models import Subquery

    from putright.people.models import Tenancy

    return Subquery(
        Tenancy.objects.filter(resident_id=resident, start_on__lte=received_on)
        .order_by("-start_on", "-id")
        .values("tenure")[:1]
    )


def refresh_tenure_at_receipt(complaints: Any) -> int:
    """Write `Complaint.tenure_at_receipt` for these complaints (a queryset) from their
    residents' tenancies now (`tenure_at_receipt`, "" when none had started). With
    `resident_facts_set` at receipt (the new row, before its insert), its only writer: whenever
    a resident's tenancies change (``people.services.on_tenancy_change``), for rows loaded
    around the services (`timeliness_fill`) and by `refresh_stored`."""
    from django.db.models import OuterRef, Value
    from django.db.models.functions import Coalesce

    stored = Coalesce(
        tenure_at_receipt(OuterRef("resident_id"), OuterRef("received_on")), Value("")
    )
    # Only the rows it changes: an UPDATE writes a new version of every row it matches, each
    # with an entry in every index the column is in, whether the value moved or not (an
    # import's chunk refreshes every complaint of the residents whose tenancies it moves).
    return complaints.order_by().exclude(tenure_at_receipt=stored).update(tenure_at_receipt=stored)


def _residents_tenancies_changed(resident_ids: list[int]) -> None:
    refresh_tenure_at_receipt(Complaint.objects.filter(resident_id__in=resident_ids))


people_services.on_tenancy_change(_residents_tenancies_changed)


def follow_ups_chased_by(complaint: Complaint) -> None:
    """Store who chases each of the complaint's remedies and actions (``FollowUp.chased_by``):
    a remedy's is the complaint's handler, an action's its named owner, else the handler.
    The one writer of ``chased_by``: called whenever the handler changes or promises are made
    (after the complaint is saved; while an import holds its rows, once they are written:
    ``held.after_write`` calls it now when nothing is held)."""
    held.after_write(follow_ups_chased_by_of, [held.pk_of(complaint)])


def follow_ups_chased_by_of(complaint_ids: list[int]) -> None:
    from django.db.models import OuterRef, Subquery

    handler = Subquery(
        Complaint.objects.filter(pk=OuterRef("complaint_id")).values("handler_id")[:1]
    )
    Remedy.objects.filter(complaint_id__in=complaint_ids).update(chased_by_id=handler)
    actions = OutstandingAction.objects.filter(complaint_id__in=complaint_ids)
    actions.filter(owner__isnull=True).update(chased_by_id=handler)
    actions.filter(owner__isnull=False).update(chased_by_id=F("owner_id"))
