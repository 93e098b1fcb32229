"""Exclusions, Ombudsman referrals and the landlord's extra non-working days."""

from django.conf import settings
from django.db import models

from putright.complaints.constants import ReferralOutcome
from putright.complaints.models.complaint import Complaint


class Exclusion(models.Model):
    """A decision not to accept (or not to escalate) a complaint, with evidence (Code 2.1-2.5)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="exclusions")
    stage = models.PositiveSmallIntegerField()
    ground = models.CharField(max_length=40)
    reasoning = models.TextField(help_text="The evidence and reasoning for this case (Code 2.1).")
    discretion_considered = models.BooleanField(default=False)
    discretion_notes = models.TextField(blank=True)
    decided_on = models.DateField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    reinstated_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return f"{self.complaint.reference}: {self.ground}"


class OmbudsmanReferral(models.Model):
    """The resident took the complaint to the Housing Ombudsman; what it decided."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="ombudsman_referrals"
    )
    referred_on = models.DateField()
    ombudsman_reference = models.CharField(max_length=40, blank=True)
    outcome = models.CharField(
        max_length=32, choices=ReferralOutcome.choices, default=ReferralOutcome.PENDING
    )
    outcome_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)

    class Meta:
        ordering = ["-referred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.complaint.reference} → Ombudsman {self.ombudsman_reference}".strip()


class NonWorkingDay(models.Model):
    """A day the landlord is closed beyond bank holidays; it moves every deadline across it."""

    day = models.DateField(unique=True)
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%d %b %Y}: {self.reason}"
