"""The follow-through tracker's queries: every remedy and outstanding action, open or closed.

Remedies and actions are two tables; one UNION of (kind, id, due date) orders and pages them
together, then each page loads its rows with their joins: five queries whatever the size.
A remedy's owner is the complaint's handler; an action's is its named owner, or the handler
when only a team or contractor is named (someone on the staff must chase it).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import CharField, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from putright.complaints.calendar import landlord_calendar
from putright.complaints.models import Complaint, OutstandingAction, Remedy
from putright.core.profile import current_profile
from putright.rules.followups import FollowUpStanding, Standing, follow_up_standing


class Kind:
    REMEDY = "remedy"
    ACTION = "action"
    LABELS = {REMEDY: "Remedy", ACTION: "Outstanding action"}


class State:
    """The tracker's `state` filter."""

    OPEN = "open"
    OVERDUE = "overdue"
    WEEK = "week"
    DONE = "done"
    LABELS = {OPEN: "Not done", OVERDUE: "Overdue", WEEK: "Due this week", DONE: "Done"}


def week_end(today: date) -> date:
    """The Sunday that ends today's week (the dashboard's "this week")."""
    return today + timedelta(days=6 - today.weekday())


@dataclass(frozen=True)
class FollowUpFilters:
    """What the tracker shows; every filter optional."""

    owner_id: int | None = None
    team: str = ""
    kind: str = ""
    state: str = ""
    stage: int | None = None
    status: str = ""
    complaint_id: int | None = None


@dataclass(frozen=True)
class FollowUpRow:
    """One remedy or action as the tracker shows it."""

    kind: str
    item: Remedy | OutstandingAction
    owner: Any
    standing: FollowUpStanding
    kind_label: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind_label", Kind.LABELS[self.kind])

    @property
    def complaint(self) -> Any:
        return self.item.complaint

    @property
    def owner_text(self) -> str:
        name = getattr(self.item, "owner_name", "")
        person = self.owner.get_full_name() or self.owner.username if self.owner else ""
        if name and person:
            return f"{name} (chased by {person})"
        return name or person or "No owner"

    @property
    def tag_class(self) -> str:
        return STANDING_TAGS[self.standing.standing]

    @property
    def is_open(self) -> bool:
        return self.item.completed_on is None


# Words first; the colour only repeats them (WCAG 1.4.1).
STANDING_TAGS = {
    Standing.DUE: "govuk-tag--grey",
    Standing.DUE_SOON: "govuk-tag--yellow",
    Standing.OVERDUE: "govuk-tag--red",
    Standing.DONE_ON_TIME: "govuk-tag--blue",
    Standing.DONE_LATE: "govuk-tag--orange",
}


def _owner_q(kind: str, **lookup: Any) -> Q:
    """Rows whose owner (see module doc) matches `lookup`, given as owner-relative lookups."""
    # The owner's complaints first (the handler index), then their remedies by complaint: at
    # 1M complaints this beats reading every open remedy and joining its complaint.
    by_handler = Q(
        complaint_id__in=Complaint.objects.filter(
            **{f"handler__{k}": v for k, v in lookup.items()}
        ).values("pk")
    )
    if kind == Kind.REMEDY:
        return by_handler
    named = Q(**{f"owner__{k}": v for k, v in lookup.items()})
    return named | (Q(owner__isnull=True) & by_handler)


def _filtered(qs: QuerySet[Any], kind: str, filters: FollowUpFilters, today: date) -> QuerySet:
    if filters.owner_id:
        qs = qs.filter(_owner_q(kind, id=filters.owner_id))
    if filters.team:
        qs = qs.filter(_owner_q(kind, team=filters.team))
    if filters.state == State.OPEN:
        qs = qs.filter(completed_on__isnull=True)
    elif filters.state == State.OVERDUE:
        qs = qs.filter(completed_on__isnull=True, due_on__lt=today)
    elif filters.state == State.WEEK:
        qs = qs.filter(completed_on__isnull=True, due_on__range=(today, week_end(today)))
    elif filters.state == State.DONE:
        qs = qs.filter(completed_on__isnull=False)
    if filters.stage:
        qs = qs.filter(complaint__current_stage=filters.stage)
    if filters.status:
        qs = qs.filter(complaint__status=filters.status)
    if filters.complaint_id:
        qs = qs.filter(complaint_id=filters.complaint_id)
    return qs


def follow_up_keys(*, filters: FollowUpFilters, today: date) -> QuerySet[Any]:
    """(kind, id, due_on) of every matching remedy and action, open ones first, soonest due."""
    parts = []
    for kind, model in ((Kind.REMEDY, Remedy), (Kind.ACTION, OutstandingAction)):
        if filters.kind and filters.kind != kind:
            continue
        qs = _filtered(model.objects.all(), kind, filters, today)
        parts.append(
            qs.annotate(
                kind=Value(kind, output_field=CharField()),
                done=Coalesce(F("completed_on"), Value(date.max)),
            )
            .order_by()
            .values_list("kind", "id", "due_on", "done")
        )
    first, *rest = parts
    keys = first.union(*rest, all=True) if rest else first
    # Open promises (no completion date, sorted as date.max) before done ones, soonest first.
    return keys.order_by("-done", "due_on", "kind", "id")


def follow_up_rows(
    keys: list[tuple[str, int, date, date]], *, today: date, calendar: Any = None
) -> list[FollowUpRow]:
    """The rows for a page of keys, each with its complaint, owner and standing."""
    calendar = calendar or landlord_calendar()
    due_soon = current_profile().due_soon_working_days
    wanted = {Kind.REMEDY: [], Kind.ACTION: []}  # type: dict[str, list[int]]
    for kind, pk, *_ in keys:
        wanted[kind].append(pk)
    joins = ("complaint__handler", "complaint__resident", "completed_by")
    loaded: dict[tuple[str, int], Any] = {}
    if wanted[Kind.REMEDY]:
        for r in Remedy.objects.filter(pk__in=wanted[Kind.REMEDY]).select_related(*joins):
            loaded[(Kind.REMEDY, r.pk)] = r
    if wanted[Kind.ACTION]:
        actions = OutstandingAction.objects.filter(pk__in=wanted[Kind.ACTION])
        for a in actions.select_related("owner", *joins):
            loaded[(Kind.ACTION, a.pk)] = a
    rows = []
    for kind, pk, *_ in keys:
        item = loaded.get((kind, pk))
        if item is None:  # deleted between the two queries
            continue
        owner = getattr(item, "owner", None) or item.complaint.handler
        standing = follow_up_standing(
            due_on=item.due_on,
            completed_on=item.completed_on,
            today=today,
            calendar=calendar,
            due_soon=due_soon,
        )
        rows.append(FollowUpRow(kind, item, owner, standing))
    return rows


def follow_up_page(
    *, filters: FollowUpFilters, today: date, page: Any = 1, per_page: int = 25
) -> tuple[Page, list[FollowUpRow]]:
    """One page of the tracker: the paginator's page and its rows."""
    page_obj = Paginator(follow_up_keys(filters=filters, today=today), per_page).get_page(page)
    return page_obj, follow_up_rows(list(page_obj.object_list), today=today)


def follow_up_counts(*, today: date, owner_id: int | None = None) -> dict[str, int]:
    """Open follow-ups overdue, and due from today to the end of the week (dashboard)."""
    counts = {"overdue": 0, "due_this_week": 0}
    for kind, model in ((Kind.REMEDY, Remedy), (Kind.ACTION, OutstandingAction)):
        qs = model.objects.filter(completed_on__isnull=True)
        if owner_id:
            qs = qs.filter(_owner_q(kind, id=owner_id))
        counts["overdue"] += qs.filter(due_on__lt=today).count()
        counts["due_this_week"] += qs.filter(due_on__range=(today, week_end(today))).count()
    return counts
