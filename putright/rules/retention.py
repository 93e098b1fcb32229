"""How long residents' personal data is kept, and when erasure must be refused (UK GDPR).

Pure rules: the dates and facts are passed in. The periods themselves are settings
(`PUTRIGHT_RETAIN_*`), read by the privacy app and handed to these functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

__all__ = [
    "ErasureFacts",
    "ErasureRefusal",
    "days_before",
    "ended_on",
    "erasure_refusal",
    "postcode_district",
    "years_before",
]

# The Limitation Act 1980 gives six years for claims in contract and tort, so a closed
# complaint's record is kept six years by default (UK GDPR Art. 17(3)(e): legal claims).
DEFAULT_CLOSED_COMPLAINT_YEARS = 6


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def days_before(day: date, days: int) -> date:
    return day - timedelta(days=days)


def ended_on(closed_on: date | None, responses: list[date | None]) -> date | None:
    """When a finished complaint last moved: its closure or its latest response, if later."""
    dates = [d for d in [closed_on, *responses] if d is not None]
    return max(dates) if dates else None


class ErasureRefusal(StrEnum):
    """Why erasure is refused (UK GDPR Art. 17(3)(b) legal obligation, (e) legal claims)."""

    OPEN_COMPLAINT = "open_complaint"
    FOLLOW_UPS_OUTSTANDING = "follow_ups_outstanding"
    OMBUDSMAN_PENDING = "ombudsman_pending"
    OPEN_SERVICE_REQUEST = "open_service_request"
    OPEN_HAZARD = "open_hazard"
    WITHIN_RETENTION = "within_retention"


@dataclass(frozen=True)
class ErasureFacts:
    """What the record says about a resident's complaints, for the erasure decision."""

    open_complaints: int
    # the latest `ended_on` of their finished complaints (and the day their hazard reports
    # last moved, which the same retention period covers)
    latest_end: date | None
    outstanding_follow_ups: int  # remedies and outstanding actions not yet completed
    pending_referrals: int  # Ombudsman referrals without an outcome
    open_service_requests: int
    # Hazard reports (Awaab's Law) of the resident or their complaints with a clock running.
    open_hazard_reports: int = 0


def erasure_refusal(facts: ErasureFacts, *, keep_from: date) -> ErasureRefusal | None:
    """Why erasure must be refused, or None when the law allows it.

    `keep_from` is the retention cut-off: a complaint that ended on or after it is still
    needed. Art. 17(3)(b): the Code (statutory since 2024) and the regulator's TSM returns are
    legal obligations; Art. 17(3)(e): the record defends legal claims for six years.
    """
    if facts.open_complaints:
        return ErasureRefusal.OPEN_COMPLAINT
    if facts.outstanding_follow_ups:
        return ErasureRefusal.FOLLOW_UPS_OUTSTANDING
    if facts.pending_referrals:
        return ErasureRefusal.OMBUDSMAN_PENDING
    if facts.open_service_requests:
        return ErasureRefusal.OPEN_SERVICE_REQUEST
    if facts.open_hazard_reports:
        return ErasureRefusal.OPEN_HAZARD
    if facts.latest_end is not None and facts.latest_end >= keep_from:
        return ErasureRefusal.WITHIN_RETENTION
    return None


def postcode_district(postcode: str) -> str:
    """The outward code ("EX1" of "EX1 1AA"): enough for area figures, not an address."""
    # A UK postcode's inward code is always its last three characters.
    compact = "".join(postcode.split()).upper()
    return compact[:-3] if len(compact) > 4 else compact
