"""Prompts shown at receipt for a case-by-case decision — never an automatic refusal (Code 2.5).

Each prompt tells the person triaging what may apply and what to check. Nothing here
excludes a complaint: only `complaint_exclude`, with reasoning, does that (Code 2.1-2.4).
"""

import re
from dataclasses import dataclass

from putright.complaints.models import Complaint
from putright.rules.clocks import add_months, within_time_limit
from putright.rules.profile import get_profile
from putright.rules.workflow import State


@dataclass(frozen=True)
class TriagePrompt:
    code: str
    title: str
    detail: str
    provision: str


# Words that suggest court action. Pre-action letters are not "legal proceedings" (Code 2.2):
# the prompt asks the triager to check whether a claim has actually been filed at court.
LEGAL_WORDS = re.compile(
    r"\b(court|claim form|particulars of claim|legal action|legal proceedings|"
    r"disrepair claim|solicitors?|sue|suing|tribunal|pre-action)\b",
    re.IGNORECASE,
)

FINAL_STATES = frozenset({State.STAGE2_RESPONDED, State.CLOSED})


def _time_limit(complaint: Complaint) -> TriagePrompt | None:
    months = get_profile(complaint.profile_code).time_limit_months
    if within_time_limit(
        issue_date=complaint.issue_started_on,
        became_aware=complaint.became_aware_on,
        received=complaint.received_on,
        months=months,
    ):
        return None
    known = [d for d in (complaint.issue_started_on, complaint.became_aware_on) if d]
    limit_ended = add_months(max(known), months)
    return TriagePrompt(
        code="time_limit",
        title=f"The issue may be more than {months} months old",
        detail=(
            f"The resident says the issue started on {complaint.issue_started_on:%d %B %Y}"
            if complaint.issue_started_on
            else "The dates given"
        )
        + f"; {months} months from the later of that and becoming aware ended on "
        f"{limit_ended:%d %B %Y}. Check whether they only recently became aware, or whether "
        "there is another good reason, and consider discretion before deciding. Most "
        "complaints like this should still be accepted.",
        provision="2.3",
    )


def _legal_proceedings(complaint: Complaint) -> TriagePrompt | None:
    found = LEGAL_WORDS.search(
        " ".join([complaint.description, complaint.outcome_wanted, complaint.spoken_to])
    )
    solicitor = any(
        r.relationship == "solicitor" and r.ended_on is None
        for r in complaint.resident.representatives.all()
    )
    if not found and not solicitor:
        return None
    why = (
        f"The complaint mentions “{found.group(0)}”."
        if found
        else "The resident is represented by a solicitor."
    )
    return TriagePrompt(
        code="legal_proceedings",
        title="Legal proceedings may have started",
        detail=why + " Only a claim already filed at court (claim form and particulars of "
        "claim) is a reason not to accept; pre-action letters are not. Ask, and decide on "
        "the facts of this complaint.",
        provision="2.2",
    )


def _previous_final_response(complaint: Complaint) -> TriagePrompt | None:
    earlier = (
        Complaint.objects.filter(
            resident_id=complaint.resident_id,
            current_stage__gte=2,
            status__in=[s.value for s in FINAL_STATES],
            received_on__lte=complaint.received_on,
        )
        .exclude(pk=complaint.pk)
        .select_related("category")
        .order_by("-received_on")
    )
    if complaint.category_id:
        same = [c for c in earlier if c.category_id == complaint.category_id]
    else:
        same = list(earlier)
    if not same:
        return None
    refs = ", ".join(c.reference for c in same[:3])
    return TriagePrompt(
        code="previous_final_response",
        title="A final response may already cover this",
        detail=f"This resident already had a stage 2 final response on {refs}"
        + (f" ({same[0].category.name})" if same[0].category_id else "")
        + ". Check whether this is the same matter or something new (new events, a new "
        "failure); only the same matter, already considered, may be declined.",
        provision="2.2",
    )


def _vulnerability(complaint: Complaint) -> TriagePrompt | None:
    active = [v for v in complaint.resident.vulnerabilities.all() if v.active]
    if not active:
        return None
    return TriagePrompt(
        code="vulnerable",
        title="The resident may be vulnerable or at risk",
        detail="Recorded: "
        + "; ".join(v.description for v in active)
        + ". Consider whether to respond early and how to contact them.",
        provision="6.1",
    )


def _contact_restriction(complaint: Complaint) -> TriagePrompt | None:
    active = [r for r in complaint.resident.contact_restrictions.all() if r.ended_on is None]
    if not active:
        return None
    return TriagePrompt(
        code="contact_restriction",
        title="A contact restriction is in place",
        detail="; ".join(r.get_restricts_display() for r in active)
        + ". It changes how we keep in contact only: the complaint is accepted and "
        "progressed as normal.",
        provision="5.14",
    )


def triage_prompts(complaint: Complaint) -> list[TriagePrompt]:
    """What the person triaging should consider for `complaint`: prompts, never a refusal."""
    checks = (
        _time_limit,
        _legal_proceedings,
        _previous_final_response,
        _vulnerability,
        _contact_restriction,
    )
    return [prompt for check in checks if (prompt := check(complaint)) is not None]
