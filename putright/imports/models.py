"""Import runs and the map from the old system's references to PutRight's records."""

from django.conf import settings
from django.db import models


class ImportBatch(models.Model):
    """One run of an import: what came in and what it did (a dry run's report is kept too)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Importing"
        DONE = "done", "Finished"
        REFUSED = "refused", "Nothing imported: problems found"
        FAILED = "failed", "Failed: stopped by an error"

    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    skip_invalid = models.BooleanField(default=False)
    dry_run = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DONE)
    # The uploaded file, kept only until the background import has run.
    upload = models.BinaryField(blank=True, default=b"", editable=False)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    # The last spreadsheet row committed: a killed import carries on after it.
    rows_done = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    invalid = models.PositiveIntegerField(default=0)
    # [{"row": 3, "column": "received_on", "message": "..."}]; row 0 is the file itself.
    issues = models.JSONField(default=list)
    # [{"row": 3, "legacy_reference": "...", "reference": "CMP-...", "what": "created"}]
    outcomes = models.JSONField(default=list)
    # Why a failed import stopped (nothing it wrote was kept: it runs in one transaction).
    failure = models.TextField(blank=True, default="")

    class Meta:
        verbose_name_plural = "import batches"
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.started_at:%d %b %Y %H:%M})"

    @property
    def data_rows_done(self) -> int:
        """Rows committed so far, for the progress shown while it runs (row 1 is the header)."""
        return min(max(self.rows_done - 1, 0), self.rows_total)


class ImportedComplaint(models.Model):
    """The old system's reference for a complaint, and the row values last imported for it."""

    legacy_reference = models.CharField(max_length=100, unique=True)
    complaint = models.OneToOneField(
        "complaints.Complaint", on_delete=models.PROTECT, related_name="imported_from"
    )
    first_batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="+")
    last_batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=255)
    row_number = models.PositiveIntegerField()
    # The row as last imported, normalised (ISO dates, codes), to tell what a correction changed.
    values = models.JSONField(default=dict)
    # The lifecycle steps applied so far, in order ("acknowledge_1", "respond_1", ...).
    steps = models.JSONField(default=list)
    import_event = models.ForeignKey(
        "complaints.CaseEvent", on_delete=models.PROTECT, related_name="+"
    )
    # The newest record entry the import wrote: anything later was done in PutRight.
    last_event_id = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["legacy_reference"]

    def __str__(self) -> str:
        return f"{self.legacy_reference} → {self.complaint_id}"


class ImportedResident(models.Model):
    """The old system's resident id for a PutRight resident, so each person is created once."""

    legacy_id = models.CharField(max_length=100, unique=True)
    resident = models.OneToOneField(
        "people.Resident", on_delete=models.PROTECT, related_name="imported_from"
    )

    class Meta:
        ordering = ["legacy_id"]

    def __str__(self) -> str:
        return f"{self.legacy_id} → {self.resident_id}"
