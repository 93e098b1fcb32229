"""Fixed values of the privacy app: what removed data is replaced by, and the audit kinds."""

from datetime import date

from django.db import models

RETENTION_PLACEHOLDER = "[removed under retention policy on {day}]"
ERASURE_PLACEHOLDER = "[removed at the resident's request on {day}]"
ANONYMISED_AREA_LINE = "[address removed: area kept for figures]"
RETENTION_ACTOR_LABEL = "Retention schedule"

# Record entries written by PutRight itself name no person, so they are kept as they are.
SYSTEM_ACTOR_LABELS = frozenset(
    {
        "",
        "PutRight letters",
        "PutRight outbox",
        "Complaints mailbox",
        "Online complaint form",
        "Survey import",
        "System",
    }
)
# Keys of case-record (and hazard step) data that hold codes, not words a person wrote.
CODE_KEYS = frozenset(
    {"kind", "channel", "outcome", "ground", "request_status", "stage", "assessment", "hazard"}
)


class AuditKind(models.TextChoices):
    RETENTION = "retention", "Anonymised under the retention policy"
    ERASURE = "erasure", "Erased on the resident's request"
    ERASURE_REFUSED = "erasure_refused", "Erasure refused"
    SUBJECT_ACCESS = "subject_access", "Subject-access export"
    INTAKE_EXPIRED = "intake_expired", "Unmatched intake removed"
    IMPORT_FILES_EXPIRED = "import_files_expired", "Import files removed"


def placeholder(kind: str, day: date) -> str:
    template = ERASURE_PLACEHOLDER if kind == AuditKind.ERASURE else RETENTION_PLACEHOLDER
    return template.format(day=day.isoformat())
