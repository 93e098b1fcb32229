"""The dashboard's tallies under concurrent writers (PostgreSQL; issue 19).

The tallies are kept by triggers in the writer's transaction (``complaints.tallies``). Had a
trigger updated a shared counter row in place, each writer would hold that row to its commit:
two transactions moving counts between the same two keys in opposite orders would deadlock
(PostgreSQL fails one of them: a failed action for a member of staff), and concurrent intakes
on one day would queue on the "received today" row. The triggers only append deltas, so no
writer waits on another's tally row, and the compaction (``tallies.compact``) takes no lock a
writer waits on. Each thread has its own connection; Barriers hold them at the instant that
used to deadlock. Two compactions take one advisory lock and run one after the other (side by
side, each would wait on rows the other deleted, in either order). SQLite runs one write
transaction at a time, so these run on PostgreSQL.
"""

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction

from putright.complaints import tallies
from putright.complaints.models import Complaint
from putright.core.clock import today
from putright.people.factories import ResidentFactory
from putright.rules.workflow import State

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite takes one write lock per database: its writers never run side by side",
    ),
]
WAIT = 20  # seconds a thread waits at a barrier before the test fails


def side_by_side(*calls: Callable[[threading.Barrier], Any]) -> list[Any]:
    """Run each call in its own thread and connection (each given the shared barrier); their
    results or exceptions."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[threading.Barrier], Any]) -> None:
        try:
            results[i] = call(barrier)
        except Exception as exc:  # reported to the test, never swallowed
            results[i] = exc
            barrier.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def assert_tallies_true() -> None:
    for name, (kept, counted) in tallies.recount().items():
        assert kept == counted, name


def complaint(pk: int, **fields: Any) -> Complaint:
    """A complaint (not saved) received today, with this id: the ids here are multiples of 4,
    one shard when the tallies had shards of counter rows."""
    values = {"received_on": today(), "status": State.STAGE1_OPEN, **fields}
    return Complaint(
        id=pk,
        reference=f"TALLY-{pk}",
        resident=ResidentFactory(),
        channel="phone",
        description="A leak",
        **values,
    )


@pytest.fixture
def made() -> Callable[..., list[Complaint]]:
    """Saves complaints with these ids (committed: each test here runs outside a transaction),
    each id with its own fields: ``made({4000: {"next_due": ...}, 4004: {}})``."""

    def make(rows: dict[int, dict[str, Any]]) -> list[Complaint]:
        saved = Complaint.objects.bulk_create(complaint(pk, **f) for pk, f in rows.items())
        assert len(saved) == len(rows)
        return saved

    return make


def test_two_moves_between_the_same_deadlines_in_opposite_orders_both_succeed(made):
    """Complaints 1 and 3 move to deadline A then B in one transaction; 2 and 4 to B then A in
    another, at the same instant. With counter rows updated in place (and the ids in one
    shard: multiples of 4) the first holds A's row and waits for B's, the second the reverse:
    ``deadlock detected`` (40P01) for one of them."""
    first, second, third, fourth = (4000, 4004, 4008, 4012)
    day = today()
    # Each its own deadline to start from.
    made(
        {
            pk: {"next_due": day + timedelta(days=n)}
            for n, pk in enumerate((first, second, third, fourth), start=1)
        }
    )
    due_a, due_b = day + timedelta(days=30), day + timedelta(days=31)

    def move(one: int, other: int, to: tuple) -> Callable[[threading.Barrier], str]:
        def call(barrier: threading.Barrier) -> str:
            with transaction.atomic():
                Complaint.objects.filter(pk=one).update(next_due=to[0])
                barrier.wait(timeout=WAIT)  # both now hold their first deadline's count
                Complaint.objects.filter(pk=other).update(next_due=to[1])
            return "moved"

        return call

    results = side_by_side(move(first, third, (due_a, due_b)), move(second, fourth, (due_b, due_a)))

    assert results == ["moved", "moved"]
    assert set(Complaint.objects.values_list("next_due", flat=True)) == {due_a, due_b}
    assert_tallies_true()


def test_intakes_on_one_day_do_not_queue_behind_each_other():
    """While one transaction has taken in a complaint today and not yet committed, another
    takes one in (same day, same status, an id in the same shard) without waiting for it."""
    day = today()

    def intake(pk: int) -> Complaint:
        taken = complaint(pk, received_on=day, status=State.RECEIVED)
        taken.save(force_insert=True)
        return taken

    def slow(barrier: threading.Barrier) -> str:
        with transaction.atomic():
            intake(5000)
            barrier.wait(timeout=WAIT)  # taken in, not committed
            barrier.wait(timeout=WAIT)  # until the other has finished
        return "committed"

    def quick(barrier: threading.Barrier) -> str:
        barrier.wait(timeout=WAIT)
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '2s'")
                intake(5004)
            return "committed"
        finally:
            barrier.wait(timeout=WAIT)

    assert side_by_side(slow, quick) == ["committed", "committed"]
    assert_tallies_true()


def test_a_compaction_neither_waits_for_nor_loses_a_writer_in_flight(made):
    """A compaction while a writer's deltas are not yet committed: it does not wait for them
    (they are not its rows), and once they commit the sums are still the rows' counts."""
    made({6000: {}, 6004: {}})

    def writer(barrier: threading.Barrier) -> str:
        with transaction.atomic():
            Complaint.objects.filter(pk=6000).update(status=State.STAGE1_RESPONDED)
            barrier.wait(timeout=WAIT)  # moved, not committed
            barrier.wait(timeout=WAIT)  # until the compaction has finished
        return "moved"

    def compactor(barrier: threading.Barrier) -> int:
        barrier.wait(timeout=WAIT)
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '2s'")
                return tallies.compact()
        finally:
            barrier.wait(timeout=WAIT)

    results = side_by_side(writer, compactor)
    assert results[0] == "moved"
    assert isinstance(results[1], int), results[1]
    assert_tallies_true()
    tallies.compact()
    assert_tallies_true()


def test_two_compactions_run_one_after_the_other(made):
    """While one compaction's transaction is open, a second waits for it (the advisory lock
    ``tallies.COMPACT_LOCK``) and then runs. Side by side, each would wait on the rows the
    other had deleted, in either order (a deadlock): the lock is the only thing that orders
    them when neither has a row to wait on, as here (nothing left to fold)."""
    made({7000: {}, 7004: {}})
    tallies.compact()
    order: list[str] = []

    def first(barrier: threading.Barrier) -> str:
        with transaction.atomic():
            tallies.compact()
            order.append("first folded")
            barrier.wait(timeout=WAIT)  # the second starts now
            time.sleep(2)  # ample for it to finish, were it not waiting
            order.append("first committing")
        return "done"

    def second(barrier: threading.Barrier) -> str:
        barrier.wait(timeout=WAIT)
        tallies.compact()
        order.append("second folded")
        return "done"

    assert side_by_side(first, second) == ["done", "done"]
    assert order == ["first folded", "first committing", "second folded"]
    assert_tallies_true()
