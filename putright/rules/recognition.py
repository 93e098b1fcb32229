"""Is this message a complaint? A suggestion for a person to confirm (Code 1.2–1.6).

The Code (1.2) defines a complaint as "an expression of dissatisfaction, however made"; the
resident need not use the word "complaint" (1.3). A plain request for a repair or a service is a
service request (1.4) until the resident says they are unhappy with it (1.5–1.6). This module
reads a message and suggests one of LABELS, with a score (how likely the message is a complaint)
and the phrases that carry the dissatisfaction, so that staff can see why.

Pure Python: no Django. It never decides anything: staff do (see the intake inbox).
"""

import re
from dataclasses import dataclass

LABELS: tuple[str, ...] = (
    "complaint",
    "service_request",
    "enquiry",
    "compliment",
    "spam",
    "not_for_us",
)


@dataclass(frozen=True)
class Phrase:
    """A phrase that carries dissatisfaction: character offsets into the original text."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Recognition:
    """The suggestion for one message."""

    label: str  # one of LABELS
    score: float  # 0–1: how likely the message is a complaint
    phrases: tuple[Phrase, ...]


# Phrases of dissatisfaction, each with a weight (how strongly it alone suggests a complaint).
_DISSATISFACTION: tuple[tuple[str, float], ...] = (
    (r"\b(?:i|we)\s+(?:want|wish|would like|need|am going|are going)\s+to\s+(?:make\s+an?\s+|raise\s+an?\s+|log\s+an?\s+|put\s+in\s+an?\s+)?(?:formal\s+)?complain\w*", 0.95),
    (r"\bformal\s+complaint\b", 0.95),
    (r"\bcomplain(?:t|ts|ing|ed)?\b", 0.7),
    (r"\bnot\s+good\s+enough\b", 0.9),
    (r"\b(?:second|third|fourth|fifth|sixth|\d+(?:st|nd|rd|th)?)\s+time\s+(?:i'?ve|i\s+have|we'?ve|we\s+have)\s+(?:\w+\s+)?(?:rung|called|phoned|chased|emailed|e-mailed|reported|written|asked|contacted)\b", 0.9),
    (r"\b(?:second|third|fourth|fifth|sixth|\d+(?:st|nd|rd|th)?)\s+time\b", 0.8),
    (r"\b(?:chased|chasing)\b", 0.7),
    (r"\bunacceptable\b", 0.9),
    (r"\b(?:disgusting|disgraceful|appalling|shocking|terrible|awful|diabolical|outrageous|ridiculous|pathetic)\b", 0.8),
    (r"\b(?:fed\s+up|sick\s+(?:and\s+tired\s+)?of|had\s+enough)\b", 0.85),
    (r"\b(?:disappointed|let\s+down|frustrated|furious|angry|upset|unhappy|not\s+happy|dissatisfied)\b", 0.8),
    (r"\b(?:still\s+(?:not|no|waiting|hasn'?t|haven'?t|broken|leaking)|still\s+nothing)\b", 0.75),
    (r"\b(?:no\s*one|nobody|no\s+body)\s+(?:has\s+|have\s+)?(?:come|came|turned\s+up|got\s+back|called|rang|replied|responded|bothered)\b", 0.85),
    (r"\b(?:never|didn'?t|did\s+not)\s+(?:turned?\s+up|showed?\s+up|came|come|arrived?|rang|called\s+back|got\s+back)\b", 0.85),
    (r"\b(?:ignored|ignoring|fobbed\s+off)\b", 0.85),
    (r"\brude\b", 0.8),
    (r"\bwaste\s+of\s+(?:time|money)\b", 0.8),
    (r"\b(?:for|over)\s+(?:\w+\s+)?(?:weeks|months)\b", 0.5),
    (r"\bombudsman\b", 0.9),
    (r"\b(?:compensation|apology|apologise)\b", 0.6),
)

_COMPILED = tuple((re.compile(p, re.IGNORECASE), w) for p, w in _DISSATISFACTION)


def dissatisfaction_phrases(text: str) -> tuple[Phrase, ...]:
    """The phrases of `text` that carry dissatisfaction, in order, not overlapping."""
    spans: list[tuple[int, int]] = []
    for pattern, _weight in _COMPILED:
        for match in pattern.finditer(text):
            spans.append((match.start(), match.end()))
    spans.sort(key=lambda s: (s[0], -s[1]))
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
            continue
        merged.append((start, end))
    return tuple(Phrase(start, end, text[start:end]) for start, end in merged)


def _lexicon_score(text: str) -> float:
    miss = 1.0
    for pattern, weight in _COMPILED:
        if pattern.search(text):
            miss *= 1.0 - weight
    return 1.0 - miss


def recognise(text: str) -> Recognition:
    """Suggest what `text` is, how likely it is a complaint, and why."""
    score = _lexicon_score(text)
    phrases = dissatisfaction_phrases(text)
    label = "complaint" if score >= 0.5 else "service_request"
    return Recognition(label=label, score=round(score, 4), phrases=phrases)
