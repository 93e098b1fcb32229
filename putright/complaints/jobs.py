"""Complaints' scheduled jobs (found by the scheduler at start-up; see putright/core/scheduler.py)."""

from datetime import time

from putright.complaints import tallies
from putright.complaints.models import ExceptionalPeriod, ExceptionalStatus
from putright.complaints.services.categories import reindex_resume_stale
from putright.complaints.services.closures import recount_resume_stale
from putright.complaints.services.exceptional import exceptional_apply
from putright.complaints.services.followups import followups_daily_review
from putright.core.clock import now, today
from putright.core.scheduler import DailyAt, Every, register_job

FOLLOW_UP_REVIEW_TIME = time(7, 30)  # before the team starts, UK time


@register_job(
    "complaints.follow_up_review",
    period=DailyAt(FOLLOW_UP_REVIEW_TIME),
    description=(
        "Send each owner one digest of their remedies and outstanding actions due or overdue "
        "and the updates owed to their cases' residents (5.9), "
        "escalate the long overdue to the complaints officers, and note it on each case "
        "(Code 6.6, 6.17, 7.3)."
    ),
)
def review_follow_ups() -> str:
    review = followups_daily_review(today=today())
    return (
        f"{review.digests} digest(s), {review.escalations} escalation(s), "
        f"{review.recorded} case(s) noted."
    )


EXCEPTIONAL_APPLY_TIME = time(7, 0)


@register_job(
    "complaints.exceptional_circumstances",
    period=DailyAt(EXCEPTIONAL_APPLY_TIME),
    description=(
        "While exceptional circumstances are in force, mark complaints received since as "
        "affected and write to their residents about the delay and the Ombudsman (Code 8.5)."
    ),
)
def apply_exceptional_circumstances() -> str:
    marked = sum(
        exceptional_apply(period=period)
        for period in ExceptionalPeriod.objects.filter(status=ExceptionalStatus.IN_FORCE)
    )
    return f"{marked} complaint(s) newly affected."


@register_job(
    "complaints.compact_tallies",
    period=Every(1),
    description=(
        "Fold the dashboard's tally deltas (a row for each count the triggers moved) into one "
        "row a key, so the dashboard and the team view read a few thousand rows."
    ),
)
def compact_tallies() -> str:
    return f"{tallies.compact()} tally row(s) folded away."


@register_job(
    "complaints.recount_deadlines",
    period=Every(5),
    description=(
        "Finish moving the open deadlines of a closure added or removed if its recount has "
        "made no progress for five minutes (the worker was stopped part-way)."
    ),
)
def resume_deadline_recounts() -> str:
    return f"{recount_resume_stale(now=now())} case(s) moved."


@register_job(
    "complaints.reindex_categories",
    period=Every(5),
    description=(
        "Finish writing the search rows of a renamed category's complaints if it has made no "
        "progress for five minutes (the worker was stopped part-way)."
    ),
)
def resume_category_reindexes() -> str:
    return f"{reindex_resume_stale(now=now())} search row(s) written."
