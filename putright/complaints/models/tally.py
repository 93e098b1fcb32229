"""The dashboard's counts kept as events happen (issue 19: the dashboard at 1,000,000 complaints).

Each table is a running count of rows of another table grouped by the columns a dashboard
figure groups by, written only by database triggers on that table (``complaints.tallies``,
made by migration 0019): whatever writes a stage or a complaint — a service, the import's bulk
path, a load in SQL — moves the count in the same transaction, so the tally always equals a
count of the rows (``tallies.recount`` checks it; tests compare them on random histories).

Rows are split into ``SHARDS`` by the counted row's id: on PostgreSQL a transaction that moves
a count holds that tally row until it commits, so concurrent intakes and acknowledgements on
the same day spread over several rows instead of queueing on one. A count may be zero (or,
between the two halves of an update, briefly lower); readers add the shards up.
"""

from django.db import models

# Rows per key, by the counted row's id (see the module docstring).
SHARDS = 4
# A null key cannot be matched by ON CONFLICT (nulls are distinct in a unique index), so the
# open tally stores these in place of a null handler and a null next deadline.
NO_HANDLER = 0
NO_DATE = "0001-01-01"


class StageDayTally(models.Model):
    """Stages acknowledged (kind "a") or responded (kind "r") on each day, by stage number:
    how many, and how many on or before their due date (``acknowledged_on <= ack_due``,
    ``responded_on <= response_due``), as ``selectors.stage_days`` counts them."""

    kind = models.CharField(max_length=1)
    day = models.DateField()
    number = models.PositiveSmallIntegerField()
    shard = models.PositiveSmallIntegerField()
    done = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "day", "number", "shard"], name="stage_day_tally_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.day} stage {self.number} ({self.shard}): {self.done}"


class ComplaintDayTally(models.Model):
    """Complaints by day received and status: the monthly trend of complaints received and
    the ageing of open complaints."""

    received_on = models.DateField()
    status = models.CharField(max_length=40)
    shard = models.PositiveSmallIntegerField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["received_on", "status", "shard"], name="complaint_day_tally_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.received_on} {self.status} ({self.shard}): {self.n}"


class OpenTallyRow(models.Model):
    """Complaints by status, handler and next deadline (``NO_HANDLER``, ``NO_DATE`` for none):
    the open rows are ``selectors.open_tally``, every count of open work on the dashboard and
    the team view's caseload."""

    status = models.CharField(max_length=40)
    handler_id = models.IntegerField()
    next_due = models.DateField()
    shard = models.PositiveSmallIntegerField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["status", "handler_id", "next_due", "shard"], name="open_tally_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.status} {self.handler_id} {self.next_due} ({self.shard}): {self.n}"
