"""A stage of a complaint, with its definition, deadlines and extensions."""

from django.conf import settings
from django.db import models

from putright.complaints.models.complaint import Complaint
from putright.core.clock import today


class Conflict(models.TextChoices):
    """The handler's conflict-of-interest declaration on assignment (Code 5.8c, policy 6.2)."""

    NONE = "none", "No conflict of interest"
    DECLARED = "declared", "A conflict of interest (say what it is)"


class Stage(models.Model):
    """Stage 1 or stage 2 of a complaint: its clocks, its handler and its definition."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="stages")
    number = models.PositiveSmallIntegerField()
    # Stage 1: the day the complaint was received; stage 2: the day escalation was requested.
    requested_on = models.DateField()
    ack_due = models.DateField()
    acknowledged_on = models.DateField(null=True, blank=True)
    response_due_original = models.DateField(null=True, blank=True)
    response_due = models.DateField(null=True, blank=True)
    responded_on = models.DateField(null=True, blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stages_handled",
    )
    # The handler's declaration when assigned (Code 5.8c); a declared conflict needs an
    # officer's override with a reason. Blank: assigned before declarations were recorded.
    conflict = models.CharField(max_length=10, choices=Conflict.choices, blank=True)
    conflict_detail = models.TextField(blank=True)
    conflict_override_reason = models.TextField(blank=True)
    # The complaint definition (Code 5.6-5.7), set when the stage is acknowledged.
    outcomes_sought = models.TextField(blank=True)
    responsible_for = models.TextField("what the landlord is responsible for", blank=True)
    not_responsible_for = models.TextField("what the landlord is not responsible for", blank=True)
    to_clarify = models.TextField("anything to clarify with the resident", blank=True)
    # Stage 2 only; never required (Code 6.12).
    escalation_reason = models.TextField(blank=True)
    # Keeping the resident informed while an extended stage is unanswered (Code 5.9): the day
    # the last update was sent, and the day the next is due (written only by
    # services.common.refresh_next_due, from rules.clocks.update_due; null when none is owed).
    last_update_on = models.DateField(null=True, blank=True)
    update_due = models.DateField(null=True, blank=True)
    # How the acknowledgement and the response compare with their due dates (a
    # ``rules.clocks.Timeliness`` value, blank while not done), as the one clock judged them:
    # written only by services.common.refresh_next_due on every change to the stage, so the
    # reports count a year of stages without running 100k clocks. A settled result never moves
    # afterwards (the clock counts it with the calendar of its day). False: not yet written
    # (rows made before these columns, or bulk-loaded; `manage.py stage_timeliness_fill` writes
    # them) and the reports count that stage's clocks instead.
    ack_timeliness = models.CharField(max_length=40, blank=True)
    response_timeliness = models.CharField(max_length=40, blank=True)
    timeliness_stored = models.BooleanField(default=False)
    # The stage's answer as the reports count it, stored with the timeliness and read under the
    # same flag: the overall outcome of the response's decisions (``constants.overall_outcome``,
    # blank while unanswered) and whether it was an early resolution, written with the response
    # (services.stages.stage_respond); whether its deadline was ever extended, written by
    # services.common.refresh_next_due. `stage_timeliness_fill` and `refresh_stored` write
    # them from the rows.
    outcome = models.CharField(max_length=16, blank=True)
    early_resolution = models.BooleanField(default=False)
    extended = models.BooleanField(default=False)

    class Meta:
        ordering = ["complaint", "number"]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "number"], name="unique_stage_number")
        ]
        # The follow-ups digest's updates due (the queue's tab and the dashboard's count read
        # the copy on the complaint): only unanswered extended stages have one, so the partial
        # index stays small at any size.
        indexes = [
            models.Index(
                fields=["update_due"],
                condition=models.Q(update_due__isnull=False),
                name="stage_update_due",
            ),
            # Timeliness this month and year, and the monthly trend (selectors.stage_days):
            # the index alone answers them (partial: stages not yet done are read elsewhere).
            models.Index(
                fields=["acknowledged_on", "number", "ack_due"],
                condition=models.Q(acknowledged_on__isnull=False),
                name="stage_acknowledged",
            ),
            models.Index(
                fields=["responded_on", "number", "response_due"],
                condition=models.Q(responded_on__isnull=False),
                name="stage_responded",
            ),
            # The reports count the few stages whose timeliness is not stored yet apart
            # (reporting.selectors.stage_counts): found without reading every stage.
            models.Index(
                fields=["requested_on"],
                condition=models.Q(timeliness_stored=False),
                name="stage_not_stored",
            ),
            # The reports' grouped questions over the stages whose timeliness is stored
            # (reporting.selectors.stage_counts), one index each holding every column its
            # question reads, so the year is read from the index alone, never the stage rows.
            # Each leads with the flag its condition holds: without statistics SQLite takes
            # an equality as the most selective, and so picks the question's own index over
            # stage_responded / stage_acknowledged (the same range, but a row looked up per
            # stage) and over the table. Answered and acknowledged: the span's range, then
            # what they group by. Received: in complaint order, as the table is, so the
            # complaint, exclusion and tenancy each stage looks up come in order.
            # Plain key columns: INCLUDE is PostgreSQL's only.
            models.Index(
                fields=[
                    "timeliness_stored",
                    "responded_on",
                    "number",
                    "ack_timeliness",
                    "response_timeliness",
                    "extended",
                    "early_resolution",
                    "outcome",
                    "complaint",
                ],
                condition=models.Q(timeliness_stored=True),
                name="stage_answered_stored",
            ),
            models.Index(
                fields=[
                    "timeliness_stored",
                    "acknowledged_on",
                    "number",
                    "ack_timeliness",
                    "handler",
                    "complaint",
                    "responded_on",
                ],
                condition=models.Q(timeliness_stored=True),
                name="stage_acknowledged_stored",
            ),
            models.Index(
                fields=["timeliness_stored", "complaint", "number", "requested_on", "responded_on"],
                condition=models.Q(timeliness_stored=True),
                name="stage_received_stored",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint.reference} stage {self.number}"

    @property
    def is_extended(self) -> bool:
        return self.response_due is not None and self.response_due != self.response_due_original


class Extension(models.Model):
    """An extension of a stage's response deadline (Code 6.4 / 6.15, 5.9, 6.5 / 6.16)."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="extensions")
    previous_due = models.DateField()
    new_due = models.DateField()
    working_days = models.PositiveSmallIntegerField(
        help_text="Total extension from the original due date, in working days."
    )
    reason = models.TextField()
    # The day the extension was agreed: reports count it in that day's year (Code 6.4 / 6.15).
    agreed_on = models.DateField(default=today)
    # Blank only for history imported without it: reported as unknown, never assumed.
    resident_informed_on = models.DateField(null=True, blank=True)
    update_interval_days = models.PositiveSmallIntegerField(
        help_text="Agreed interval for keeping the resident informed, in working days (Code 5.9)."
    )
    beyond_cap = models.BooleanField(default=False)
    good_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["stage", "agreed_on", "id"]

    def __str__(self) -> str:
        return f"{self.stage}: extended to {self.new_due:%-d %B %Y}"
