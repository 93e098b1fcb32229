"""The complaint, its points and the reference data it is filed under."""

from django.conf import settings
from django.db import models
from django.utils.encoding import force_str

from putright.complaints.constants import Channel, Status
from putright.rules.profile import DEFAULT_CODE, get_profile
from putright.rules.workflow import OPEN_STATES, Action, State, allowed_actions

_STATUS_LABELS = dict(Status.choices)
_CHANNEL_LABELS = dict(Channel.choices)


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


# Sorted, so the SQL text is the same in every process (a frozenset's order is not).
OPEN_STATUSES = sorted(s.value for s in OPEN_STATES)


class ComplaintQuerySet(models.QuerySet["Complaint"]):
    def open(self) -> "ComplaintQuerySet":
        # The stored `open_state` column, not `status IN (...)`: SQLite uses a partial index
        # only when the query states its condition word for word, and a bound IN list never
        # matches the index's literal one.
        return self.filter(open_state=True)


# The columns the work queue's filters test, carried by each of its covering indexes.
# "open_state" is repeated from the condition: SQLite then answers from the index alone, about
# twenty times faster than reading each row to re-test it.
_QUEUE_COLUMNS = (
    "status",
    "current_stage",
    "handler",
    "category",
    "channel",
    "open_state",
    "resident_vulnerable",
)


def _open_in_deadline_order(
    name: str,
    *,
    leading: str | None = None,
    leaving_out: tuple[str, ...] = (),
    adding: tuple[str, ...] = (),
    **condition: object,
) -> models.Index:
    """A partial index over open complaints (and `condition`) in deadline order, after one
    `leading` column when given, covering the queue's filter columns."""
    first = [leading] if leading else []
    rest = [c for c in _QUEUE_COLUMNS if c not in first and c not in leaving_out]
    return models.Index(
        fields=[*first, "next_due", "id", *rest, *adding],
        condition=models.Q(open_state=True, **condition),
        name=name,
    )


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
    # Indexed with the id (Meta.indexes), not alone: a renamed category's search rows are
    # written again a batch at a time in id order (``services.categories``).
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
        db_index=False,
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
    # Computed by the database from `status` (never written by code): the work queue's
    # partial indexes cover open complaints only (issue 19).
    open_state = models.GeneratedField(
        expression=models.ExpressionWrapper(
            models.Q(status__in=OPEN_STATUSES), output_field=models.BooleanField()
        ),
        output_field=models.BooleanField(),
        db_persist=True,
    )
    # Whether the resident has an active vulnerability (Code 5.10), for the queue's
    # "vulnerable resident" filter at scale: written only by
    # `services.common.refresh_resident_vulnerable`, which the people services call (through
    # `on_vulnerability_change`) whenever a resident's vulnerabilities change.
    resident_vulnerable = models.BooleanField(default=False, editable=False)
    # The resident's tenure on the day the complaint was received (the latest tenancy started
    # by then; "" when none had): what TSM CH01 counts complaints by, stored so the reports do
    # not look up a tenancy per stage (issue 19). Written only by `services.common`: with the
    # new row by `resident_facts_set`, and by `refresh_tenure_at_receipt` whenever the
    # resident's tenancies change (`people.services.on_tenancy_change`); null until written (rows loaded
    # around the services: `manage.py stage_timeliness_fill` writes them, and the reports
    # look the tenancy up for those meanwhile).
    tenure_at_receipt = models.CharField(  # noqa: DJ001 (null: not written yet; "": no tenancy)
        max_length=16, null=True, blank=True, editable=False
    )
    # The current stage's facts the queue's "extended" filter and "update due" tab read (issue
    # 19): its response deadline was extended (`Stage.is_extended`), and the day the resident
    # is next owed an update on it (`Stage.update_due`, null when none is owed). Written only
    # by `services.common.refresh_next_due`, with `next_due`, whenever the stage's clocks are.
    current_extended = models.BooleanField(default=False, editable=False)
    update_due = models.DateField(null=True, blank=True, editable=False)
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
            # One category's complaints in id order (a renamed category's search rows, a
            # batch at a time; on PostgreSQL an index of the category alone orders its
            # entries by where the row lies, so each batch sorted the whole category).
            models.Index(fields=["category", "id"], name="complaint_category_id"),
            # The work queue (issue 19): open complaints in deadline order, with the columns
            # its filters test, so a filtered page or a capped count reads one index alone.
            _open_in_deadline_order("complaint_open_due", leaving_out=("resident_vulnerable",)),
            # Open complaints of vulnerable residents.
            _open_in_deadline_order("complaint_open_vulnerable_due", resident_vulnerable=True),
            # One status's, one category's open complaints (alone, each is a large share of the
            # open complaints, too many to read row by row).
            _open_in_deadline_order("complaint_open_status_due", leading="status"),
            _open_in_deadline_order("complaint_open_category_due", leading="category"),
            # Open complaints whose current stage was extended, and those owing the resident an
            # update (a few per cent of the open ones): the "extended" filter and the "update
            # due" tab read one of these alone.
            _open_in_deadline_order(
                "complaint_open_extended_due",
                adding=("current_extended", "update_due"),
                current_extended=True,
            ),
            _open_in_deadline_order(
                "complaint_open_update_due",
                adding=("current_extended", "update_due"),
                update_due__isnull=False,
            ),
            # My cases, one handler's, unassigned: one handler's open complaints in order.
            models.Index(
                fields=["handler", "next_due", "id", "open_state"],
                condition=models.Q(open_state=True),
                name="complaint_open_handler_due",
            ),
            # The dashboard's and team view's counts of open work, each one pass over an index
            # (selectors.open_tally; team.ageing).
            models.Index(fields=["status", "handler", "next_due"], name="complaint_open_tally"),
            models.Index(fields=["status", "received_on"], name="complaint_status_received"),
        ]

    def __str__(self) -> str:
        return self.reference

    # As Django's own get_FOO_display answers, from a dict made once: Django's builds one from
    # the choices on every call, and the work queue asks it twice a row.
    def get_status_display(self) -> str:
        return force_str(_STATUS_LABELS.get(self.status, self.status), strings_only=True)

    def get_channel_display(self) -> str:
        return force_str(_CHANNEL_LABELS.get(self.channel, self.channel), strings_only=True)

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
