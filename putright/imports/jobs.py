"""Imports' scheduled job (found by the scheduler at start-up; see putright/core/scheduler.py)."""

from datetime import time

from putright.core.scheduler import DailyAt, register_job
from putright.imports.services import import_uploads_purge

ABANDONED_IMPORTS_TIME = time(2, 0)  # at night, UK time


@register_job(
    "imports.abandoned",
    period=DailyAt(ABANDONED_IMPORTS_TIME),
    description=(
        "Mark imports that never finished within the retention period for import files as "
        "failed, and delete their uploaded files (residents' personal data)."
    ),
)
def fail_abandoned_imports() -> str:
    return f"{import_uploads_purge()} abandoned import(s) marked failed."
