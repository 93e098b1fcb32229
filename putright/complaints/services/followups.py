"""The daily review of remedies and outstanding actions (Code 6.6, 6.17, 7.3).

Each owner gets ONE digest of what is due soon or overdue; anything overdue by more than
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
from putright.complaints.models import CaseEvent, Complaint, OutstandingAction, Remedy
from putright.complaints.services.common import lock_complaint, record_event
from putright.core.messages import STAFF_REMINDER, OutgoingMessage, queue_message
from putright.core.permissions import Role
from putright.core.profile import current_profile
from putright.rules.calendar import add_working_days
from putright.rules.followups import Standing

REMINDED = "followup.reminded"


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


def _record(
    complaint: Complaint, rows: list[FollowUpRow], escalated: set[tuple[str, int]], today: date
) -> bool:
    complaint = lock_complaint(complaint)
    if CaseEvent.objects.filter(complaint=complaint, code=REMINDED, happened_on=today).exists():
        return False
    owners = sorted({r.owner_text for r in rows})
    record_event(
        complaint,
        REMINDED,
        f"Reminder of {len(rows)} remedy/action(s) due or overdue sent to {', '.join(owners)}"[
            :300
        ],
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
        },
    )
    return True


@transaction.atomic
def followups_daily_review(*, today: date) -> DailyReview:
    """Send each owner one digest, escalate the long overdue, and note it on each complaint."""
    rows = _due_rows(today)
    limit = settings.PUTRIGHT_FOLLOWUP_ESCALATE_AFTER_DAYS
    by_owner: dict[Any, list[FollowUpRow]] = defaultdict(list)
    for row in rows:
        by_owner[row.owner].append(row)
    digests = 0
    for owner, items in by_owner.items():
        to = owner.email if owner is not None else ""
        _queue(
            to=to or settings.PUTRIGHT_COMPLAINTS_EMAIL,
            name=owner.get_full_name() if owner is not None else "Complaints team",
            subject=f"{len(items)} remedy/action(s) due or overdue – PutRight",
            template="complaints/email/follow_ups_digest.txt",
            key=f"followups:digest:{owner.pk if owner else 'team'}:{today.isoformat()}",
            rows=items,
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
    recorded = 0
    for complaint_id in sorted(by_complaint):  # one lock order across runs
        items = by_complaint[complaint_id]
        recorded += _record(items[0].complaint, items, escalated, today)
    return DailyReview(digests=digests, escalations=escalations, recorded=recorded)
