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


def register_response_check(fn: ResponseCheck) -> ResponseCheck:
    """Register `fn(stage, data)` to run before a response is drafted or issued."""
    if fn not in _response_checks:
        _response_checks.append(fn)
    return fn


def run_response_checks(stage: "Stage", data: "ResponseInput") -> None:
    """Run every registered check; the first to raise refuses the response."""
    for check in list(_response_checks):
        check(stage, data)
