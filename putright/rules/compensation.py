"""The compensation schedule's bands as a rule: is an amount inside its band? (Code 7.4)

A band is so much per unit (an award, a week, a day) between a low and a high figure, or from
a low figure up with no ceiling (the Ombudsman's "£1,000 and above" for severe failings). An
amount outside the band is allowed, but only with a recorded reason (policy 6.5).
"""

from __future__ import annotations

from decimal import Decimal


def band_range(*, low: Decimal, high: Decimal | None, units: int) -> tuple[Decimal, Decimal | None]:
    """The band for `units` units: (lowest, highest or None for no ceiling)."""
    if units < 1:
        raise ValueError("A band is applied to one unit or more.")
    return low * units, (high * units if high is not None else None)


def within_band(amount: Decimal, *, low: Decimal, high: Decimal | None, units: int) -> bool:
    """True when `amount` is inside the band for `units` units (both ends included)."""
    lowest, highest = band_range(low=low, high=high, units=units)
    return amount >= lowest and (highest is None or amount <= highest)


def proposed_amount(*, proposed: Decimal, units: int) -> Decimal:
    """What the schedule proposes for `units` units."""
    return proposed * units
