"""The dashboard's counts kept as events happen (issue 19: the dashboard at 1,000,000 complaints).

Each table is a running count of rows of another table grouped by the columns a dashboard
figure groups by, written only by database triggers on that table (``complaints.tallies``,
made by migration 0020): whatever writes a stage or a complaint — a service, the import's
bulk path, a load in SQL — moves the count in the same transaction, so the tally always
equals a count of the rows (``tallies.recount`` checks it; tests compare them on random histories).

The triggers only append: each moved count is a new row of +n or -n under its key (no unique
key, no upsert), so a writer never updates or waits on a row another transaction wrote. Had
they updated one counter row a key in place, on PostgreSQL each writer would hold that row to
its commit: intakes on one day would queue on it, and two transactions moving counts between
the same two keys in opposite orders would deadlock (``tests/test_tally_concurrency.py``).
Readers add up the rows of a key; the scheduled job ``complaints.compact_tallies``
(``tallies.compact``) folds each key's rows into one every minute, so reads stay a few
thousand rows. A key's sum may be zero (readers leave it out). Each table's index is its key
and then its amounts, so a reader adds up deltas not yet folded from the index alone (on
SQLite half the time of an index on the key with 10,000 moved counts waiting).
"""

from django.db import models

# The open tally stores these in place of a null handler and a null next deadline, so that a
# key is a plain row value (the compaction matches keys with IN, where a null matches nothing).
NO_HANDLER = 0
NO_DATE = "0001-01-01"


class StageDayTally(models.Model):
    """Stages acknowledged (kind "a") or responded (kind "r") on each day, by stage number:
    how many, and how many on or before their due date (``acknowledged_on <= ack_due``,
    ``responded_on <= response_due``), as ``selectors.stage_days`` counts them."""

    kind = models.CharField(max_length=1)
    day = models.DateField()
    number = models.PositiveSmallIntegerField()
    done = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(
                fields=["kind", "day", "number", "done", "on_time"], name="stage_day_tally_by_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.day} stage {self.number}: {self.done}"


class ComplaintDayTally(models.Model):
    """Complaints by day received and status: the monthly trend of complaints received and
    the ageing of open complaints."""

    received_on = models.DateField()
    status = models.CharField(max_length=40)
    n = models.IntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["received_on", "status", "n"], name="complaint_day_tally_by_key")
        ]

    def __str__(self) -> str:
        return f"{self.received_on} {self.status}: {self.n}"


class OpenTallyRow(models.Model):
    """Complaints by status, handler and next deadline (``NO_HANDLER``, ``NO_DATE`` for none):
    the open rows are ``selectors.open_tally``, every count of open work on the dashboard and
    the team view's caseload."""

    status = models.CharField(max_length=40)
    handler_id = models.IntegerField()
    next_due = models.DateField()
    n = models.IntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["status", "handler_id", "next_due", "n"], name="open_tally_by_key")
        ]

    def __str__(self) -> str:
        return f"{self.status} {self.handler_id} {self.next_due}: {self.n}"
