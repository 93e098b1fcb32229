"""Is an exclusion decision complete enough to record? Code 2.1-2.3, as pure rules.

The ground's own data (``ExclusionGround.needs_dates``, ``min_reasoning_words``) says what it
needs; this checks the facts against it and names the field of each gap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from putright.rules.profile import ExclusionGround

ISSUE_DATE_NEEDED = (
    "Enter when the issue happened: the 12-month exclusion is measured from it (Code 2.2)."
)
AWARE_DATE_NEEDED = (
    "Enter when the resident became aware of the issue: complaints must be accepted within "
    "12 months of that too (Code 2.3)."
)
AWARE_BEFORE_ISSUE = "The resident cannot have become aware before the issue started."
REASONING_TOO_SHORT = (
    "Explain the evidence and reasoning for this complaint in at least {words} words: when the "
    "issue happened, when the resident became aware, and why discretion does not apply "
    "(Code 2.1, 2.3)."
)

_WORD = re.compile(r"[^\W\d_]{2,}")


@dataclass(frozen=True)
class ExclusionGap:
    """One thing missing from an exclusion decision, and the input field it belongs to."""

    field: str
    message: str
    provision: str


def useful_words(text: str) -> int:
    """Words of two or more letters: "x", "n/a" or "..." count for nothing."""
    return len(_WORD.findall(text or ""))


def exclusion_gaps(
    ground: ExclusionGround,
    *,
    reasoning: str,
    issue_date: date | None,
    became_aware: date | None,
) -> list[ExclusionGap]:
    """Everything the ground needs that the decision lacks, dates first (in form order)."""
    gaps: list[ExclusionGap] = []
    if ground.needs_dates:
        if issue_date is None:
            gaps.append(ExclusionGap("issue_started_on", ISSUE_DATE_NEEDED, "2.2"))
        if became_aware is None:
            gaps.append(ExclusionGap("became_aware_on", AWARE_DATE_NEEDED, "2.3"))
        if issue_date and became_aware and became_aware < issue_date:
            gaps.append(ExclusionGap("became_aware_on", AWARE_BEFORE_ISSUE, "2.3"))
    if ground.min_reasoning_words and useful_words(reasoning) < ground.min_reasoning_words:
        gaps.append(
            ExclusionGap(
                "reasoning",
                REASONING_TOO_SHORT.format(words=ground.min_reasoning_words),
                "2.1",
            )
        )
    return gaps
