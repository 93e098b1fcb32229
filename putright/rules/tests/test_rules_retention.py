"""Retention periods and the erasure decision, as pure rules (UK GDPR Art. 17(3))."""

from datetime import date
from typing import Any

import pytest

from putright.rules.retention import (
    ErasureFacts,
    ErasureRefusal,
    ended_on,
    erasure_refusal,
    postcode_district,
    years_before,
)

CUTOFF = date(2020, 12, 1)
NOTHING_OPEN = ErasureFacts(
    open_complaints=0,
    latest_end=date(2020, 11, 30),
    outstanding_follow_ups=0,
    pending_referrals=0,
    open_service_requests=0,
)


def test_six_years_before_a_leap_day_is_the_28th_of_february() -> None:
    assert years_before(date(2028, 2, 29), 6) == date(2022, 2, 28)
    assert years_before(date(2026, 12, 1), 6) == date(2020, 12, 1)


def test_a_complaint_ends_with_its_closure_or_a_later_response() -> None:
    assert ended_on(date(2020, 5, 1), [date(2020, 3, 1), None]) == date(2020, 5, 1)
    assert ended_on(None, [date(2020, 3, 1), date(2020, 6, 1)]) == date(2020, 6, 1)
    assert ended_on(None, [None]) is None


def test_erasure_is_allowed_when_nothing_needs_the_data() -> None:
    assert erasure_refusal(NOTHING_OPEN, keep_from=CUTOFF) is None
    never_complained = ErasureFacts(0, None, 0, 0, 0)
    assert erasure_refusal(never_complained, keep_from=CUTOFF) is None


@pytest.mark.parametrize(
    ("change", "refusal"),
    [
        ({"open_complaints": 1}, ErasureRefusal.OPEN_COMPLAINT),
        ({"outstanding_follow_ups": 2}, ErasureRefusal.FOLLOW_UPS_OUTSTANDING),
        ({"pending_referrals": 1}, ErasureRefusal.OMBUDSMAN_PENDING),
        ({"open_service_requests": 1}, ErasureRefusal.OPEN_SERVICE_REQUEST),
        ({"latest_end": CUTOFF}, ErasureRefusal.WITHIN_RETENTION),
    ],
)
def test_erasure_is_refused_while_the_law_needs_the_data(
    change: dict[str, Any], refusal: ErasureRefusal
) -> None:
    facts = ErasureFacts(**{**NOTHING_OPEN.__dict__, **change})
    assert erasure_refusal(facts, keep_from=CUTOFF) is refusal


@pytest.mark.parametrize(
    ("postcode", "district"),
    [("EX2 4RB", "EX2"), ("ex24rb", "EX2"), ("SW1A 1AA", "SW1A"), ("M1 1AE", "M1"), ("", "")],
)
def test_the_postcode_district_is_the_outward_code(postcode: str, district: str) -> None:
    assert postcode_district(postcode) == district
