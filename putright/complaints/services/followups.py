"""The daily review of remedies and outstanding actions (Code 6.6, 6.17, 7.3).

Each owner gets ONE digest of what is due soon or overdue, with the updates the residents of
their open cases are owed (Code 5.9: an extended stage's ``update_due``); anything overdue by more than
``PUTRIGHT_FOLLOWUP_ESCALATE_AFTER_DAYS`` working days also goes to the complaints officers; each
complaint's record says, once a day, who was reminded of what. Running it twice on a day sends
and records nothing new: digests are keyed by owner and day in the outbox, and the record entry
is looked for (under the complaint's lock) before it is written.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string

from putright.complaints.calendar import landlord_calendar
from putright.complaints.followups import FollowUpRow, follow_up_rows
from putright.complaints.models import CaseEvent, Complaint, OutstandingAction, Remedy, Stage
from putright.complaints.selectors import updates_due_by
from putright.complaints.services.common import lock_complaint, record_event
from putright.core.messages import STAFF_REMINDER, OutgoingMessage, queue_message
from putright.core.permissions import Role
from putright.core.profile import current_profile
from putright.rules.calendar import add_working_days
from putright.rules.followups import FollowUpStanding, Standing, follow_up_standing

REMINDED = "followup.reminded"
UPDATE = "update"  # an update owed to the resident (Code 5.9), in the record entry's items


@dataclass(frozen=True)
class DailyReview:
    """What one run did: digests queued (new or already there), escalations, record entries."""

    digests: int
    escalations: int
    recorded: int


def _due_rows(today: date) -> list[FollowUpRow]:
    calendar = landlord_calendar()
    horizon = add_working_days(today, current_profile().due_soon_working_days, calendar=calendar)
    keys: list[tuple[str, int, date, date]] = []
    for kind, model in (("remedy", Remedy), ("action", OutstandingAction)):
        due = model.objects.filter(completed_on__isnull=True, due_on__lte=horizon)
        keys += [(kind, pk, d, date.max) for pk, d in due.values_list("pk", "due_on")]
    keys.sort(key=lambda k: (k[2], k[0], k[1]))
    return follow_up_rows(keys, today=today, calendar=calendar)


@dataclass(frozen=True)
class UpdateDue:
    """An update the resident of an open case is owed (Code 5.9), for its handler's digest."""

    stage: Stage
    owner: Any  # the complaint's handler (None: the complaints team)
    standing: FollowUpStanding

    @property
    def complaint(self) -> Complaint:
        return self.stage.complaint


def _updates_due(today: date) -> list[UpdateDue]:
    """Updates owed by the digest's horizon (overdue included), the soonest first: the same
    complaints the queue's "Updates due to residents" tab shows (``selectors.updates_due_by``
    asks its ``updates_due_q``), each owed by its ``Complaint.update_due``."""
    calendar = landlord_calendar()
    horizon = add_working_days(today, current_profile().due_soon_working_days, calendar=calendar)
    due_soon = current_profile().due_soon_working_days
    stages = (
        updates_due_by(horizon)
        .select_related("complaint__handler", "complaint__resident")
        .order_by("complaint__update_due", "pk")
    )
    return [
        UpdateDue(
            stage=stage,
            owner=stage.complaint.handler,
            standing=follow_up_standing(
                due_on=stage.complaint.update_due,
                completed_on=None,
                today=today,
                calendar=calendar,
                due_soon=due_soon,
            ),
        )
        for stage in stages
    ]


def _officers() -> list[Any]:
    from django.contrib.auth import get_user_model

    officers = get_user_model().objects.filter(is_active=True, role=Role.OFFICER).exclude(email="")
    return list(officers.order_by("pk"))


def _queue(*, to: str, name: str, subject: str, template: str, key: str, **context: Any) -> None:
    queue_message(
        OutgoingMessage(
            kind=STAFF_REMINDER,
            to=to,
            name=name,
            subject=subject,
            body=render_to_string(template, context),
            key=key,
            role="staff",
        )
    )


def _what(rows: list[FollowUpRow], updates: list[UpdateDue]) -> str:
    parts = [f"{len(rows)} remedy/action(s)"] if rows else []
    if updates:
        parts.append(f"{len(updates)} update(s) to the resident")
    return " and ".join(parts)


def _record(
    complaint: Complaint,
    rows: list[FollowUpRow],
    updates: list[UpdateDue],
    escalated: set[tuple[str, int]],
    today: date,
) -> bool:
    complaint = lock_complaint(complaint)
    if CaseEvent.objects.filter(complaint=complaint, code=REMINDED, happened_on=today).exists():
        return False
    owners = sorted({r.owner_text for r in rows} | {_owner_text(u.owner) for u in updates})
    record_event(
        complaint,
        REMINDED,
        f"Reminder of {_what(rows, updates)} due or overdue sent to {', '.join(owners)}"[:300],
        actor=None,
        actor_label="Daily follow-up review",
        happened_on=today,
        data={
            "items": [
                {
                    "kind": r.kind,
                    "id": r.item.pk,
                    "due_on": r.item.due_on,
                    "status": r.standing.words,
                    "owner": r.owner.username if r.owner else None,
                    "escalated": (r.kind, r.item.pk) in escalated,
                }
                for r in rows
            ]
            + [
                {
                    "kind": UPDATE,
                    "id": u.stage.pk,
                    "stage": u.stage.number,
                    "due_on": u.complaint.update_due,
                    "status": u.standing.words,
                    "owner": u.owner.username if u.owner else None,
                    "escalated": False,
                }
                for u in updates
            ]
        },
    )
    return True


def _owner_text(owner: Any) -> str:
    return (owner.get_full_name() or owner.username) if owner else "No owner"


@transaction.atomic
def followups_daily_review(*, today: date) -> DailyReview:
    """Send each owner one digest (their remedies and actions, and the updates their cases'
    residents are owed), escalate the long overdue, and note it on each complaint."""
    rows = _due_rows(today)
    updates = _updates_due(today)
    limit = settings.PUTRIGHT_FOLLOWUP_ESCALATE_AFTER_DAYS
    by_owner: dict[Any, list[FollowUpRow]] = defaultdict(list)
    for row in rows:
        by_owner[row.owner].append(row)
    updates_by_owner: dict[Any, list[UpdateDue]] = defaultdict(list)
    for update in updates:
        updates_by_owner[update.owner].append(update)
    digests = 0
    for owner in list(by_owner) + [o for o in updates_by_owner if o not in by_owner]:
        items, owed = by_owner.get(owner, []), updates_by_owner.get(owner, [])
        to = owner.email if owner is not None else ""
        _queue(
            to=to or settings.PUTRIGHT_COMPLAINTS_EMAIL,
            name=owner.get_full_name() if owner is not None else "Complaints team",
            subject=f"{_what(items, owed)} due or overdue – PutRight",
            template="complaints/email/follow_ups_digest.txt",
            key=f"followups:digest:{owner.pk if owner else 'team'}:{today.isoformat()}",
            rows=items,
            updates=owed,
            today=today,
        )
        digests += 1
    late = [
        r
        for r in rows
        if r.standing.standing is Standing.OVERDUE and r.standing.working_days > limit
    ]
    escalations = 0
    if late:
        officers = _officers() or [None]
        for officer in officers:
            _queue(
                to=officer.email if officer else settings.PUTRIGHT_COMPLAINTS_EMAIL,
                name=officer.get_full_name() if officer else "Complaints team",
                subject=f"{len(late)} remedy/action(s) overdue by more than {limit} working days",
                template="complaints/email/follow_ups_escalation.txt",
                key=f"followups:escalation:{officer.pk if officer else 'team'}:{today.isoformat()}",
                rows=late,
                limit=limit,
                today=today,
            )
            escalations += 1
    escalated = {(r.kind, r.item.pk) for r in late}
    by_complaint: dict[int, list[FollowUpRow]] = defaultdict(list)
    for row in rows:
        by_complaint[row.item.complaint_id].append(row)
    updates_by_complaint: dict[int, list[UpdateDue]] = defaultdict(list)
    complaints = {row.item.complaint_id: row.complaint for row in rows}
    for update in updates:
        updates_by_complaint[update.stage.complaint_id].append(update)
        complaints.setdefault(update.stage.complaint_id, update.complaint)
    recorded = 0
    for complaint_id in sorted(complaints):  # one lock order across runs
        recorded += _record(
            complaints[complaint_id],
            by_complaint.get(complaint_id, []),
            updates_by_complaint.get(complaint_id, []),
            escalated,
            today,
        )
    return DailyReview(digests=digests, escalations=escalations, recorded=recorded)
