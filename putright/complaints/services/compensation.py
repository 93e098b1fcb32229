"""Editing the compensation schedule (policy 6.5, Code 7.4): one new version per change."""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from putright.complaints.models import CompensationBand
from putright.core.clock import today
from putright.core.errors import InvalidInput, RuleBroken
from putright.core.permissions import Action, allowed
from putright.core.validation import require_text

NOT_ALLOWED = "Only a complaints officer or an administrator can change the compensation schedule."
BAND_NEEDS_LABEL = "Say what this line of the schedule is for."
BAND_NEEDS_UNIT = "Say what the amount is per: an award, a week, a day, a room."
BAND_LOW_NEGATIVE = "The lowest amount cannot be below £0."
BAND_HIGH_BELOW_LOW = "The highest amount must not be below the lowest (leave it empty for none)."
PROPOSED_OUTSIDE_BAND = "The proposed amount must be inside the band."


@transaction.atomic
def compensation_band_save(
    *,
    label: str,
    unit: str,
    low: Decimal | None,
    high: Decimal | None,
    proposed: Decimal | None,
    actor: Any,
    code: str = "",
    guidance: str = "",
    withdrawn: bool = False,
) -> CompensationBand:
    """Add or change a line of the schedule, in force from today; earlier versions stay."""
    if not allowed(actor, Action.EDIT_COMPENSATION_SCHEDULE):
        raise RuleBroken(NOT_ALLOWED)
    label = require_text(label, "label", BAND_NEEDS_LABEL)
    unit = require_text(unit, "unit", BAND_NEEDS_UNIT)
    if low is None or low < 0:
        raise InvalidInput(BAND_LOW_NEGATIVE, field="low")
    if high is not None and high < low:
        raise InvalidInput(BAND_HIGH_BELOW_LOW, field="high")
    if proposed is None or proposed < low or (high is not None and proposed > high):
        raise InvalidInput(PROPOSED_OUTSIDE_BAND, field="proposed")
    code = code or slugify(label)[:40]
    values = {
        "label": label[:200],
        "unit": unit[:20],
        "low": low,
        "high": high,
        "proposed": proposed,
        "guidance": guidance.strip(),
        "withdrawn": withdrawn,
        "recorded_by": actor,
    }
    # Lock the line's rows so two officers' edits on one day do not both insert.
    list(CompensationBand.objects.select_for_update().filter(code=code))
    band, _created = CompensationBand.objects.update_or_create(
        code=code, effective_from=today(), defaults=values
    )
    return band
