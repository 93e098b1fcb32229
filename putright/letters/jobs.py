"""Letters' scheduled jobs (found by the scheduler at start-up; see putright/core/scheduler.py)."""

from putright.core.scheduler import Every, register_job
from putright.letters.services.outbox import outbox_sweep

OUTBOX_SWEEP_MINUTES = 5


@register_job(
    "letters.outbox_sweep",
    period=Every(OUTBOX_SWEEP_MINUTES),
    description=(
        "Send outbox letters that are waiting or due a retry (a safety net: the worker sends "
        "each letter as soon as it is committed)."
    ),
)
def sweep_outbox() -> str:
    return outbox_sweep()
