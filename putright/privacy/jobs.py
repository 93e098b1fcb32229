"""Privacy's scheduled job (found by the scheduler at start-up; see putright/core/scheduler.py)."""

from datetime import time

from putright.core.scheduler import DailyAt, register_job
from putright.privacy.services import retention_apply

RETENTION_TIME = time(2, 30)  # at night, UK time: short per-resident transactions even so


@register_job(
    "privacy.retention",
    period=DailyAt(RETENTION_TIME),
    description=(
        "Anonymise closed complaints, residents, unmatched mail and uploaded import files past "
        "the retention periods (UK GDPR storage limitation), keeping every figure; each run is "
        "in the privacy audit log."
    ),
)
def apply_retention() -> str:
    result = retention_apply()
    return (
        f"Anonymised {result.complaints} complaint(s) of {result.residents} resident(s), "
        f"{result.intake_items} intake item(s) and {result.import_files} import file(s)."
    )
