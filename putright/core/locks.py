"""Named locks held until the transaction ends, for checks that must not race with their write
(a rate limit: count, then insert; a duplicate check: look, then create)."""

import hashlib
import time

from django.db import connection
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


def let_others_write() -> None:
    """Between two of a long run's commits on SQLite, give a waiting writer its turn."""
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        time.sleep(SQLITE_PAUSE_SECONDS)
