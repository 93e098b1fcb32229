"""How clocks and follow-ups are worded and tagged on staff pages: words first, colour second.

Presentation only: the rules that decide the numbers live in putright.rules and deadlines.py.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from putright.complaints.constants import Direction
from putright.rules.calendar import WorkingCalendar, working_days_between
from putright.rules.clocks import ClockStatus, Deadline
from putright.rules.workflow import OPEN_STATES, State

# Every tag carries its meaning in words; the colour only repeats it (WCAG 1.4.1).
CLOCK_TAGS: dict[ClockStatus, tuple[str, str]] = {
    ClockStatus.NOT_STARTED: ("Not started", "govuk-tag--grey"),
    ClockStatus.ON_TRACK: ("On track", "govuk-tag--green"),
    ClockStatus.DUE_SOON: ("Due soon", "govuk-tag--yellow"),
    ClockStatus.OVERDUE: ("Overdue", "govuk-tag--red"),
    ClockStatus.MET: ("Done on time", "govuk-tag--blue"),
    ClockStatus.MISSED: ("Done late", "govuk-tag--orange"),
}

STATE_TAGS: dict[str, str] = {
    State.RECEIVED: "govuk-tag--light-blue",
    State.STAGE1_OPEN: "govuk-tag--blue",
    State.STAGE1_RESPONDED: "govuk-tag--teal",
    State.STAGE2_REQUESTED: "govuk-tag--purple",
    State.STAGE2_OPEN: "govuk-tag--purple",
    State.STAGE2_RESPONDED: "govuk-tag--teal",
    State.CLOSED: "govuk-tag--grey",
    State.WITHDRAWN: "govuk-tag--grey",
    State.EXCLUDED: "govuk-tag--grey",
}


def days_left_text(left: int | None) -> str:
    """'3 working days left', 'Due today', '2 working days overdue'."""
    if left is None:
        return ""
    if left == 0:
        return "Due today"
    if left < 0:
        n = -left
        return f"{n} working day{'s' if n != 1 else ''} overdue"
    return f"{left} working day{'s' if left != 1 else ''} left"


# What stopped an unfinished clock, by the state that stopped it.
STOPPED_BY: dict[State, str] = {
    State.WITHDRAWN: "the resident withdrew the complaint",
    State.EXCLUDED: "the complaint was not accepted",
    State.CLOSED: "the complaint was closed",
    State.STAGE1_RESPONDED: "the response was sent",
    State.STAGE2_RESPONDED: "the final response was sent",
}


@dataclass(frozen=True)
class StoppedBy:
    """Why and when a complaint's clocks stopped, for a clock that never finished."""

    reason: str
    on: date | None

    @property
    def text(self) -> str:
        when = f" on {self.on.day} {self.on:%B %Y}" if self.on else ""
        return f"Stopped{when}: {self.reason}"


def stopped_by(complaint: Any) -> StoppedBy | None:
    reason = STOPPED_BY.get(complaint.state)
    return StoppedBy(reason, complaint.closed_on) if reason else None


@dataclass(frozen=True)
class ClockView:
    """One deadline as a page shows it."""

    deadline: Deadline
    label: str
    tag_class: str
    left_text: str

    @classmethod
    def of(cls, deadline: Deadline, *, stopped_by: StoppedBy | None = None) -> "ClockView":
        unfinished = deadline.done_on is None and deadline.status != ClockStatus.NOT_STARTED
        if stopped_by is not None and unfinished:
            # A stopped clock neither ticks nor falls due: say what stopped it, not "due soon".
            return cls(deadline, "Stopped", "govuk-tag--grey", stopped_by.text)
        label, tag = CLOCK_TAGS[deadline.status]
        return cls(deadline, label, tag, days_left_text(deadline.working_days_left))


@dataclass(frozen=True)
class LetterSummary:
    """A letter sent from the record: its title, when and how it went, and the PDF."""

    title: str
    sent_at: Any
    how: str
    attachment: Any


def letters_sent(attachments: Any) -> list[LetterSummary]:
    """The PDFs of outgoing correspondence (the letters), newest first, from attachments
    already loaded with their correspondence."""
    letters = [
        LetterSummary(
            title=a.correspondence.subject or a.original_name,
            sent_at=a.correspondence.occurred_at,
            how="Sent by post" if a.correspondence.channel == "letter" else "Sent by email",
            attachment=a,
        )
        for a in attachments
        if a.correspondence_id is not None
        and a.correspondence.direction == Direction.OUTGOING
        and a.content_type == "application/pdf"
    ]
    return sorted(letters, key=lambda x: x.sent_at, reverse=True)


@dataclass(frozen=True)
class QueueMarker:
    """The next deadline of a work-queue row: what is due, by when, and how urgent."""

    step: str
    due: date | None
    left: int | None
    label: str
    tag_class: str
    left_text: str
    overdue: bool


def queue_marker(
    complaint: Any, *, today: date, calendar: WorkingCalendar, due_soon: int
) -> QueueMarker:
    state = complaint.state
    if state not in OPEN_STATES:
        # Listed by a status filter: nothing is due on a complaint that is not open.
        return QueueMarker("", None, None, "No deadline", "govuk-tag--grey", "", False)
    step = (
        f"Acknowledge stage {complaint.current_stage}"
        if state in {State.RECEIVED, State.STAGE2_REQUESTED}
        else f"Stage {complaint.current_stage} response"
    )
    due = complaint.next_due
    if due is None:
        return QueueMarker(step, None, None, "No deadline", "govuk-tag--grey", "", False)
    if today > due:
        left = min(working_days_between(today, due, calendar=calendar), -1)
        status = ClockStatus.OVERDUE
    else:
        left = working_days_between(today, due, calendar=calendar)
        status = ClockStatus.DUE_SOON if left <= due_soon else ClockStatus.ON_TRACK
    label, tag = CLOCK_TAGS[status]
    return QueueMarker(step, due, left, label, tag, days_left_text(left), left < 0)


def follow_up_status(item: Any, today: date) -> tuple[str, str]:
    """A remedy's or action's status in words and tag colour."""
    if item.completed_on:
        on_time = item.completed_on <= item.due_on
        return ("Done" if on_time else "Done late", "govuk-tag--blue")
    if item.due_on < today:
        return ("Overdue", "govuk-tag--red")
    return ("Due", "govuk-tag--yellow")


# A letter the outbox could not produce or deliver, by kind: the step it served is flagged,
# never shown as simply done on time.
LETTER_NOT_SENT: dict[str, str] = {
    "acknowledgement": "Acknowledgement not sent",
    "response": "Response not sent",
    "extension": "Extension notice not sent",
    "update": "Update not sent",
    "completion": "Completion letter not sent",
    "refusal": "Decision not to accept not sent",
    "receipt": "Receipt not sent",
}

LETTER_TROUBLE_TODO: dict[str, str] = {
    "not_produced": (
        "The letter could not be produced; the case record says why (often no email or postal "
        "address, or something the Code requires missing from the record). Put that right, then "
        "produce it again from the outbox."
    ),
    "not_delivered": (
        "The letter was made but could not be delivered after every retry. Check the address, "
        "then send it again from the outbox, or post it and mark it posted."
    ),
}


def letter_trouble_rows(troubles: list[dict[str, str]]) -> list[tuple[str, str]]:
    """(what is not sent, what to do) for each unresolved failed letter of a complaint."""
    return [
        (
            LETTER_NOT_SENT.get(t["trouble_kind"] or "", "Letter not sent"),
            LETTER_TROUBLE_TODO.get(t["trouble_what"], ""),
        )
        for t in troubles
    ]
