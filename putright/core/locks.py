"""Named locks held until the transaction ends, for checks that must not race with their write
(a rate limit: count, then insert; a duplicate check: look, then create)."""

import hashlib
import time as clock
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.transaction import TransactionManagementError

NOT_IN_TRANSACTION = "A named lock is held until the transaction ends: call it inside one."
# Between the commits of a long run of short transactions on SQLite (an import, a closure's
# recount) the run pauses this long, longer than SQLite's longest busy-wait step (100 ms), so a
# waiting writer (a web request) gets the write lock instead of the run again.
SQLITE_PAUSE_SECONDS = 0.12


def _lock_id(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def hold(*names: str) -> None:
    """Wait for, then hold, a lock on each name until the current transaction ends.

    PostgreSQL: transaction-level advisory locks, taken in one order so two holders cannot
    deadlock. SQLite: nothing to do — a write transaction starts with BEGIN IMMEDIATE
    (settings), which already holds the whole database's write lock.
    """
    if not connection.in_atomic_block:
        raise TransactionManagementError(NOT_IN_TRANSACTION)
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for lock_id in sorted({_lock_id(n) for n in names}):
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id])


class WriteTurns:
    """A long run's write transactions on SQLite (an import's chunks, a closure's recount
    batches), each begun at least SQLITE_PAUSE_SECONDS after the run's last commit, so a
    waiting writer (a web request) gets its turn. Only the rest of the pause is slept: time
    spent since the commit without the lock (an import deciding its next chunk) already gave
    others their turn (the import used to sleep the whole pause after every commit: 200
    commits, 24 s of 100,000 rows). `after_commit` is called after each (the import's
    checkpoints). Elsewhere, and inside an outer transaction, nothing waits."""

    def __init__(self) -> None:
        self.committed_at: float | None = None
        self.after_commit: Callable[[], None] | None = None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if (
            self.committed_at is not None
            and connection.vendor == "sqlite"
            and not connection.in_atomic_block
        ):
            rest = SQLITE_PAUSE_SECONDS - (clock.monotonic() - self.committed_at)
            if rest > 0:
                clock.sleep(rest)
        with transaction.atomic():
            yield
        self.committed_at = clock.monotonic()
        if self.after_commit is not None and not connection.in_atomic_block:
            self.after_commit()
