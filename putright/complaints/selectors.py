"""Queries for complaints: each owns its joins so pages and the API avoid N+1."""

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet

from putright.complaints.models import (
    Attachment,
    CaseEvent,
    Complaint,
    Correspondence,
    Decision,
    Exclusion,
    Extension,
    OutstandingAction,
    Remedy,
    Stage,
)
from putright.people.models import Adjustment, Vulnerability
from putright.rules.workflow import OPEN_STATES


def complaint_list(
    *,
    status: str | None = None,
    stage: int | None = None,
    handler_id: int | None = None,
    unassigned: bool = False,
    overdue_on: date | None = None,
    open_only: bool = False,
    search: str = "",
) -> QuerySet[Complaint]:
    """Complaints, newest next-deadline first when open; filters are all optional."""
    qs = Complaint.objects.select_related("resident", "handler", "category")
    if open_only:
        qs = qs.filter(status__in=[s.value for s in OPEN_STATES])
    if status:
        qs = qs.filter(status=status)
    if stage:
        qs = qs.filter(current_stage=stage)
    if handler_id:
        qs = qs.filter(handler_id=handler_id)
    if unassigned:
        qs = qs.filter(handler__isnull=True)
    if overdue_on:
        qs = qs.filter(next_due__lt=overdue_on)
    if search:
        qs = qs.filter(
            Q(reference__iexact=search.strip())
            | Q(resident__full_name__icontains=search)
            | Q(description__icontains=search)
        )
    return qs.order_by("next_due", "received_on", "id")


def complaint_detail(reference: str) -> Complaint:
    """One complaint with everything its page or API document shows, in a fixed few queries."""
    return complaint_detail_queryset().get(reference=reference)


def complaint_detail_queryset() -> QuerySet[Complaint]:
    stages = Stage.objects.select_related(
        "handler", "response", "response__author"
    ).prefetch_related(
        Prefetch("extensions", queryset=Extension.objects.select_related("created_by")),
        Prefetch("response__decisions", queryset=Decision.objects.select_related("point")),
    )
    return Complaint.objects.select_related(
        "resident", "resident__home", "home", "handler", "category", "linked_to", "logged_by"
    ).prefetch_related(
        Prefetch("stages", queryset=stages),
        "points",
        "remedies",
        Prefetch("outstanding_actions", queryset=_actions()),
        "exclusions",
        "ombudsman_referrals",
        "linked_complaints",
    )


def _actions():
    from putright.complaints.models import OutstandingAction

    return OutstandingAction.objects.select_related("owner")


def complaint_record(complaint: Complaint) -> QuerySet[CaseEvent]:
    """The case record, newest first."""
    return complaint.events.select_related("actor").order_by("-recorded_at", "-id")


def complaint_correspondence(complaint: Complaint) -> QuerySet[Correspondence]:
    return complaint.correspondence.select_related("recorded_by").prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.all())
    )


# --- the staff work queue ----------------------------------------------------------------------


class QueueScope(StrEnum):
    MINE = "mine"
    TEAM = "team"
    UNASSIGNED = "unassigned"
    ALL = "all"


QUEUE_SCOPE_LABELS = {
    QueueScope.MINE: "My cases",
    QueueScope.TEAM: "My team",
    QueueScope.UNASSIGNED: "Unassigned",
    QueueScope.ALL: "All open",
}


@dataclass(frozen=True)
class QueueFilters:
    """What the work queue is narrowed by; every field is optional."""

    scope: QueueScope = QueueScope.ALL
    stage: int | None = None
    status: str = ""
    category_id: int | None = None
    handler_id: int | None = None
    channel: str = ""
    overdue: bool = False
    extended: bool = False
    vulnerable: bool = False
    search: str = ""


def work_queue(*, user: Any, filters: QueueFilters, today: date) -> QuerySet[Complaint]:
    """Open complaints, the next deadline first, narrowed by scope and filters.

    Sorts on the denormalised `next_due` (indexed with status and handler), so the first page
    of 100k complaints is an index walk. Each row carries `vulnerable`, `has_adjustments` and
    `extended` flags as subqueries, never a query per row.
    """
    current_stage = Stage.objects.filter(complaint=OuterRef("pk"), number=OuterRef("current_stage"))
    qs = (
        Complaint.objects.open()
        .select_related("resident", "handler", "category", "home")
        .annotate(
            vulnerable=Exists(
                Vulnerability.objects.filter(resident=OuterRef("resident"), active=True)
            ),
            has_adjustments=Exists(
                Adjustment.objects.filter(resident=OuterRef("resident"), active=True)
            ),
            extended=Exists(current_stage.filter(response_due__gt=F("response_due_original"))),
        )
    )
    if filters.scope == QueueScope.MINE:
        qs = qs.filter(handler=user)
    elif filters.scope == QueueScope.TEAM:
        team = getattr(user, "team", "")
        qs = qs.filter(handler__team=team) if team else qs.filter(handler=user)
    elif filters.scope == QueueScope.UNASSIGNED:
        qs = qs.filter(handler__isnull=True)
    if filters.stage:
        qs = qs.filter(current_stage=filters.stage)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.category_id:
        qs = qs.filter(category_id=filters.category_id)
    if filters.handler_id:
        qs = qs.filter(handler_id=filters.handler_id)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.overdue:
        qs = qs.filter(next_due__lt=today)
    if filters.extended:
        qs = qs.filter(extended=True)
    if filters.vulnerable:
        qs = qs.filter(vulnerable=True)
    search = filters.search.strip()
    if search:
        if REFERENCE_PATTERN.match(search):
            qs = qs.filter(reference__iexact=search)
        else:
            qs = qs.filter(
                Q(reference__icontains=search)
                | Q(resident__full_name__icontains=search)
                | Q(home__address_line_1__icontains=search)
                | Q(home__postcode__iexact=search)
                | Q(description__icontains=search)
            )
    return qs.order_by(F("next_due").asc(nulls_last=True), "received_on", "id")


REFERENCE_PATTERN = re.compile(r"^CMP-\d{4}-\d{6}$", re.IGNORECASE)


def queue_handlers() -> QuerySet[Any]:
    """Staff who can hold cases, for the handler filter and the assign form."""
    from putright.accounts.models import User

    return User.objects.filter(
        is_active=True, role__in=[User.Role.HANDLER, User.Role.OFFICER, User.Role.ADMIN]
    ).order_by("first_name", "last_name", "username")


# --- the case page -----------------------------------------------------------------------------


def case_page(reference: str) -> Complaint:
    """One complaint with all its case page shows, including the resident's active adjustments
    and vulnerabilities (Code 5.10), in a fixed number of queries."""
    stages = Stage.objects.select_related(
        "handler", "response", "response__author"
    ).prefetch_related(
        Prefetch("extensions", queryset=Extension.objects.select_related("created_by")),
        Prefetch("response__decisions", queryset=Decision.objects.select_related("point")),
    )
    return (
        Complaint.objects.select_related(
            "resident", "resident__home", "home", "handler", "category", "linked_to", "logged_by"
        )
        .prefetch_related(
            Prefetch("stages", queryset=stages),
            "points",
            "linked_complaints",
            "ombudsman_referrals",
            Prefetch(
                "resident__adjustments",
                queryset=Adjustment.objects.filter(active=True),
                to_attr="active_adjustments",
            ),
            Prefetch(
                "resident__vulnerabilities",
                queryset=Vulnerability.objects.filter(active=True),
                to_attr="active_vulnerabilities",
            ),
            Prefetch("remedies", queryset=Remedy.objects.select_related("completed_by")),
            Prefetch(
                "outstanding_actions",
                queryset=OutstandingAction.objects.select_related("owner", "completed_by"),
            ),
            Prefetch("exclusions", queryset=Exclusion.objects.select_related("decided_by")),
            Prefetch("attachments", queryset=Attachment.objects.select_related("uploaded_by")),
        )
        .get(reference=reference)
    )


TIMELINE_KINDS = {
    "": ("Everything", ()),
    "lifecycle": (
        "Stages and decisions",
        ("complaint.", "stage.", "definition.", "ombudsman."),
    ),
    "correspondence": ("Correspondence and documents", ("correspondence.", "document.")),
    "notes": ("Notes and corrections", ("note.", "record.")),
    "follow_up": ("Remedies and actions", ("remedy.", "action.")),
}


def case_timeline(complaint: Complaint, *, kind: str = "") -> list[CaseEvent]:
    """The full record, newest first, each correspondence event with its item and attachments."""
    events = complaint_record(complaint)
    prefixes = TIMELINE_KINDS.get(kind, TIMELINE_KINDS[""])[1]
    if prefixes:
        condition = Q()
        for prefix in prefixes:
            condition |= Q(code__startswith=prefix)
        events = events.filter(condition)
    items = list(events)
    wanted = {
        e.data.get("correspondence")
        for e in items
        if e.code.startswith("correspondence.") and isinstance(e.data, dict)
    }
    wanted.discard(None)
    by_pk = (
        {c.pk: c for c in complaint_correspondence(complaint).filter(pk__in=wanted)}
        if wanted
        else {}
    )
    for event in items:
        event.correspondence_item = by_pk.get(event.data.get("correspondence"))  # type: ignore[attr-defined]
    return items


# --- the complaints officer's dashboard ---------------------------------------------------------


@dataclass(frozen=True)
class Timeliness:
    done: int
    on_time: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.on_time / self.done) if self.done else None


def _timeliness(done_field: str, due_field: str, since: date, until: date) -> dict[int, Timeliness]:
    rows = (
        Stage.objects.filter(**{f"{done_field}__gte": since, f"{done_field}__lte": until})
        .values("number")
        .annotate(
            done=Count("id"),
            on_time=Count("id", filter=Q(**{f"{done_field}__lte": F(due_field)})),
        )
    )
    return {r["number"]: Timeliness(done=r["done"], on_time=r["on_time"]) for r in rows}


@dataclass(frozen=True)
class DashboardFigures:
    open_by_state: list[tuple[str, str, int]]
    open_total: int
    due_this_week: int
    overdue: int
    extended: int
    unassigned: int
    ack_month: dict[int, Timeliness]
    ack_year: dict[int, Timeliness]
    response_month: dict[int, Timeliness]
    response_year: dict[int, Timeliness]
    month_start: date
    year_start: date


def dashboard_figures(*, today: date, week_end: date) -> DashboardFigures:
    """Open work and this month's and year's timeliness, in a handful of aggregate queries."""
    open_qs = Complaint.objects.open()
    counts = dict(open_qs.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    from putright.rules.workflow import STATE_LABELS, State

    by_state = [
        (state.value, STATE_LABELS[state], counts.get(state.value, 0))
        for state in State
        if state in OPEN_STATES
    ]
    totals = open_qs.aggregate(
        due_this_week=Count("id", filter=Q(next_due__gte=today, next_due__lte=week_end)),
        overdue=Count("id", filter=Q(next_due__lt=today)),
        unassigned=Count("id", filter=Q(handler__isnull=True)),
    )
    extended = Stage.objects.filter(
        complaint__status__in=[s.value for s in OPEN_STATES],
        number=F("complaint__current_stage"),
        response_due__gt=F("response_due_original"),
    ).count()
    month_start = today.replace(day=1)
    # The regulator's and the Ombudsman's reporting year starts on 1 April.
    year_start = date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    return DashboardFigures(
        open_by_state=by_state,
        open_total=sum(counts.values()),
        due_this_week=totals["due_this_week"],
        overdue=totals["overdue"],
        extended=extended,
        unassigned=totals["unassigned"],
        ack_month=_timeliness("acknowledged_on", "ack_due", month_start, today),
        ack_year=_timeliness("acknowledged_on", "ack_due", year_start, today),
        response_month=_timeliness("responded_on", "response_due", month_start, today),
        response_year=_timeliness("responded_on", "response_due", year_start, today),
        month_start=month_start,
        year_start=year_start,
    )
