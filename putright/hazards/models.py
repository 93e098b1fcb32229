"""A hazard report (Awaab's Law) and the steps taken on it."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from putright.hazards.constants import (
    HAZARD_CHOICES,
    Accommodation,
    AssessmentChoice,
    Source,
    StepKind,
)


class HazardReport(models.Model):
    """A possible hazard in a home the landlord has become aware of, and where its duties stand."""

    complaint = models.ForeignKey(
        "complaints.Complaint",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hazard_reports",
    )
    resident = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(max_length=300, blank=True)
    # The moment the clocks start: when the landlord became aware (Regs 2025).
    aware_at = models.DateTimeField()
    source = models.CharField(max_length=20, choices=Source.choices)
    # Where the report was raised from, for the app above that raised it: "service_request:12",
    # "intake_item:5", "import:<batch>:<row>" (the hazards app never reads those apps).
    source_ref = models.CharField(max_length=80, blank=True, db_index=True)
    told_by = models.CharField("who told the landlord", max_length=200)
    hazard = models.CharField(max_length=32, choices=HAZARD_CHOICES)
    description = models.TextField()
    occupiers = models.TextField(blank=True)
    vulnerabilities = models.TextField("occupiers' vulnerabilities", blank=True)
    assessment = models.CharField(max_length=12, choices=AssessmentChoice.choices)

    investigator = models.CharField("competent investigator", max_length=200, blank=True)
    investigation_concluded_at = models.DateTimeField(null=True, blank=True)
    findings = models.TextField(blank=True)
    hazard_found = models.BooleanField(null=True, blank=True)
    further_work_needed = models.BooleanField(default=False)
    summary_sent_on = models.DateField(null=True, blank=True)
    safety_work_done_at = models.DateTimeField(null=True, blank=True)
    safety_work = models.TextField(blank=True)
    further_work = models.TextField(blank=True)
    further_work_begun_on = models.DateField(null=True, blank=True)
    further_work_started_on = models.DateField(null=True, blank=True)
    accommodation = models.CharField(
        max_length=10, choices=Accommodation.choices, blank=True, default=Accommodation.NONE
    )
    decanted_at = models.DateTimeField(null=True, blank=True)
    consent_refused_at = models.DateTimeField(null=True, blank=True)
    # A further investigation found no hazard, or that the work is not required.
    cleared_at = models.DateTimeField(null=True, blank=True)

    # The earliest moment an open clock falls due (a working-day clock: the end of its local
    # day); null when no clock runs. Kept by every step, for the work queue and the dashboard.
    next_due_at = models.DateTimeField(null=True, blank=True, db_index=True)

    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-aware_at", "-id"]
        indexes = [models.Index(fields=["assessment", "aware_at"])]

    def __str__(self) -> str:
        return f"Hazard report {self.pk}: {self.get_hazard_display()}"


class HazardStep(models.Model):
    """One step recorded on a hazard report, with who did it and when: the hazard's own record
    (it exists whether or not the report is linked to a complaint)."""

    report = models.ForeignKey(HazardReport, on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField(max_length=20, choices=StepKind.choices)
    summary = models.CharField(max_length=300)
    data = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return self.summary
