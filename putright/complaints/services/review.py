"""Review before sending (policy 6.4): a response is drafted, reviewed by a colleague who is
not its author, and only an approved draft is issued – its letter then goes out.

Other apps vet a response through ``hooks.register_response_check`` (the letters app refuses
one whose letter would miss what the Code requires), so this module never imports them.
"""

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from putright.complaints.constants import DraftStatus
from putright.complaints.hooks import run_response_checks
from putright.complaints.models import Response, ResponseDraft, Stage
from putright.complaints.services.common import guard, lock_stage, record_event
from putright.complaints.services.stages import (
    ActionInput,
    DecisionInput,
    RemedyInput,
    ResponseInput,
    stage_respond,
)
from putright.core.errors import RuleBroken
from putright.core.messages import STAFF_REMINDER, OutgoingMessage, queue_message
from putright.core.permissions import Action, Role, allowed
from putright.core.validation import require_text
from putright.rules.workflow import Action as WorkflowAction

NOT_A_CASE_WORKER = "Only a complaint handler or complaints officer can draft or review a response."
ALREADY_IN_REVIEW = "Version {version} of this response is already waiting for review."
NOT_IN_REVIEW = "This draft is not waiting for review."
REVIEWER_IS_AUTHOR = (
    "A response must be reviewed by a colleague, not by the person who drafted it (policy 6.4)."
)
RETURN_NEEDS_COMMENTS = "Say what needs to change before the response can be sent."
SAVED_VALUE_LIMIT = 20_000  # characters kept per field of a saved working copy
REVIEWER_NOT_IN_AREA = (
    "Responses about {category} are reviewed by the {team} team, the relevant business area "
    "(policy 6.4): ask one of them to review it."
)


def review_team(stage: Stage) -> str:
    """The business area that reviews this stage's response, from its category (policy 6.4)."""
    category = stage.complaint.category
    return category.review_team if category is not None else ""


def eligible_reviewers(draft: ResponseDraft) -> list[Any]:
    """Who may review `draft`: case workers other than its author, from the category's team."""
    team = review_team(draft.stage)
    people = get_user_model().objects.filter(is_active=True).exclude(pk=draft.author_id)
    if team:
        people = people.filter(team=team)
    return [
        u for u in people.order_by("first_name", "last_name") if allowed(u, Action.REVIEW_RESPONSES)
    ]


class _DryRun(Exception):
    """Raised to roll back a trial issue of the response."""


def _to_json(data: ResponseInput) -> dict[str, Any]:
    def iso(value: date | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "summary": data.summary,
        "decisions": [
            {"point": d.point, "outcome": d.outcome, "reasons": d.reasons} for d in data.decisions
        ],
        "remedies": [
            {
                "remedy_type": r.remedy_type,
                "description": r.description,
                "due_on": iso(r.due_on),
                "amount": str(r.amount) if r.amount is not None else None,
                "band": r.band,
                "units": r.units,
                "deviation_reason": r.deviation_reason,
            }
            for r in data.remedies
        ],
        "actions": [
            {
                "description": a.description,
                "due_on": iso(a.due_on),
                "owner": a.owner.pk if a.owner is not None else None,
                "owner_name": a.owner_name,
                "update_interval_days": a.update_interval_days,
            }
            for a in data.actions
        ],
        "learning": data.learning,
        "no_remedy_reason": data.no_remedy_reason,
        "early_resolution": data.early_resolution,
    }


def response_draft_input(draft: ResponseDraft) -> ResponseInput:
    """The draft as the respond form's input, e.g. to edit a returned draft."""
    data = draft.data
    owners = {
        u.pk: u
        for u in get_user_model().objects.filter(
            pk__in=[a["owner"] for a in data["actions"] if a["owner"]]
        )
    }

    def day(value: str | None) -> date | None:
        return date.fromisoformat(value) if value else None

    return ResponseInput(
        summary=data["summary"],
        decisions=[DecisionInput(**d) for d in data["decisions"]],
        remedies=[
            RemedyInput(
                remedy_type=r["remedy_type"],
                description=r["description"],
                due_on=day(r["due_on"]),
                amount=Decimal(r["amount"]) if r["amount"] is not None else None,
                band=r.get("band", ""),
                units=r.get("units"),
                deviation_reason=r.get("deviation_reason", ""),
            )
            for r in data["remedies"]
        ],
        actions=[
            ActionInput(
                description=a["description"],
                due_on=day(a["due_on"]),
                owner=owners.get(a["owner"]) if a["owner"] else None,
                owner_name=a["owner_name"],
                update_interval_days=a.get("update_interval_days"),  # drafts before it existed
            )
            for a in data["actions"]
        ],
        learning=data["learning"],
        no_remedy_reason=data["no_remedy_reason"],
        early_resolution=data["early_resolution"],
    )


def _check_would_issue(stage: Stage, data: ResponseInput, actor: Any) -> None:
    """Run the real ``stage_respond`` and roll it back: its errors are the draft's errors."""
    fresh = Stage.objects.select_related("complaint").get(pk=stage.pk)
    try:
        with transaction.atomic():
            stage_respond(stage=fresh, data=data, actor=actor)
            raise _DryRun
    except _DryRun:
        pass


@transaction.atomic
def response_draft_submit(*, stage: Stage, data: ResponseInput, actor: Any) -> ResponseDraft:
    """Save a drafted response as the next version and send it for review (policy 6.4)."""
    if not allowed(actor, Action.REVIEW_RESPONSES):
        raise RuleBroken(NOT_A_CASE_WORKER)
    stage = lock_stage(stage)
    waiting = stage.response_drafts.filter(status=DraftStatus.IN_REVIEW).first()
    if waiting is not None:
        raise RuleBroken(ALREADY_IN_REVIEW.format(version=waiting.version))
    _check_would_issue(stage, data, actor)
    run_response_checks(stage, data)
    stage.response_drafts.filter(status=DraftStatus.RETURNED).update(status=DraftStatus.SUPERSEDED)
    # The working copy has done its job: what goes for review is the version below.
    stage.response_drafts.filter(status=DraftStatus.SAVED).delete()
    latest = stage.response_drafts.aggregate(latest=Max("version"))["latest"] or 0
    draft = ResponseDraft.objects.create(
        stage=stage,
        version=latest + 1,
        data=_to_json(data),
        author=actor,
        submitted_at=timezone.now(),
    )
    record_event(
        stage.complaint,
        "response.submitted",
        f"Stage {stage.number} response version {draft.version} sent for review",
        actor=actor,
        stage=stage.number,
        data={"draft": draft.pk, "version": draft.version},
    )
    _tell_reviewers(draft)
    return draft


@transaction.atomic
def response_draft_save(*, stage: Stage, form_data: dict[str, Any], actor: Any) -> ResponseDraft:
    """Keep what the respond form holds, finished or not, to come back to (one per stage)."""
    if not allowed(actor, Action.REVIEW_RESPONSES):
        raise RuleBroken(NOT_A_CASE_WORKER)
    stage = lock_stage(stage)
    guard(stage.complaint, WorkflowAction.RESPOND)
    waiting = stage.response_drafts.filter(status=DraftStatus.IN_REVIEW).first()
    if waiting is not None:
        raise RuleBroken(ALREADY_IN_REVIEW.format(version=waiting.version))
    values = {
        str(k): [str(p)[:10] for p in v][:3] if isinstance(v, list) else str(v)[:SAVED_VALUE_LIMIT]
        for k, v in form_data.items()
    }
    draft, _created = ResponseDraft.objects.update_or_create(
        stage=stage,
        status=DraftStatus.SAVED,
        # Version 0 is the working copy; numbered versions are what went for review.
        defaults={"version": 0, "data": {"form": values}, "author": actor},
        create_defaults={
            "version": 0,
            "data": {"form": values},
            "author": actor,
            "submitted_at": timezone.now(),
        },
    )
    if not _created:
        draft.submitted_at = timezone.now()
        draft.save(update_fields=["submitted_at"])
    return draft


def saved_response_draft(stage: Stage) -> ResponseDraft | None:
    return stage.response_drafts.filter(status=DraftStatus.SAVED).first()


def _name(user: Any) -> str:
    return user.get_full_name() or user.get_username()


def _tell_reviewers(draft: ResponseDraft) -> None:
    """Ask the complaints officers (or the complaints inbox) to review: one email each, once
    per draft, through the outbox after commit."""
    complaint = draft.stage.complaint
    officers = list(
        get_user_model()
        .objects.filter(is_active=True, role=Role.OFFICER)
        .exclude(email="")
        .exclude(pk=draft.author_id)
        .order_by("pk")
    )
    body = render_to_string(
        "complaints/email/review_waiting.txt",
        {
            "draft": draft,
            "complaint": complaint,
            "author": _name(draft.author),
            "review_path": reverse("letters:review", args=[draft.pk]),
        },
    )
    for officer in officers or [None]:
        queue_message(
            OutgoingMessage(
                kind=STAFF_REMINDER,
                to=officer.email if officer else settings.PUTRIGHT_COMPLAINTS_EMAIL,
                name=_name(officer) if officer else "Complaints team",
                subject=f"Response to {complaint.reference} waiting for your review – PutRight",
                body=body,
                key=f"review:waiting:{draft.pk}:{officer.pk if officer else 'team'}",
                role="staff",
            )
        )


def _tell_author(draft: ResponseDraft) -> None:
    """Tell the author their draft came back, with the reviewer's comments."""
    complaint = draft.stage.complaint
    queue_message(
        OutgoingMessage(
            kind=STAFF_REMINDER,
            to=draft.author.email or settings.PUTRIGHT_COMPLAINTS_EMAIL,
            name=_name(draft.author),
            subject=f"Your response to {complaint.reference} was returned with comments – PutRight",
            body=render_to_string(
                "complaints/email/review_returned.txt",
                {
                    "draft": draft,
                    "complaint": complaint,
                    "reviewer": _name(draft.reviewer),
                    "case_path": reverse("complaints:case", args=[complaint.reference]),
                },
            ),
            key=f"review:returned:{draft.pk}",
            role="staff",
        )
    )


def _lock_draft(draft: ResponseDraft) -> ResponseDraft:
    """The draft as it is now, under its complaint's lock (the complaint first, always)."""
    stage = lock_stage(Stage.objects.select_related("complaint").get(pk=draft.stage_id))
    draft = ResponseDraft.objects.select_for_update().get(pk=draft.pk)
    draft.stage = stage
    return draft


def _check_reviewer(draft: ResponseDraft, actor: Any) -> None:
    if draft.status != DraftStatus.IN_REVIEW:
        raise RuleBroken(NOT_IN_REVIEW)
    if not allowed(actor, Action.REVIEW_RESPONSES):
        raise RuleBroken(NOT_A_CASE_WORKER)
    if draft.author_id == actor.pk:
        raise RuleBroken(REVIEWER_IS_AUTHOR, provision="policy 6.4")
    team = review_team(draft.stage)
    if team and getattr(actor, "team", "") != team:
        category = draft.stage.complaint.category
        raise RuleBroken(
            REVIEWER_NOT_IN_AREA.format(category=category.name.lower(), team=team),
            provision="policy 6.4",
        )


@transaction.atomic
def response_draft_return(*, draft: ResponseDraft, actor: Any, comments: str) -> ResponseDraft:
    """Send a draft back to its author with what must change."""
    draft = _lock_draft(draft)
    _check_reviewer(draft, actor)
    comments = require_text(comments, "comments", RETURN_NEEDS_COMMENTS)
    draft.status = DraftStatus.RETURNED
    draft.reviewer = actor
    draft.reviewed_at = timezone.now()
    draft.review_comments = comments
    draft.save(update_fields=["status", "reviewer", "reviewed_at", "review_comments"])
    record_event(
        draft.stage.complaint,
        "response.returned",
        f"Stage {draft.stage.number} response version {draft.version} returned for changes",
        actor=actor,
        stage=draft.stage.number,
        data={"draft": draft.pk, "version": draft.version, "comments": comments},
    )
    _tell_author(draft)
    return draft


@transaction.atomic
def response_draft_approve(*, draft: ResponseDraft, actor: Any, comments: str = "") -> Response:
    """Approve a draft: the response is issued (its author stays the author) and its letter
    goes out once committed (the ``stage.responded`` listener)."""
    draft = _lock_draft(draft)
    _check_reviewer(draft, actor)
    data = response_draft_input(draft)
    run_response_checks(draft.stage, data)
    response = stage_respond(stage=draft.stage, data=data, actor=draft.author)
    draft.status = DraftStatus.APPROVED
    draft.reviewer = actor
    draft.reviewed_at = timezone.now()
    draft.review_comments = comments.strip()
    draft.response = response
    draft.save(update_fields=["status", "reviewer", "reviewed_at", "review_comments", "response"])
    record_event(
        draft.stage.complaint,
        "response.approved",
        f"Stage {draft.stage.number} response version {draft.version} approved for sending",
        actor=actor,
        stage=draft.stage.number,
        data={
            "draft": draft.pk,
            "version": draft.version,
            "author": draft.author.get_username(),
            "reviewer": actor.get_username(),
            "comments": draft.review_comments,
        },
    )
    return response
