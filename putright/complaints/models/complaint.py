"""The complaint, its points and the reference data it is filed under."""

from django.conf import settings
from django.db import models

from putright.complaints.constants import Channel, Status
from putright.rules.profile import DEFAULT_CODE, get_profile
from putright.rules.workflow import OPEN_STATES, Action, State, allowed_actions


class Category(models.Model):
    """What a complaint is about (repairs, damp and mould, ASB, ...): reference data."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100, unique=True)
    active = models.BooleanField(default=True)
    # Policy 6.4: responses are reviewed by "an appropriate member of the relevant business
    # area". A staff team name (User.team); empty: any colleague other than the author.
    review_team = models.CharField(
        "business area that reviews responses",
        max_length=100,
        blank=True,
        help_text="The staff team whose members review responses in this category (policy 6.4).",
    )

    class Meta:
        verbose_name_plural = "categories"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ReferenceCounter(models.Model):
    """The last complaint number issued in a year, for CMP-YYYY-NNNNNN references."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class ComplaintQuerySet(models.QuerySet["Complaint"]):
    def open(self) -> "ComplaintQuerySet":
        return self.filter(status__in=[s.value for s in OPEN_STATES])


class Complaint(models.Model):
    """An expression of dissatisfaction (Code 1.2), from receipt to closure."""

    reference = models.CharField(max_length=20, unique=True)
    profile_code = models.CharField(max_length=20, default=DEFAULT_CODE)
    resident = models.ForeignKey(
        "people.Resident", on_delete=models.PROTECT, related_name="complaints"
    )
    home = models.ForeignKey(
        "people.Property",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    channel = models.CharField(max_length=20, choices=Channel.choices)
    # The day anyone at the landlord (or a contractor) heard it: the Code's clocks start here.
    received_on = models.DateField()
    heard_by = models.CharField(
        max_length=200, blank=True, help_text="Who first heard it, when passed on."
    )
    description = models.TextField("what is wrong")
    issue_started_on = models.DateField("when it started", null=True, blank=True)
    became_aware_on = models.DateField("when the resident became aware", null=True, blank=True)
    spoken_to = models.TextField("who they have spoken to, and when", blank=True)
    outcome_wanted = models.TextField("what they want to happen", blank=True)

    status = models.CharField(max_length=24, choices=Status.choices, default=State.RECEIVED)
    current_stage = models.PositiveSmallIntegerField(default=1)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_handling",
    )
    # Denormalised from the current stage so the work queue can sort 100k rows on an index.
    next_due = models.DateField(null=True, blank=True)
    linked_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="linked_complaints"
    )
    closed_on = models.DateField(null=True, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_logged",
    )
    logged_at = models.DateTimeField(auto_now_add=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["status", "next_due"]),
            models.Index(fields=["handler", "status", "next_due"]),
            models.Index(fields=["received_on"]),
            # The dashboard's and team view's counts of open work, each one pass over an index
            # (selectors.open_tally; team.ageing).
            models.Index(fields=["status", "handler", "next_due"], name="complaint_open_tally"),
            models.Index(fields=["status", "received_on"], name="complaint_status_received"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def state(self) -> State:
        return State(self.status)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def at_last_stage(self) -> bool:
        return self.current_stage >= get_profile(self.profile_code).last_stage

    @property
    def allowed_actions(self) -> frozenset[Action]:
        """What the workflow table allows now, counting the stages still to come."""
        return allowed_actions(self.state, at_last_stage=self.at_last_stage)


class ComplaintPoint(models.Model):
    """One point of the complaint definition (Code 5.6): each gets a decision (6.7)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="points")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    added_at_stage = models.PositiveSmallIntegerField(default=1)
    added_on = models.DateField()

    class Meta:
        ordering = ["complaint", "number"]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "number"], name="unique_point_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"
