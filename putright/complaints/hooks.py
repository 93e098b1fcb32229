"""Checks other apps plug into the complaint services, so complaints never imports them.

A response check runs, inside the transaction, before a drafted response is accepted for
review and again before an approved one is issued. It refuses by raising a
``ComplaintError`` (the letters app uses it to refuse a response whose letter would miss
what the Code requires). Unlike event listeners (``events.subscribe``), checks can block.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from putright.complaints.models import Stage
    from putright.complaints.services.stages import ResponseInput

ResponseCheck = Callable[["Stage", "ResponseInput"], Any]
_response_checks: list[ResponseCheck] = []

# A case panel is HTML another app shows on the case page (the hazards app shows its clocks
# beside the Code's): `fn(request, complaint)` returns safe HTML, or "" to show nothing.
CasePanel = Callable[[Any, Any], str]
_case_panels: list[CasePanel] = []


def register_case_panel(fn: CasePanel) -> CasePanel:
    """Register `fn(request, complaint)` to add a panel to the complaint's case page."""
    if fn not in _case_panels:
        _case_panels.append(fn)
    return fn


def case_panels(request: Any, complaint: Any) -> list[str]:
    """The panels other apps add to this complaint's case page, in registration order."""
    return [html for fn in list(_case_panels) if (html := fn(request, complaint))]


def register_response_check(fn: ResponseCheck) -> ResponseCheck:
    """Register `fn(stage, data)` to run before a response is drafted or issued."""
    if fn not in _response_checks:
        _response_checks.append(fn)
    return fn


def run_response_checks(stage: "Stage", data: "ResponseInput") -> None:
    """Run every registered check; the first to raise refuses the response."""
    for check in list(_response_checks):
        check(stage, data)


# Letters the outbox could not produce or deliver and nobody has yet put right. The letters
# app owns that state and registers querysets over its own tables, each row annotated with
# `trouble_complaint` (the complaint's id), `trouble_kind` (the letter kind) and `trouble_what`
# ("not_produced" or "not_delivered"); complaints
# reads them as subqueries, so the queue and dashboard show the outbox's state, never a copy.
LetterTroubleSource = Callable[[], Any]
_letter_trouble: list[LetterTroubleSource] = []


def register_letter_trouble(fn: LetterTroubleSource) -> LetterTroubleSource:
    """Register `fn()` returning a queryset of unresolved failed letters (see above)."""
    if fn not in _letter_trouble:
        _letter_trouble.append(fn)
    return fn


def letter_trouble_sources() -> list[Any]:
    """The registered querysets of unresolved failed letters (none without the letters app)."""
    return [fn() for fn in list(_letter_trouble)]
