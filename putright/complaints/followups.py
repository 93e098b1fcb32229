"""The follow-through tracker's queries: every remedy and outstanding action, open or closed.

Remedies and actions are two tables; each is read in its index's order only as far as the page
needs and the two are merged (``FollowUpKeys``), then each page loads its rows with their
joins: a fixed number of queries whatever the size, none sorting every row.
A remedy's owner is the complaint's handler; an action's is its named owner, or the handler
when only a team or contractor is named (someone on the staff must chase it); stored on each
row as ``chased_by`` by its one writer, ``services.common.follow_ups_chased_by``.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet

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
    """Rows whose owner (see module doc) matches `lookup`, given as owner-relative lookups:
    read from the stored ``chased_by`` (services.common.follow_ups_chased_by keeps it)."""
    return Q(**{f"chased_by__{k}": v for k, v in lookup.items()})


def _complaint_is(**lookup: Any) -> Exists:
    return Exists(Complaint.objects.filter(pk=OuterRef("complaint_id"), **lookup))


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
    # The complaint's stage or status is looked up for each row in the index's order (not a
    # join the database might sort first), so a page stops after its rows.
    if filters.stage:
        qs = qs.filter(_complaint_is(current_stage=filters.stage))
    if filters.status:
        qs = qs.filter(_complaint_is(status=filters.status))
    if filters.complaint_id:
        qs = qs.filter(complaint_id=filters.complaint_id)
    return qs


Key = tuple[str, int, date, date]  # (kind, id, due_on, completed_on or date.max)


# The tracker counts up to this many of each kind and then says "more than": a count walks the
# rows it counts, and a filter on the complaint (closed complaints, say) looks each one up.
COUNT_CAP = 1_000


class FollowUpKeys:
    """The keys of every matching remedy and action: open ones first, soonest due; then done
    ones, the latest done first. Counted up to ``COUNT_CAP`` of each kind and sliced on demand (a
    Paginator's object list).

    Each kind is read on its own, in the order of its partial (due_on, id) index for
    open ones and its (-completed_on, due_on, id) index for done ones, only as far as the page
    asked for, and the kinds are merged here: no query sorts every remedy. So the first pages
    are quick at any size and page N reads N pages of keys."""

    def __init__(self, parts: list[tuple[str, QuerySet[Any]]], *, open_: bool, done: bool):
        self.parts = parts
        self.open = open_
        self.done = done
        self._count: int | None = None
        self._counts: list[int] = []

    def count(self) -> int:
        if self._count is None:
            self._counts = [
                qs.order_by().values("pk")[: COUNT_CAP + 1].count() for _, qs in self.parts
            ]
            self._count = sum(self._counts)
        return self._count

    def __len__(self) -> int:
        return self.count()

    @property
    def more_than_cap(self) -> bool:
        """Whether a count stopped at the cap (show "more than COUNT_CAP")."""
        self.count()
        return any(n > COUNT_CAP for n in self._counts)

    def _read(self, open_: bool, n: int) -> list[Key]:
        keys: list[Key] = []
        for kind, qs in self.parts:
            if open_:
                rows = qs.filter(completed_on__isnull=True).order_by("due_on", "id")
                keys += [
                    (kind, pk, due, date.max) for pk, due in rows.values_list("pk", "due_on")[:n]
                ]
            else:
                rows = qs.filter(completed_on__isnull=False).order_by(
                    "-completed_on", "due_on", "id"
                )
                keys += [
                    (kind, pk, due, done)
                    for pk, due, done in rows.values_list("pk", "due_on", "completed_on")[:n]
                ]
        # Open: soonest due first; done: the latest done first, then soonest due.
        keys.sort(key=lambda k: (-k[3].toordinal(), k[2], k[0], k[1]))
        return keys[:n]

    def __getitem__(self, item: slice) -> list[Key]:
        start = item.start or 0
        stop = item.stop if item.stop is not None else self.count()
        if stop <= start:
            return []
        keys = self._read(True, stop) if self.open else []
        if self.done and len(keys) < stop:  # every open key is read: go on to done ones
            keys += self._read(False, stop - len(keys))
        return keys[start:stop]


def follow_up_keys(*, filters: FollowUpFilters, today: date) -> FollowUpKeys:
    """(kind, id, due_on, done) of every matching remedy and action, open ones first, soonest
    due (see ``FollowUpKeys``)."""
    parts = []
    for kind, model in ((Kind.REMEDY, Remedy), (Kind.ACTION, OutstandingAction)):
        if filters.kind and filters.kind != kind:
            continue
        parts.append((kind, _filtered(model.objects.all(), kind, filters, today)))
    return FollowUpKeys(
        parts,
        open_=filters.state != State.DONE,
        done=filters.state in ("", State.DONE),
    )


def follow_up_rows(
    keys: list[tuple[str, int, date, date]], *, today: date, calendar: Any = None
) -> list[FollowUpRow]:
    """The rows for a page of keys, each with its complaint, owner and standing."""
    calendar = calendar or landlord_calendar()
    due_soon = current_profile().due_soon_working_days
    wanted = {Kind.REMEDY: [], Kind.ACTION: []}  # type: dict[str, list[int]]
    for kind, pk, *_ in keys:
        wanted[kind].append(pk)
    joins = ("chased_by", "complaint__resident", "completed_by")
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
        owner = item.chased_by
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
