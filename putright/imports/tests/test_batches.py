"""Imports commit a few rows at a time: progress is kept, and a killed import resumes."""

import time

import pytest
from django.db import connection, transaction
from django.urls import reverse

from putright.complaints.models import Complaint
from putright.core import locks
from putright.imports import services as importing
from putright.imports.models import ImportBatch, ImportedComplaint
from putright.imports.services import import_run_queued
from putright.imports.tests.sheets import csv_bytes, row


class WorkerKilled(BaseException):
    """Stands in for kill -9: nothing in the import catches it."""


def queued(*rows) -> ImportBatch:
    return ImportBatch.objects.create(
        file_name="history.csv",
        sha256="-",
        skip_invalid=False,
        status=ImportBatch.Status.QUEUED,
        upload=csv_bytes(*rows),
    )


SEVEN = [row(legacy_reference=f"OLD-{n}") for n in range(1, 8)]  # spreadsheet rows 2 to 8


@pytest.fixture(params=["bulk", "row by row"], autouse=True)
def path(request, monkeypatch):
    """Both import paths keep progress and resume the same way."""
    monkeypatch.setattr(importing, "BULK", request.param == "bulk")
    return request.param


def test_each_commit_saves_how_far_the_import_got(monkeypatch):
    monkeypatch.setattr(importing, "COMMIT_ROWS", 2)  # row by row: 2 rows per commit
    monkeypatch.setattr(importing, "CHUNK", 2)  # in bulk: 2 rows per chunk and commit
    monkeypatch.setattr(importing, "COMMIT_SECONDS", 60)  # batches by rows alone here
    saved = []
    real = importing._save_progress

    def watch(batch, report, done):
        real(batch, report, done)
        saved.append((batch.rows_done, batch.created))

    monkeypatch.setattr(importing, "_save_progress", watch)

    import_run_queued(batch=queued(*SEVEN))

    assert saved == [(3, 2), (5, 4), (7, 6), (8, 7)]


def test_a_killed_import_carries_on_after_its_last_commit_without_duplicating(monkeypatch):
    monkeypatch.setattr(importing, "COMMIT_ROWS", 2)  # row by row: 2 rows per commit
    monkeypatch.setattr(importing, "CHUNK", 2)  # in bulk: 2 rows per chunk and commit
    monkeypatch.setattr(importing, "COMMIT_SECONDS", 60)  # batches by rows alone here
    batch = queued(*SEVEN)
    real = importing._create

    def killed_at_old_5(plan, *args, **kwargs):
        if plan.legacy_reference == "OLD-5":
            raise WorkerKilled
        return real(plan, *args, **kwargs)

    monkeypatch.setattr(importing, "_create", killed_at_old_5)
    with pytest.raises(WorkerKilled):
        import_run_queued(batch=batch)
    batch.refresh_from_db()
    # Rows 2-5 were committed in two batches; OLD-5 (row 6) died with its batch.
    assert (batch.status, batch.rows_done, batch.created) == ("running", 5, 4)
    assert Complaint.objects.count() == 4

    monkeypatch.setattr(importing, "_create", real)
    import_run_queued(batch=batch)

    batch.refresh_from_db()
    assert (batch.status, batch.created, batch.unchanged) == ("done", 7, 0)
    assert [o["legacy_reference"] for o in batch.outcomes] == [f"OLD-{n}" for n in range(1, 8)]
    assert Complaint.objects.count() == ImportedComplaint.objects.count() == 7


def test_a_long_row_run_commits_early_rather_than_hold_the_database(monkeypatch):
    """Row by row (a correction's path), a transaction ends after COMMIT_SECONDS of work."""
    monkeypatch.setattr(importing, "BULK", False)
    monkeypatch.setattr(importing, "COMMIT_SECONDS", 0)  # every row takes "too long"
    saved = []
    real = importing._save_progress
    monkeypatch.setattr(
        importing,
        "_save_progress",
        lambda batch, report, done: (real(batch, report, done), saved.append(batch.rows_done)),
    )

    import_run_queued(batch=queued(*SEVEN[:3]))

    assert saved == [2, 3, 4]


def test_the_import_page_shows_rows_done_of_the_total_while_it_runs(monkeypatch, client, officer):
    monkeypatch.setattr(importing, "COMMIT_ROWS", 2)  # row by row: 2 rows per commit
    monkeypatch.setattr(importing, "CHUNK", 2)  # in bulk: 2 rows per chunk and commit
    monkeypatch.setattr(importing, "COMMIT_SECONDS", 60)
    batch = queued(*SEVEN)
    real = importing._create

    def killed_at_old_5(plan, *args, **kwargs):
        if plan.legacy_reference == "OLD-5":
            raise WorkerKilled
        return real(plan, *args, **kwargs)

    monkeypatch.setattr(importing, "_create", killed_at_old_5)
    with pytest.raises(WorkerKilled):
        import_run_queued(batch=batch)  # as seen by the page while the worker is still on it
    client.force_login(officer)
    page = client.get(reverse("imports:batch", args=[batch.pk]))
    assert "4 of 7 rows done" in page.content.decode()


class _Clock:
    """The import's clock, where time passes only when it sleeps or a row is decided."""

    def __init__(self) -> None:
        self.now, self.slept = 0.0, []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    process_time = staticmethod(time.process_time)


DECIDING_A_ROW = 0.1  # seconds, in the fake clock: two rows take longer than the pause


@pytest.mark.django_db(transaction=True)
def test_on_sqlite_the_lock_is_left_free_a_pause_after_each_commit_counting_the_deciding(
    monkeypatch, path
):
    """A writer waiting for SQLite's lock gets it between the import's transactions: each
    begins at least SQLITE_PAUSE_SECONDS after the last commit. Only the rest of the pause is
    slept: in bulk, deciding the next chunk (without the lock) takes longer, so the import
    sleeps only the rest after a chunk of one row and before the tallies' fold; row by row,
    rows are decided inside the transaction, so it sleeps the whole pause each time."""
    monkeypatch.setattr(importing, "COMMIT_ROWS", 2)
    monkeypatch.setattr(importing, "CHUNK", 2)
    monkeypatch.setattr(importing, "COMMIT_SECONDS", 60)
    clock = _Clock()
    monkeypatch.setattr(importing, "clock", clock)
    monkeypatch.setattr(locks, "clock", clock)  # the write turns' pause
    real = importing._create

    def deciding(*args, **kwargs):
        clock.now += DECIDING_A_ROW
        return real(*args, **kwargs)

    monkeypatch.setattr(importing, "_create", deciding)
    importing.system_user()  # made beforehand: its own transaction is not the import's
    batch = queued(*SEVEN)
    begun, committed = [], []
    after_begin = False

    def watch(execute, sql, params, many, context):
        nonlocal after_begin
        if sql.startswith("BEGIN"):
            begun.append(clock.now)
            after_begin = True
        elif after_begin:  # inside the transaction just begun
            after_begin = False
            transaction.on_commit(lambda: committed.append(clock.now))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        import_run_queued(batch=batch)

    assert ImportedComplaint.objects.count() == 7
    if connection.vendor != "sqlite":  # PostgreSQL's writers do not wait for one lock
        assert clock.slept == []
        return
    # Rows 2-3, 4-5, 6-7 and 8 (in chunks or commits of two rows), then the fold.
    assert len(begun) == len(committed) == 5
    pause = locks.SQLITE_PAUSE_SECONDS
    gaps = [b - c for c, b in zip(committed, begun[1:], strict=False)]
    assert all(gap >= pause - 1e-9 for gap in gaps), gaps
    if path == "bulk":  # the one-row chunk's rest, then the whole pause before the fold
        assert clock.slept == [pytest.approx(pause - DECIDING_A_ROW), pytest.approx(pause)]
    else:
        assert clock.slept == [pytest.approx(pause)] * 4


@pytest.mark.django_db(transaction=True)
def test_each_commit_asks_for_a_checkpoint_beside_the_import(monkeypatch):
    """On a SQLite file the log is copied into the database by a thread beside the import,
    asked after each of its commits (`_checkpoints_beside`); here the ask is counted."""
    from contextlib import contextmanager

    monkeypatch.setattr(importing, "COMMIT_ROWS", 2)
    monkeypatch.setattr(importing, "CHUNK", 2)
    monkeypatch.setattr(locks, "SQLITE_PAUSE_SECONDS", 0)
    asked = []

    @contextmanager
    def counting(db):
        yield lambda: asked.append(db.in_atomic_block)

    monkeypatch.setattr(importing, "_checkpoints_beside", counting)
    import_run_queued(batch=queued(*SEVEN))

    assert ImportedComplaint.objects.count() == 7
    assert len(asked) >= 4  # rows 2-3, 4-5, 6-7 and 8, then the fold
    assert not any(asked)  # each after its commit, never inside a transaction


def test_on_a_sqlite_file_checkpoints_run_beside_and_the_setting_is_given_back(
    tmp_path, django_db_blocker, path
):
    import sqlite3

    from django.conf import settings
    from django.db.backends.sqlite3.base import DatabaseWrapper

    if path != "bulk":
        pytest.skip("one database, not an import path")
    name = str(tmp_path / "import.sqlite3")
    db = DatabaseWrapper(
        {**settings.DATABASES["default"], "NAME": name, "OPTIONS": settings.SQLITE_OPTIONS},
        alias="checkpoints",
    )

    def in_the_database_file() -> int:
        """Rows copied into the database itself (the log ignored)."""
        reader = sqlite3.connect(f"file:{name}?immutable=1", uri=True)
        try:
            return reader.execute("SELECT count(*) FROM t").fetchone()[0]
        except sqlite3.OperationalError:  # the table itself is still only in the log
            return 0
        finally:
            reader.close()

    try:
        with django_db_blocker.unblock():
            with db.cursor() as cursor:
                cursor.execute("PRAGMA wal_autocheckpoint")
                before = cursor.fetchone()[0]
            with importing._checkpoints_beside(db) as checkpoint:
                with db.cursor() as cursor:
                    cursor.execute("PRAGMA wal_autocheckpoint")
                    assert cursor.fetchone()[0] == 0
                    cursor.execute("CREATE TABLE t (n INTEGER)")
                    cursor.executemany("INSERT INTO t VALUES (%s)", [(n,) for n in range(5000)])
                assert in_the_database_file() == 0  # the import's commits copy nothing over
                # Asked again while not done (as each later commit asks): a PASSIVE checkpoint
                # that found the log busy copies nothing and waits for the next ask. Once
                # failed here at 5 s on a loaded machine with a single ask.
                give_up = time.monotonic() + 20
                while in_the_database_file() < 5000 and time.monotonic() < give_up:
                    checkpoint()
                    time.sleep(0.05)
                assert in_the_database_file() == 5000
            with db.cursor() as cursor:
                cursor.execute("PRAGMA wal_autocheckpoint")
                assert cursor.fetchone()[0] == before
    finally:
        db.close()
