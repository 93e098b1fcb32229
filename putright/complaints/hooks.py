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
