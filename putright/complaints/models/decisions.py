"""Exclusions, Ombudsman referrals and the landlord's extra non-working days."""

from django.conf import settings
from django.db import models

from putright.complaints.constants import ReferralOutcome
from putright.complaints.models.complaint import Complaint
from putright.core.clock import today
from putright.core.models import BatchedRun


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
    """A day the landlord is closed beyond bank holidays, in time: it counts for a deadline
    whose result settles while it stands (decided, not yet withdrawn), never for one settled
    before it was decided. Removing one withdraws it, so settled results keep it."""

    day = models.DateField()
    reason = models.CharField(max_length=200)
    decided_on = models.DateField(
        default=today, help_text="The day the closure was decided (recorded in PutRight)."
    )
    withdrawn_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(
                fields=["day"],
                condition=models.Q(withdrawn_on__isnull=True),
                name="one_standing_closure_per_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day:%-d %B %Y}: {self.reason}"

    @property
    def decided_after_the_day(self) -> bool:
        """Recorded after the day itself: it cannot change any result settled before then."""
        return self.decided_on > self.day


class DeadlineRecount(BatchedRun):
    """A closure added or removed, and how far the open deadlines it can move have been moved.

    A closure can move every open deadline (260,000 at a million complaints: minutes of work),
    so the recount is done in short transactions after the closure is saved, from where the
    last one stopped (``after_stage``), by the task queued on commit and, should the worker be
    stopped, by the scheduler's job (``services.closures``). ``on`` is the day the change was
    made: results settled that day count with it, however late the recount reaches them."""

    closure = models.ForeignKey(
        NonWorkingDay, on_delete=models.CASCADE, null=True, related_name="recounts"
    )
    why = models.CharField(max_length=300)
    on = models.DateField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    after_stage = models.BigIntegerField(
        default=0, help_text="Stages up to this id have been recounted."
    )
    moved = models.PositiveIntegerField(default=0)

    class Meta(BatchedRun.Meta):
        pass

    def __str__(self) -> str:
        return self.why
