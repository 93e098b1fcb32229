"""Queries for complaints: each owns its joins so pages and the API avoid N+1."""

from datetime import date

from django.db.models import Prefetch, Q, QuerySet

from putright.complaints.models import (
    Attachment,
    CaseEvent,
    Complaint,
    Correspondence,
    Decision,
    Extension,
    Stage,
)
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
            "remedies",
            Prefetch("outstanding_actions", queryset=_actions()),
            "exclusions",
            "ombudsman_referrals",
            "linked_complaints",
        )
        .get(reference=reference)
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
