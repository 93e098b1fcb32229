"""The privacy audit log, the redaction grant, and which records have been anonymised."""

from django.conf import settings
from django.db import models

from putright.privacy.constants import AuditKind

AUDIT_IS_APPEND_ONLY = "The privacy audit log is append-only."


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError(AUDIT_IS_APPEND_ONLY)

    def delete(self):
        raise PermissionError(AUDIT_IS_APPEND_ONLY)


class AuditEntry(models.Model):
    """One anonymisation, erasure (or refusal) or subject-access export: who, when, what, why.

    It holds no personal data: complaint references, a resident's id number, counts.
    """

    kind = models.CharField(max_length=24, choices=AuditKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=100, blank=True)
    at = models.DateTimeField()
    resident_id_number = models.PositiveBigIntegerField(null=True, blank=True)
    complaint_references = models.JSONField(default=list)
    rule = models.CharField(max_length=200, blank=True, help_text="The retention rule applied.")
    reason = models.TextField(blank=True, help_text="The request's reason, without names.")
    requested_on = models.DateField(null=True, blank=True, help_text="When a request was made.")
    refusal = models.CharField(max_length=32, blank=True)
    fields_removed = models.PositiveIntegerField(default=0)
    files_removed = models.PositiveIntegerField(default=0)
    rows_deleted = models.PositiveIntegerField(default=0)
    files_exported = models.PositiveIntegerField(default=0)
    # Per model: {"complaints.Correspondence": {"fields": 3, "rows": 1}, ...}
    detail = models.JSONField(default=dict)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "audit entries"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["resident_id_number", "-at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError(AUDIT_IS_APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(AUDIT_IS_APPEND_ONLY)

    @property
    def who(self) -> str:
        if self.actor_id:
            return str(self.actor)
        return self.actor_label or "System"


class RedactionGrant(models.Model):
    """The SQLite half of the sanctioned redaction path: exists only inside its transaction.

    While a row exists the case record's triggers let UPDATE through (other connections cannot
    see an uncommitted row). Its tripwire points at a row that never exists and the foreign key
    is checked at commit (deferred), so a transaction that forgot to remove the grant cannot
    commit at all: the permission can never outlive the redaction.
    """

    tripwire = models.ForeignKey("self", on_delete=models.DO_NOTHING, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Redaction grant {self.pk}"


class AnonymisedComplaint(models.Model):
    """A complaint whose personal data has been removed; its figures remain."""

    complaint = models.OneToOneField(
        "complaints.Complaint", on_delete=models.PROTECT, related_name="anonymised"
    )
    anonymised_on = models.DateField()
    audit = models.ForeignKey(AuditEntry, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"{self.complaint_id} anonymised {self.anonymised_on}"


class AnonymisedResident(models.Model):
    """A resident whose personal data has been removed; the row stays for the figures."""

    resident = models.OneToOneField(
        "people.Resident", on_delete=models.PROTECT, related_name="anonymised"
    )
    anonymised_on = models.DateField()
    audit = models.ForeignKey(AuditEntry, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"Resident {self.resident_id} anonymised {self.anonymised_on}"
