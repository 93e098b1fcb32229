"""A stage response: decisions per point, remedies and outstanding actions."""

from django.conf import settings
from django.db import models

from putright.complaints.constants import DraftStatus, Outcome
from putright.complaints.models.complaint import Complaint, ComplaintPoint
from putright.complaints.models.stage import Stage


class Response(models.Model):
    """The landlord's response at a stage (Code 6.9 / 6.19); early resolution is a stage 1 one."""

    stage = models.OneToOneField(Stage, on_delete=models.CASCADE, related_name="response")
    issued_on = models.DateField()
    summary = models.TextField(help_text="The overall answer, in plain language.")
    learning = models.TextField(blank=True, help_text="What the landlord has learned (Code 9.1).")
    early_resolution = models.BooleanField(default=False)
    no_remedy_reason = models.TextField(
        blank=True, help_text="Why no remedy is offered, when none is."
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Response to {self.stage}"


class Decision(models.Model):
    """The decision on one point of the definition, with reasons (Code 6.7 / 6.18)."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="decisions")
    point = models.ForeignKey(ComplaintPoint, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    reasons = models.TextField()

    class Meta:
        ordering = ["response", "point__number"]
        constraints = [
            models.UniqueConstraint(fields=["response", "point"], name="one_decision_per_point")
        ]

    def __str__(self) -> str:
        return f"{self.point.number}: {self.get_outcome_display()}"


class FollowUp(models.Model):
    """What makes remedies and outstanding actions alike: a promise with a date, tracked."""

    description = models.TextField()
    due_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completion_note = models.TextField(blank=True)
    # Who on the staff chases it: a remedy's is the complaint's handler; an action's is its
    # named owner, else the handler (a team or contractor cannot be reminded). Stored so the
    # tracker's "My follow-ups" and owner filters read an index; written only by
    # services.common.follow_ups_chased_by, whenever the handler changes or promises are made.
    chased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True
        ordering = ["due_on", "id"]

    @property
    def is_complete(self) -> bool:
        return self.completed_on is not None

    @staticmethod
    def tracker_indexes(prefix: str) -> list[models.Index]:
        """The follow-through tracker reads each kind in these orders (followups.FollowUpKeys):
        open ones soonest due first, done ones latest done first; the dashboard counts the
        open ones overdue and due this week from the first."""
        # Partial on "not done", not (completed_on, due_on, id): PostgreSQL does not take
        # `completed_on IS NULL` as fixing the first column, so it would sort every open row.
        open_ = models.Q(completed_on__isnull=True)
        return [
            models.Index(fields=["due_on", "id"], condition=open_, name=f"{prefix}_open"),
            models.Index(
                fields=["-completed_on", "due_on", "id"],
                condition=models.Q(completed_on__isnull=False),
                name=f"{prefix}_done",
            ),
            # The same two orders for one member of staff ("My follow-ups", the owner filter).
            models.Index(
                fields=["chased_by", "due_on", "id"], condition=open_, name=f"{prefix}_chased_due"
            ),
            models.Index(
                fields=["chased_by", "-completed_on", "due_on", "id"],
                condition=models.Q(completed_on__isnull=False),
                name=f"{prefix}_chased_done",
            ),
        ]


class Remedy(FollowUp):
    """Something the landlord will do to put things right (Code 7.1-7.3), by a date."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="remedies")
    response = models.ForeignKey(
        Response, null=True, blank=True, on_delete=models.CASCADE, related_name="remedies"
    )
    remedy_type = models.CharField(max_length=32)
    amount = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    # The compensation schedule line it was offered under, as it stood then (policy 6.5).
    band = models.CharField(max_length=40, blank=True)
    units = models.PositiveIntegerField(null=True, blank=True)
    band_low = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    band_high = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    deviation_reason = models.TextField(
        blank=True, help_text="Why the amount is outside its band, or not on the schedule."
    )

    class Meta(FollowUp.Meta):
        verbose_name_plural = "remedies"
        indexes = FollowUp.tracker_indexes("remedy")

    def __str__(self) -> str:
        return f"{self.remedy_type}: {self.description[:60]}"


class OutstandingAction(FollowUp):
    """Work still to do after the response is sent (Code 6.6 / 6.17), with an owner."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="outstanding_actions"
    )
    response = models.ForeignKey(
        Response,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outstanding_actions",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions_owned",
    )
    owner_name = models.CharField(max_length=200, blank=True, help_text="Team or contractor.")
    # A long-running action: the resident is told how it is going at this interval until it is
    # done (Code 6.6 / 6.17, 5.9); null when no interval was agreed.
    update_interval_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Update the resident every this many working days until done.",
    )
    last_update_on = models.DateField(null=True, blank=True)

    class Meta(FollowUp.Meta):
        indexes = FollowUp.tracker_indexes("action")

    def __str__(self) -> str:
        return self.description[:60]


class ResponseDraft(models.Model):
    """One version of a stage response, waiting for review by a colleague (policy 6.4)."""

    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="response_drafts")
    version = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=12, choices=DraftStatus.choices, default=DraftStatus.IN_REVIEW
    )
    data = models.JSONField()  # a serialised ResponseInput
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="response_drafts"
    )
    submitted_at = models.DateTimeField()
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="response_reviews",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comments = models.TextField(blank=True)
    response = models.OneToOneField(
        Response,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="draft",
    )

    class Meta:
        # Moved here from the letters app; the table keeps its name so no data moves.
        db_table = "letters_responsedraft"
        ordering = ["stage", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "version"], name="unique_draft_version")
        ]
        # The queue's "waiting for review" and "returned" tabs and the dashboard's counts start
        # from the drafts in that state (issue 19).
        indexes = [models.Index(fields=["status", "stage"], name="draft_status_stage")]

    def __str__(self) -> str:
        return f"{self.stage} response, version {self.version}"
