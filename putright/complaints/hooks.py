"""Checks other apps plug into the complaint services, so complaints never imports them.

A response check runs, inside the transaction, before a drafted response is accepted for
review and again before an approved one is issued. It refuses by raising a
``ComplaintError`` (the letters app uses it to refuse a response whose letter would miss
what the Code requires). Unlike event listeners (``events.subscribe``), checks can block.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
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


# A response preview renders the letter a drafted response would send: `fn(stage, data)`
# returns (html, problem): the letter as the resident gets it, or why it cannot be made yet.
ResponsePreview = Callable[["Stage", "ResponseInput"], tuple[str, str]]
_response_previews: list[ResponsePreview] = []


def register_response_preview(fn: ResponsePreview) -> ResponsePreview:
    """Register `fn(stage, data)` to render the letter a response would send (one wins)."""
    _response_previews[:] = [fn]
    return fn


def response_preview(stage: "Stage", data: "ResponseInput") -> tuple[str, str]:
    """The letter this response would send, as HTML, or ("", why not)."""
    if not _response_previews:
        return "", "No letter preview is available."
    return _response_previews[0](stage, data)


def register_response_check(fn: ResponseCheck) -> ResponseCheck:
    """Register `fn(stage, data)` to run before a response is drafted or issued."""
    if fn not in _response_checks:
        _response_checks.append(fn)
    return fn


def run_response_checks(stage: "Stage", data: "ResponseInput") -> None:
    """Run every registered check; the first to raise refuses the response."""
    for check in list(_response_checks):
        check(stage, data)


# A queue filter another app adds to the staff work queue (the hazards app: "has an open
# hazard", "a hazard clock is due", "a hazard clock is overdue"). `narrow(value, today)` returns
# an expression for ``Complaint.objects.filter(...)``; the queue shows the filter as a select.
@dataclass(frozen=True)
class QueueFilter:
    key: str  # the query-string parameter and form field name
    label: str
    choices: tuple[tuple[str, str], ...]  # (value, label), without the "Any" choice
    narrow: Callable[[str, date], Any]


_queue_filters: dict[str, QueueFilter] = {}


def register_queue_filter(queue_filter: QueueFilter) -> QueueFilter:
    """Add a filter to the work queue (one per key: registering again replaces it)."""
    _queue_filters[queue_filter.key] = queue_filter
    return queue_filter


def queue_filters() -> list[QueueFilter]:
    """The filters other apps add to the work queue, in registration order."""
    return list(_queue_filters.values())


# A dashboard panel is HTML another app shows on the dashboard (the hazards app shows hazard
# clocks due and overdue): `fn(request)` returns safe HTML, or "" to show nothing.
DashboardPanel = Callable[[Any], str]
_dashboard_panels: list[DashboardPanel] = []


def register_dashboard_panel(fn: DashboardPanel) -> DashboardPanel:
    """Register `fn(request)` to add a panel to the dashboard."""
    if fn not in _dashboard_panels:
        _dashboard_panels.append(fn)
    return fn


def dashboard_panels(request: Any) -> list[str]:
    return [html for fn in list(_dashboard_panels) if (html := fn(request))]


# A prompt another app shows when a complaint is logged or acknowledged (the hazards app asks
# "is there a hazard?" about damp and mould): `fn(complaint, moment)` with moment "logged" or
# "acknowledged" returns plain text, or "" for no prompt. A prompt, never a decision.
CasePrompt = Callable[[Any, str], str]
_case_prompts: list[CasePrompt] = []


def register_case_prompt(fn: CasePrompt) -> CasePrompt:
    if fn not in _case_prompts:
        _case_prompts.append(fn)
    return fn


def case_prompts(complaint: Any, moment: str) -> list[str]:
    return [text for fn in list(_case_prompts) if (text := fn(complaint, moment))]


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


def letter_trouble_registered() -> tuple[LetterTroubleSource, ...]:
    """Which sources are registered (not their querysets): a key for what is built from them."""
    return tuple(_letter_trouble)


# Other references a complaint is known by (the imports app: the old system's reference), so
# search finds it by them: `fn(complaint_ids)` returns {complaint_id: [reference, ...]}.
OtherReferences = Callable[[list[int]], dict[int, list[str]]]
_other_references: list[OtherReferences] = []


def register_other_references(fn: OtherReferences) -> OtherReferences:
    """Register `fn(complaint_ids)` giving other references to index for search."""
    if fn not in _other_references:
        _other_references.append(fn)
    return fn


def other_references(complaint_ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for fn in list(_other_references):
        for complaint_id, refs in fn(complaint_ids).items():
            found.setdefault(complaint_id, []).extend(refs)
    return found


# The same references of a complaint not written yet, from the rows linked to it in memory
# (an import links the old reference to a complaint of its chunk before writing it), for its
# first search row (``search.index_new_rows``): `fn(complaint)` returns [reference, ...]
# without a query. The app registering `other_references` registers this beside it.
LinkedReferences = Callable[[Any], list[str]]
_linked_references: list[LinkedReferences] = []


def register_linked_references(fn: LinkedReferences) -> LinkedReferences:
    """Register `fn(complaint)` giving the other references linked to it in memory."""
    if fn not in _linked_references:
        _linked_references.append(fn)
    return fn


def linked_references(complaint: Any) -> list[str]:
    return [ref for fn in list(_linked_references) for ref in fn(complaint)]
