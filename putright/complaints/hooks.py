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
