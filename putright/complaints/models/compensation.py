"""The landlord's compensation schedule as data (policy 6.5, Code 7.4)."""

from django.conf import settings
from django.db import models


class CompensationBand(models.Model):
    """One line of the compensation schedule, in force from a date (time-aware reference data).

    Editing a line adds a new row from the day of the edit; remedies keep the band they were
    offered under (``Remedy.band_low``/``band_high``), so a later edit changes nothing settled.
    """

    code = models.SlugField(max_length=40)
    label = models.CharField(max_length=200)
    # The profile's remedy type this line belongs to (Code 7.1): the financial remedy.
    remedy_type = models.CharField(max_length=32, default="financial")
    unit = models.CharField(max_length=20, help_text="award, week, day, appointment, room …")
    low = models.DecimalField(max_digits=9, decimal_places=2)
    high = models.DecimalField(
        max_digits=9, decimal_places=2, null=True, blank=True, help_text="Empty: no ceiling."
    )
    proposed = models.DecimalField(max_digits=9, decimal_places=2)
    guidance = models.TextField(blank=True)
    effective_from = models.DateField()
    withdrawn = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "-effective_from", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["code", "effective_from"], name="one_band_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.label} (from {self.effective_from})"

    @property
    def range_label(self) -> str:
        top = f"£{self.high:,.2f}" if self.high is not None else "no upper limit"
        return f"£{self.low:,.2f} to {top} per {self.unit}"
