"""The compensation schedule in force on a day: the one reader of ``CompensationBand``."""

from datetime import date
from decimal import Decimal
from typing import Any

from putright.complaints.models import CompensationBand

SCHEDULE_FROM = date(2024, 4, 1)  # the Code's statutory start: the defaults cover any case since

_GUIDANCE = (
    "Housing Ombudsman remedies guidance: put the resident back where they would have been, "
    "and reflect the impact of the failing; £50-£100 where a failing had little impact, "
    "£100-£600 where it adversely affected the resident, £600-£1,000 for a significant "
    "impact, £1,000 and above for severe, long-running failings."
)

# The schedule the demo generator used to hold, now data (policy 6.5). Per unit: low, high,
# proposed. A landlord edits these on the compensation schedule page.
DEFAULT_SCHEDULE = [
    ("time_and_trouble", "Time and trouble in pursuing the matter", "award", "25", "100", "50"),
    ("complaint_delay", "Delay in handling the complaint", "award", "50", "150", "75"),
    ("missed_appointment", "Missed appointment", "appointment", "20", "30", "25"),
    ("repair_delay", "Repair not completed in target time", "week", "5", "15", "10"),
    ("loss_of_room", "Loss of use of a room", "week", "10", "25", "15"),
    ("loss_of_heating", "Loss of heating or hot water", "day", "3", "10", "5"),
    ("redecoration", "Redecoration allowance", "room", "100", "250", "150"),
    ("distress_minor", "Distress and inconvenience: little impact", "award", "50", "100", "50"),
    ("distress", "Distress and inconvenience: adverse effect", "award", "100", "600", "250"),
    (
        "distress_significant",
        "Distress and inconvenience: significant impact",
        "award",
        "600",
        "1000",
        "750",
    ),
    (
        "distress_severe",
        "Distress and inconvenience: severe, long-running failings",
        "award",
        "1000",
        None,
        "1000",
    ),
]


def seed_default_schedule(model: Any = None) -> int:
    """Write the default schedule if it has no lines (the migration and the demo call this)."""
    model = model or CompensationBand
    if model.objects.exists():
        return 0
    for code, label, unit, low, high, proposed in DEFAULT_SCHEDULE:
        model.objects.create(
            code=code,
            effective_from=SCHEDULE_FROM,
            label=label,
            unit=unit,
            low=Decimal(low),
            high=Decimal(high) if high is not None else None,
            proposed=Decimal(proposed),
            guidance=_GUIDANCE,
        )
    return len(DEFAULT_SCHEDULE)


def schedule_on(day: date) -> list[CompensationBand]:
    """Each line of the schedule as it stood on `day` (its latest version by then), by label."""
    latest: dict[str, CompensationBand] = {}
    for band in CompensationBand.objects.filter(effective_from__lte=day).order_by(
        "code", "-effective_from", "-id"
    ):
        latest.setdefault(band.code, band)
    return sorted((b for b in latest.values() if not b.withdrawn), key=lambda b: b.label)


def band_on(code: str, day: date) -> CompensationBand | None:
    """The line `code` as it stood on `day`, or None if there was none (or it was withdrawn)."""
    band = (
        CompensationBand.objects.filter(code=code, effective_from__lte=day)
        .order_by("-effective_from", "-id")
        .first()
    )
    return None if band is None or band.withdrawn else band
