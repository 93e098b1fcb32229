"""Each stage's clocks, from the record, by the one clock in ``putright.rules.clocks``.

Every reader (case page, queue, API, portal, reports, extend preview, letters) and every writer
of the stored due dates (``services.common.refresh_next_due``) goes through ``stage_clocks``,
so what is stored, shown, checked and reported cannot disagree.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from putright.complaints.models import Extension, Stage
from putright.rules.calendar import CalendarHistory
from putright.rules.clocks import (
    AgreedExtension,
    ClockStatus,
    Deadline,
    ExtensionCheck,
    UpdateClock,
    acknowledgement_deadline,
    propose_extension,
    response_deadline,
    update_clock,
    update_due,
)
from putright.rules.profile import CodeProfile
from putright.rules.workflow import OPEN_STATES, State


@dataclass(frozen=True)
class StageClocks:
    number: int
    acknowledgement: Deadline
    response: Deadline
    extended: bool
    # False once the complaint was closed, withdrawn or not accepted: an unfinished clock
    # then stopped rather than ran out.
    running: bool

    @property
    def current(self) -> Deadline:
        """The deadline that matters now: acknowledgement until done, then the response."""
        if self.acknowledgement.done_on is None:
            return self.acknowledgement
        return self.response

    @property
    def stopped(self) -> bool:
        return not self.running and self.current.done_on is None

    @property
    def due_on_non_working_day(self) -> bool:
        """An (imported) extended date that falls on a weekend, bank holiday or closure."""
        return not self.response.due_is_working_day


def agreed_extensions(extensions: Iterable[Any]) -> list[AgreedExtension]:
    """Extension rows (or anything with their fields) as the clock's facts, in agreed order."""
    rows = sorted(extensions, key=lambda e: (e.agreed_on, e.pk or 0))
    return [
        AgreedExtension(agreed_on=e.agreed_on, new_due=e.new_due, good_reason=bool(e.good_reason))
        for e in rows
    ]


def extensions_of(stage: Stage) -> list[AgreedExtension]:
    """The stage's extensions; none before it is saved or acknowledged (no query then). An
    import's new stage, held in memory (core.held), carries its own list."""
    cache = getattr(stage, "_prefetched_objects_cache", {})
    if stage.acknowledged_on is None or (stage.pk is None and "extensions" not in cache):
        return []
    rows = cache["extensions"] if "extensions" in cache else Extension.objects.filter(stage=stage)
    return agreed_extensions(rows)


def stage_clocks(
    stage: Stage,
    *,
    state: State,
    on: date,
    history: CalendarHistory,
    profile: CodeProfile,
    extensions: Sequence[AgreedExtension] | None = None,
    closed_on: date | None = None,
) -> StageClocks:
    """Both clocks of a stage on day `on`. `extensions` and `closed_on` may be given by a
    caller that already has them (the reports read 100k stages without model instances)."""
    rule = profile.stage(stage.number)
    running = state in OPEN_STATES
    if extensions is None:
        extensions = extensions_of(stage)
    if closed_on is None and not running:
        closed_on = stage.complaint.closed_on
    stopped_on = None if running else (closed_on or on)
    ack = acknowledgement_deadline(
        requested_on=stage.requested_on,
        limit=rule.ack_limit,
        acknowledged_on=stage.acknowledged_on,
        today=on,
        history=history,
        due_soon=profile.due_soon_working_days,
        stopped_on=stopped_on,
    )
    response = response_deadline(
        acknowledged_on=stage.acknowledged_on,
        limit=rule.response_limit,
        cap=rule.extension_cap,
        extensions=extensions,
        responded_on=stage.responded_on,
        today=on,
        history=history,
        due_soon=profile.due_soon_working_days,
        stopped_on=stopped_on,
    )
    return StageClocks(
        number=stage.number,
        acknowledgement=ack,
        response=response,
        extended=bool(extensions),
        running=running,
    )


def stage_update_due(
    stage: Stage, *, state: State, on: date, history: CalendarHistory
) -> date | None:
    """The day the resident is next owed an update on this stage (Code 5.9), or None.

    Owed only while the stage is extended and unanswered and the complaint open: counted from
    the later of the day they were told of the latest extension and the last update sent, by
    the interval agreed with that extension. The one reader of these facts: the stored
    ``Stage.update_due`` (``services.common.refresh_next_due``), the queue, the case page and
    the dashboard all come from here.
    """
    cache = getattr(stage, "_prefetched_objects_cache", {})
    if state not in OPEN_STATES or stage.responded_on is not None:
        return None
    if stage.pk is None and "extensions" not in cache:
        return None
    rows = cache["extensions"] if "extensions" in cache else Extension.objects.filter(stage=stage)
    latest = max(rows, key=lambda e: (e.agreed_on, e.pk or 0), default=None)
    if latest is None:
        return None
    told = [d for d in (latest.resident_informed_on, latest.agreed_on, stage.last_update_on) if d]
    return update_due(
        last_told_on=max(told), interval=latest.update_interval_days, calendar=history.as_of(on)
    )


def action_update_due(action: Any, *, on: date, history: CalendarHistory) -> date | None:
    """The day the resident is next owed word on a long-running outstanding action (Code 6.6 /
    6.17, at the interval agreed for it), or None: counted from the later of the response that
    promised it and the last update sent, until the action is done."""
    if action.completed_on is not None or not action.update_interval_days:
        return None
    told = [d for d in (getattr(action.response, "issued_on", None), action.last_update_on) if d]
    if not told:
        return None
    return update_due(
        last_told_on=max(told), interval=action.update_interval_days, calendar=history.as_of(on)
    )


def stage_update_clock(
    due: date | None, *, on: date, history: CalendarHistory, profile: CodeProfile
) -> UpdateClock | None:
    """Where a stored update due date stands today (due soon, overdue), for pages."""
    if due is None:
        return None
    return update_clock(
        due=due, today=on, calendar=history.as_of(on), due_soon=profile.due_soon_working_days
    )


def extension_check(
    stage: Stage,
    *,
    new_due: date,
    agreed_on: date,
    good_reason: bool,
    on: date,
    history: CalendarHistory,
    profile: CodeProfile,
) -> ExtensionCheck:
    """A proposed extension measured by the one clock: the extend preview, the service and
    the import check all call this. ValueError when not later than the current due date."""
    extensions = extensions_of(stage)
    clocks = stage_clocks(
        stage,
        state=stage.complaint.state,
        on=on,
        history=history,
        profile=profile,
        extensions=extensions,
    )
    if stage.acknowledged_on is None:
        raise ValueError("The stage has not been acknowledged.")
    return propose_extension(
        current=clocks.response,
        acknowledged_on=stage.acknowledged_on,
        extensions=extensions,
        proposed=AgreedExtension(agreed_on=agreed_on, new_due=new_due, good_reason=good_reason),
        responded_on=stage.responded_on,
        today=on,
        history=history,
        due_soon=profile.due_soon_working_days,
    )


__all__ = [
    "ClockStatus",
    "StageClocks",
    "action_update_due",
    "agreed_extensions",
    "extension_check",
    "extensions_of",
    "stage_clocks",
    "stage_update_clock",
    "stage_update_due",
]
