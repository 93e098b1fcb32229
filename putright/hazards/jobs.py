"""Hazards' scheduled job (found by the scheduler at start-up; see putright/core/scheduler.py)."""

from putright.core.scheduler import Every, register_job
from putright.hazards.services import hazard_next_due_refresh

REFRESH_MINUTES = 60


@register_job(
    "hazards.next_due_refresh",
    period=Every(REFRESH_MINUTES),
    description=(
        "Recount when each running hazard report's next clock falls due (the work queue's "
        "hazard filter and the dashboard read it), after a closure is recorded or withdrawn."
    ),
)
def refresh_next_due() -> str:
    return f"{hazard_next_due_refresh()} hazard report(s) recounted."
