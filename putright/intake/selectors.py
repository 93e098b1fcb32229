"""Queries for the intake pages; each owns its joins."""

from django.db.models import Count, Q, QuerySet

from putright.intake.constants import CLOSED_REQUEST_STATUSES, FollowUpStatus, InboundStatus
from putright.intake.models import (
    FollowUpTask,
    InboundEmail,
    IntakeItem,
    ServiceRequest,
    SurveyResponse,
)


def service_requests(*, open_only: bool = True) -> QuerySet[ServiceRequest]:
    qs = ServiceRequest.objects.select_related("resident", "owner").annotate(
        complaint_count=Count("complaints")
    )
    if open_only:
        qs = qs.exclude(status__in=[s.value for s in CLOSED_REQUEST_STATUSES])
    return qs.order_by("due_on", "id")


def service_request_detail(pk: int) -> ServiceRequest:
    return (
        ServiceRequest.objects.select_related("resident", "owner", "home")
        .prefetch_related("complaints", "updates__actor")
        .get(pk=pk)
    )


def follow_ups(*, open_only: bool = True) -> QuerySet[FollowUpTask]:
    qs = FollowUpTask.objects.select_related(
        "survey_response", "survey_response__resident", "done_by", "complaint"
    )
    if open_only:
        qs = qs.filter(status=FollowUpStatus.OPEN)
    return qs.order_by("status", "due_on", "id")


def survey_comments(limit: int = 200) -> QuerySet[SurveyResponse]:
    """The latest survey answers with a comment, for the recognition assistant (Code 1.6)."""
    return (
        SurveyResponse.objects.select_related("resident")
        .exclude(comment="")
        .exclude(follow_up__complaint__isnull=False)  # already made into a complaint
        .order_by("-responded_on", "-id")[:limit]
    )


def quarantined() -> QuerySet[InboundEmail]:
    return InboundEmail.objects.filter(
        status=InboundStatus.QUARANTINED, resolved_at__isnull=True
    ).order_by("-received_at", "-id")


def recent_inbound(limit: int = 50) -> QuerySet[InboundEmail]:
    return InboundEmail.objects.select_related("complaint").order_by("-received_at", "-id")[:limit]


def inbox(
    *, status: str = "undecided", channel: str = "", label: str = "", q: str = ""
) -> QuerySet[IntakeItem]:
    """The intake inbox: undecided items first by how likely they are complaints."""
    qs = IntakeItem.objects.select_related(
        "suggested_resident", "quoted_complaint", "complaint", "decided_by"
    ).annotate(
        attachment_count=Count("attachments"),
        aside_count=Count("attachments", filter=Q(attachments__kept_aside=True)),
    )
    if status == "undecided":
        qs = qs.filter(decision="").order_by("-score", "-received_at", "-id")
    elif status:
        qs = qs.filter(decision=status).order_by("-decided_at", "-id")
    else:
        qs = qs.order_by("-received_at", "-id")
    if channel:
        qs = qs.filter(channel=channel)
    if label:
        qs = qs.filter(suggested_label=label)
    if q.strip():
        words = q.strip()
        qs = qs.filter(
            Q(reference__iexact=words)
            | Q(sender_name__icontains=words)
            | Q(sender_email__icontains=words)
            | Q(subject__icontains=words)
            | Q(body__icontains=words)
        )
    return qs


def intake_item(pk: int) -> IntakeItem:
    return (
        IntakeItem.objects.select_related(
            "suggested_resident",
            "quoted_complaint",
            "complaint",
            "decided_by",
            "created_by",
            "service_request",
            "survey_response",
        )
        .prefetch_related("attachments")
        .get(pk=pk)
    )


def intake_items() -> QuerySet[IntakeItem]:
    """Every intake item with what its API document shows, newest first."""
    return (
        IntakeItem.objects.select_related("quoted_complaint", "complaint", "decided_by")
        .prefetch_related("attachments")
        .order_by("-received_at", "-id")
    )
