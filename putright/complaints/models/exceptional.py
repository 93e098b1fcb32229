"""Exceptional circumstances (Code 8.5): a period when the landlord cannot meet the Code's
timescales, declared, approved by the senior lead, tracked back to compliance."""

from django.conf import settings
from django.db import models

from putright.complaints.models.complaint import Category, Complaint


class ExceptionalStatus(models.TextChoices):
    DECLARED = "declared", "Waiting for the senior lead's approval"
    IN_FORCE = "in_force", "Approved: in force"
    REFUSED = "refused", "Not approved"
    ENDED = "ended", "Ended"


class ExceptionalPeriod(models.Model):
    """A declared period of exceptional circumstances and the complaints it affects."""

    reason = models.TextField(help_text="What happened, as the resident and Ombudsman read it.")
    starts_on = models.DateField()
    expected_end_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    all_complaints = models.BooleanField(default=False)
    categories = models.ManyToManyField(Category, blank=True, related_name="+")
    # Estates (people.Property.estate) the circumstances reach, as written on the homes.
    areas = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=16, choices=ExceptionalStatus.choices, default=ExceptionalStatus.DECLARED
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    declared_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ombudsman_notified_on = models.DateField(null=True, blank=True)
    affected = models.ManyToManyField(Complaint, blank=True, related_name="exceptional_periods")

    class Meta:
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return f"Exceptional circumstances from {self.starts_on:%-d %B %Y}"

    @property
    def scope_label(self) -> str:
        if self.all_complaints:
            return "All complaints"
        parts = [c.name for c in self.categories.all()] + [f"Estate: {a}" for a in self.areas]
        return ", ".join(parts)
