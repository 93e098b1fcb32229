"""The dashboard's tallies (issue 19): counts the database keeps as complaints and stages are
written (``models.tally``, ``complaints.tallies``), which the dashboard and the team view read
instead of counting a year of stages and every open complaint on each visit. Whatever writes
the rows — a service, a bulk insert, an UPDATE of many rows — the tallies equal a count of
them. (Random service histories: ``reporting/tests/test_fast_equals_slow.py``; writers side by
side on PostgreSQL: ``test_tally_concurrency.py``.) The triggers append a row a moved count,
and the compaction (``tallies.compact``, every minute) folds them: the figures are the same
before and after it."""

from datetime import date, timedelta

import pytest
from django.db import connection

from putright.complaints import tallies
from putright.complaints.models import (
    Complaint,
    ComplaintDayTally,
    OpenTallyRow,
    Stage,
    StageDayTally,
)
from putright.complaints.selectors import dashboard_figures, open_tally, stage_days
from putright.complaints.team import team_view
from putright.complaints.tests import reference
from putright.complaints.tests.stories import acknowledged, received, reload, responded
from putright.core.clock import today
from putright.people.factories import ResidentFactory
from putright.rules.workflow import State

pytestmark = pytest.mark.django_db


def assert_tallies_true() -> None:
    for name, (kept, counted) in tallies.recount().items():
        assert kept == counted, name


def assert_pages_equal_a_recount(on: date) -> None:
    week_end = on + timedelta(days=6 - on.weekday())
    assert dashboard_figures(today=on, week_end=week_end) == reference.dashboard_figures_counted(
        today=on, week_end=week_end
    )
    assert team_view(today=on) == reference.team_view_counted(today=on)


def test_the_services_keep_the_tallies(monday, handler):
    first = received(resident=ResidentFactory(), actor=handler, on=today())
    second = received(resident=ResidentFactory(), actor=handler, on=today())
    acknowledged(first, actor=handler, on=today(), handler=handler)
    responded(reload(first), actor=handler)
    acknowledged(second, actor=handler, on=today(), handler=handler)
    assert_tallies_true()
    assert_pages_equal_a_recount(today())
    # Read from the tallies: two acknowledgements and one response today, all on time.
    acks = stage_days("acknowledged_on", "ack_due", since=today(), until=today())
    assert acks.days == {(1, today()): (2, 2)}
    responses = stage_days("responded_on", "response_due", since=today(), until=today())
    assert responses.days == {(1, today()): (1, 1)}
    assert sum(n for *_key, n in open_tally()) == Complaint.objects.open().count() > 0
    assert StageDayTally.objects.exists()


def test_writes_outside_the_services_keep_them_too(monday, handler):
    """A bulk insert (the import's path) and an UPDATE of many rows move the counts as well:
    the tallies are kept by the database, not by each writer."""
    resident = ResidentFactory()
    made = Complaint.objects.bulk_create(
        [
            Complaint(
                reference=f"TALLY-{n}",
                resident=resident,
                channel="phone",
                received_on=today() - timedelta(days=n),
                description="A leak",
                status=State.STAGE1_OPEN,
                handler=handler if n % 2 else None,
                next_due=today() + timedelta(days=n % 3) if n % 4 else None,
            )
            for n in range(12)
        ]
    )
    Stage.objects.bulk_create(
        [
            Stage(
                complaint=c,
                number=1,
                requested_on=c.received_on,
                ack_due=c.received_on + timedelta(days=5),
                acknowledged_on=c.received_on + timedelta(days=n % 8),
                response_due=c.received_on + timedelta(days=10),
                responded_on=c.received_on + timedelta(days=8 + n % 4) if n % 3 else None,
            )
            for n, c in enumerate(made)
        ]
    )
    assert_tallies_true()
    Complaint.objects.filter(pk__in=[c.pk for c in made[:5]]).update(
        status=State.CLOSED, next_due=None, handler=None
    )
    Stage.objects.filter(complaint__in=made[3:9]).update(ack_due=today() - timedelta(days=20))
    Stage.objects.filter(complaint__in=made[6:]).update(responded_on=None)
    Complaint.objects.filter(pk=made[7].pk).update(received_on=date(2025, 12, 24))
    assert_tallies_true()
    assert_pages_equal_a_recount(today())


def test_a_fill_counts_the_tallies_again(monday, handler):
    """``tallies.fill`` (the migration and the bench seed, after loading with the triggers set
    aside) gives what the triggers give."""
    complaint = received(resident=ResidentFactory(), actor=handler, on=today())
    acknowledged(complaint, actor=handler, on=today(), handler=handler)
    before = tallies.recount()
    tallies.fill()
    assert tallies.recount() == before
    assert_tallies_true()


def test_the_triggers_are_there_after_every_migration():
    """Django rebuilds a table on SQLite for some changes (a new NOT NULL column, a changed
    field) and the rebuilt table has no triggers: a later migration that rebuilds the
    complaints or stages table must make them again (``tallies.create``, ``tallies.fill``)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            suffixes = ("ai", "au")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
            suffixes = ("aid", "au")
        names = {row[0] for row in cursor.fetchall()}
    assert {f"{t.name}_{suffix}" for t in tallies.TALLIES for suffix in suffixes} <= names


def tally_rows() -> int:
    return sum(m.objects.count() for m in (StageDayTally, ComplaintDayTally, OpenTallyRow))


def test_a_compaction_folds_the_deltas_and_changes_no_figure(monday, handler):
    """Each moved count is a row of its own until the compaction folds a key's rows into one
    (and drops keys that add up to nothing); the figures are the same before and after, and a
    second compaction has nothing left to do."""
    complaints = [received(resident=ResidentFactory(), actor=handler, on=today()) for _ in "ab"]
    for complaint in complaints:
        acknowledged(complaint, actor=handler, on=today(), handler=handler)
    responded(reload(complaints[0]), actor=handler)
    Complaint.objects.filter(pk=complaints[1].pk).update(next_due=today() + timedelta(days=40))
    Complaint.objects.filter(pk=complaints[1].pk).update(next_due=today() + timedelta(days=41))
    assert_tallies_true()
    figures = dashboard_figures(today=today(), week_end=today() + timedelta(days=6))
    team = team_view(today=today())
    rows = tally_rows()

    folded = tallies.compact()

    assert folded > 0
    assert tally_rows() == rows - folded
    keys = OpenTallyRow.objects.values_list("status", "handler_id", "next_due")
    assert len(keys) == len(set(keys))
    assert not OpenTallyRow.objects.filter(n=0).exists()
    assert_tallies_true()
    assert dashboard_figures(today=today(), week_end=today() + timedelta(days=6)) == figures
    assert team_view(today=today()) == team
    assert tallies.compact() == 0
    assert_tallies_true()


def unfolded() -> int:
    """Tally rows beyond one a key: the deltas the compaction has not yet folded."""
    with connection.cursor() as cursor:
        extra = 0
        for t in tallies.TALLIES:
            key = ", ".join(t.contributions[0].key)
            cursor.execute(
                f"SELECT COALESCE(SUM(n - 1), 0) FROM (SELECT COUNT(*) AS n FROM {t.table} "  # noqa: S608
                f"GROUP BY {key}) k"
            )
            extra += cursor.fetchone()[0]
    return extra


@pytest.fixture
def fold_from_two(monkeypatch):
    """A bulk move is 2 moved rows or more (1,000 in the product)."""
    monkeypatch.setattr(tallies, "FOLD_AFTER", 2)


def test_a_closure_folds_the_deadlines_it_moved_before_it_returns(monday, handler, fold_from_two):
    """A closure's ``deadlines_recount`` moves every open deadline at once (about 500,000
    deltas at 1,000,000 complaints): it folds them itself (``tallies.fold_after_bulk``) rather
    than leave every dashboard to add them up until the minute's job."""
    from putright.complaints.services import closures

    for _ in "abc":
        received(resident=ResidentFactory(), actor=handler, on=today())
    tallies.compact()

    recount = closures.deadlines_recount(actor=handler, why="test")  # nothing to move: no fold
    assert recount.moved == 0
    closures.closure_add(day=today() + timedelta(days=2), reason="Training", actor=handler)

    assert unfolded() == 0
    assert_tallies_true()
    assert_pages_equal_a_recount(today())


def test_a_stored_refresh_folds_what_it_wrote_again(monday, handler, fold_from_two):
    """``stored_refresh`` (after a restore or a bulk load) writes back every stale deadline,
    then folds the deltas, as the closure's recount does."""
    from putright.complaints.services.stored import stored_refresh

    made = [received(resident=ResidentFactory(), actor=handler, on=today()) for _ in "abc"]
    Complaint.objects.filter(pk__in=[c.pk for c in made]).update(
        next_due=today() + timedelta(days=90)
    )
    assert unfolded() > 0

    assert stored_refresh().corrected

    assert unfolded() == 0
    assert_tallies_true()


def test_the_compaction_runs_every_minute():
    from putright.complaints import jobs
    from putright.core.scheduler import Every, registered_jobs

    job = registered_jobs()["complaints.compact_tallies"]
    assert job.period == Every(1)
    assert job.func is jobs.compact_tallies
    assert job.func() == "0 tally row(s) folded away."
