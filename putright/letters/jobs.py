"""Letters' scheduled jobs (found by the scheduler at start-up; see putright/core/scheduler.py)."""

from putright.core.scheduler import Every, register_job
from putright.letters.services.outbox import outbox_sweep
from putright.letters.services.recovery import letters_recover

OUTBOX_SWEEP_MINUTES = 5


@register_job(
    "letters.outbox_sweep",
    period=Every(OUTBOX_SWEEP_MINUTES),
    description=(
        "Recover letters whose production or send was interrupted, then send outbox letters "
        "that are waiting or due a retry (a safety net: the worker also does both itself)."
    ),
)
def sweep_outbox() -> str:
    letters_recover()
    return outbox_sweep()
