"""Reporting records the landlord keeps beside the case record: homes counts, the Code
self-assessment, service improvements and the Ombudsman's casework."""

from django.conf import settings
from django.db import models

from putright.reporting.constants import Comply, Finding, ImprovementStatus, OrderKind, Trigger


class HomesCount(models.Model):
    """Homes owned in a reporting year, the denominator of TSM CH01 (entered by the landlord)."""

    year = models.PositiveSmallIntegerField(
        unique=True,
        help_text="The year the reporting year starts: 2025 means 1 April 2025–31 March 2026.",
    )
    lcra_homes = models.PositiveIntegerField("low-cost rental homes")
    lcho_homes = models.PositiveIntegerField("low-cost home ownership homes")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d}: {self.lcra_homes} LCRA, {self.lcho_homes} LCHO"


class SelfAssessment(models.Model):
    """One version of the self-assessment against the Code (Code 8.1a, 8.3, 8.4)."""

    year = models.PositiveSmallIntegerField()
    trigger = models.CharField(max_length=16, choices=Trigger.choices, default=Trigger.ANNUAL)
    version = models.PositiveSmallIntegerField()
    profile_code = models.CharField(max_length=20)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    measured_on = models.DateField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_on = models.DateField(null=True, blank=True)
    approval_minute = models.TextField(
        blank=True, help_text="The governing body's decision, as minuted (Code 8.2)."
    )

    class Meta:
        ordering = ["-year", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "trigger", "version"], name="one_self_assessment_version"
            )
        ]

    def __str__(self) -> str:
        return f"Self-assessment {self.year}/{(self.year + 1) % 100:02d} v{self.version}"

    @property
    def is_approved(self) -> bool:
        return self.approved_on is not None


class SelfAssessmentRow(models.Model):
    """The answer for one provision: comply, evidence, commentary, and the plan if not."""

    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="rows")
    provision = models.CharField(max_length=8)
    section = models.PositiveSmallIntegerField()
    position = models.PositiveSmallIntegerField()
    comply = models.CharField(max_length=3, choices=Comply.choices, blank=True)
    evidence = models.TextField(blank=True)
    commentary = models.TextField("commentary / explanation", blank=True)
    action = models.TextField("action to comply", blank=True)
    action_due = models.DateField("date to comply by", null=True, blank=True)
    # What the case record shows, filled by PutRight when the assessment is measured.
    measured = models.TextField(blank=True)
    shortfall = models.BooleanField(
        default=False, help_text="The record shows cases that did not meet this provision."
    )

    class Meta:
        ordering = ["assessment", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "provision"], name="one_row_per_provision"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment}: {self.provision}"

    @property
    def contradicted(self) -> bool:
        """Answered "Yes" while the case record shows a shortfall: flagged for review."""
        return self.comply == Comply.YES and self.shortfall


class ServiceImprovement(models.Model):
    """A change made because of what complaints taught the landlord (Code 9.1-9.4)."""

    title = models.CharField(max_length=200)
    description = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_name = models.CharField(max_length=200, blank=True, help_text="Team or manager.")
    status = models.CharField(
        max_length=16, choices=ImprovementStatus.choices, default=ImprovementStatus.PROPOSED
    )
    due_on = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    complaints = models.ManyToManyField(
        "complaints.Complaint", related_name="service_improvements", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["status", "-created_at"]

    def __str__(self) -> str:
        return self.title


class AnnualReportNote(models.Model):
    """What the landlord writes into the annual report: Ombudsman letters and the response."""

    year = models.PositiveSmallIntegerField(unique=True)
    ombudsman_annual_letter = models.TextField(
        blank=True, help_text="The Ombudsman's annual report about the landlord (8.1e)."
    )
    ombudsman_other_reports = models.TextField(
        blank=True, help_text="Other Ombudsman reports or publications about our work (8.1f)."
    )
    governing_body_response = models.TextField(
        blank=True, help_text="Written by the governing body, published with the report (8.2)."
    )
    response_approved_on = models.DateField(null=True, blank=True)
    response_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    commentary = models.TextField(blank=True, help_text="Qualitative analysis (8.1b).")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"Annual report notes {self.year}"


class OmbudsmanInformationRequest(models.Model):
    """The Ombudsman asked for evidence by a date; when it was sent."""

    referral = models.ForeignKey(
        "complaints.OmbudsmanReferral",
        on_delete=models.CASCADE,
        related_name="information_requests",
    )
    requested_on = models.DateField()
    due_on = models.DateField()
    description = models.TextField()
    sent_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"{self.referral}: information due {self.due_on:%d %b %Y}"


class OmbudsmanFinding(models.Model):
    """The Ombudsman's determination on one element of the complaint."""

    referral = models.ForeignKey(
        "complaints.OmbudsmanReferral", on_delete=models.CASCADE, related_name="findings"
    )
    element = models.CharField(max_length=300, help_text="The complaint element, in its words.")
    finding = models.CharField(max_length=32, choices=Finding.choices)
    determined_on = models.DateField()

    class Meta:
        ordering = ["referral", "id"]

    def __str__(self) -> str:
        return f"{self.element[:40]}: {self.get_finding_display()}"


class OmbudsmanOrder(models.Model):
    """An order or recommendation from a determination, with its compliance deadline."""

    referral = models.ForeignKey(
        "complaints.OmbudsmanReferral", on_delete=models.CASCADE, related_name="orders"
    )
    kind = models.CharField(max_length=16, choices=OrderKind.choices, default=OrderKind.ORDER)
    description = models.TextField()
    due_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    evidence = models.TextField(blank=True, help_text="What was sent to show compliance.")

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description[:50]}"


class OmbudsmanCodeFinding(models.Model):
    """A finding by the Ombudsman that the landlord did not comply with the Code (8.1c)."""

    referral = models.ForeignKey(
        "complaints.OmbudsmanReferral", on_delete=models.CASCADE, related_name="code_findings"
    )
    provisions = models.CharField(
        max_length=100, help_text="The Code provisions not complied with, e.g. 6.2, 6.3."
    )
    description = models.TextField(help_text="What the Ombudsman found, in its words.")
    found_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["found_on", "id"]

    def __str__(self) -> str:
        return f"{self.referral}: non-compliance with {self.provisions}"


class ReportTextVersion(models.Model):
    """One change to a written part of a report: who, when, the text before and after.

    ``subject`` names the record ("annual:2025", "improvement:12", "self-assessment-row:345")
    and ``field`` the text within it. Written by the services on every change; never edited.
    """

    subject = models.CharField(max_length=60, db_index=True)
    field = models.CharField(max_length=40)
    previous = models.TextField(blank=True)
    text = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["subject", "-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.subject} {self.field} at {self.changed_at:%d %b %Y %H:%M}"
