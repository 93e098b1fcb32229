"""Importing a landlord's past complaints: check every row, then replay each through the
complaint services at its historical dates, committing every few rows.

Short transactions keep the web app writing during a long import (SQLite has one write lock
for the whole database); each row is replayed in its own savepoint, so a row the services
refuse rolls back alone; progress is saved with each commit, so a killed import resumes
where it stopped without duplicating anything.

Re-importing a file changes nothing; a corrected file adds later steps to a case (a response
that has since been sent) and records any other change as a correction, never rewriting
the append-only record. docs/import.md describes the rules.
"""

import hashlib
import logging
import sqlite3
import threading
import time as clock
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from putright.complaints import search as complaint_search
from putright.complaints import services as complaint_services
from putright.complaints import tallies
from putright.complaints.calendar import calendar_pinned
from putright.complaints.constants import Channel, Direction
from putright.complaints.events import replaying_history
from putright.complaints.models import CaseEvent, Complaint, Correspondence
from putright.complaints.services.categories import category_hold
from putright.complaints.services.common import record_event
from putright.core import held
from putright.core.clock import today_pinned
from putright.core.errors import ComplaintError
from putright.core.locks import WriteTurns
from putright.core.profile import current_profile
from putright.imports.checks import (
    DUPLICATE_REFERENCE,
    MISSING,
    NOT_A_DATE,
    UNKNOWN_CHANNEL,
    ComplaintPlan,
    Issue,
    Lookups,
    _key,
    _parse_date,
    check_row,
)
from putright.imports.columns import CORRESPONDENCE_SHEET, HAZARD_SHEET
from putright.imports.hazards import check_hazards, import_hazards
from putright.imports.models import ImportBatch, ImportedComplaint
from putright.imports.parser import (
    RawRow,
    Table,
    correspondence_header_problems,
    hazards_header_problems,
    open_table,
)
from putright.imports.steps import STEP_COLUMNS, People, apply_step
from putright.people.services import residents_facts_changing, tenancies_changed

logger = logging.getLogger(__name__)

SYSTEM_USERNAME = "putright-import"
IMPORT_FAILED = (
    "The import stopped with an error and nothing from this file was kept ({error}). "
    "Try again; if it fails again, give support this page's address."
)
IMPORT_NEVER_FINISHED = "The import did not finish within {days} days; the file was deleted."
CHUNK = 500
# The bulk path: each chunk's new complaints are decided by the services in memory and
# written with one INSERT per table (core.held). False: every row written as it is replayed
# (the path the bulk one is tested against: tests/test_fast_equals_row_by_row.py).
BULK = True
# Rows replayed per transaction, at most, and for at most this long: a web request waiting
# for SQLite's write lock waits about half a second, never the whole import. (The bulk path
# counts the seconds of the import's own CPU: the same on a quiet machine, and on a busy one
# it does not write ever smaller chunks.)
COMMIT_ROWS = 50
COMMIT_SECONDS = 0.5
# After each commit on SQLite the import leaves the write lock free at least
# SQLITE_PAUSE_SECONDS (core.locks: the one pause of every long run of short transactions, a
# closure's recount too), so a waiting writer gets the lock instead of the import again. Time
# spent deciding the next rows counts (`core.locks.WriteTurns`): the bulk path decides a chunk without
# the lock for longer than this, so it seldom sleeps at all.
# How long the import's checkpoint thread waits for SQLite's lock on a busy database.
CHECKPOINT_TIMEOUT_SECONDS = 5
OUTCOMES_KEPT = 5000  # complaints listed on the results page; the counts cover every row
PROGRESS_EVERY = 1000  # rows between progress lines on the command line
# Fields that describe the complaint rather than a dated step: a correction updates them.
APPLIED_IN_PLACE = {"category": "category", "description": "description"}
NOT_IMPORTED_INVALID = (
    "Nothing was imported: correct the rows listed, or import the valid rows only."
)
UNKNOWN_COMPLAINT = "No complaint with the reference '{value}' in this file or already imported."
UNKNOWN_DIRECTION = "Write in (received) or out (sent), not '{value}'."
HISTORY_STANDS = "the dated history stays as first recorded; review the case if it matters"
WORKED_SINCE = "the case has been worked in PutRight since it was imported"
# Record entries that move a case on; correspondence and notes do not.
LIFECYCLE_EVENT_PREFIXES = (
    "stage.",
    "complaint.",
    "ombudsman.",
    "definition.",
    "remedy.",
    "action.",
)
SERVICE_REFUSED = "PutRight refused this step ({step}): {message}"


class ImportRefused(Exception):
    """The file had problems and nothing was written; the report says what and where."""

    def __init__(self, report: "ImportReport") -> None:
        super().__init__(NOT_IMPORTED_INVALID)
        self.report = report


@dataclass
class ImportReport:
    file_name: str
    dry_run: bool
    skip_invalid: bool
    rows_total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    invalid: int = 0
    correspondence: int = 0
    hazards: int = 0  # hazard rows that created or moved on a hazard report
    issues: list[Issue] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    outcomes: list[dict[str, Any]] = field(default_factory=list)
    batch: ImportBatch | None = None

    @property
    def written(self) -> bool:
        return self.batch is not None

    @property
    def invalid_rows(self) -> list[int]:
        """Complaint rows with problems (not correspondence rows, numbered on their own sheet)."""
        return sorted({i.row for i in self.issues if i.row and not i.sheet})

    @property
    def invalid_hazard_rows(self) -> set[int]:
        return {i.row for i in self.issues if i.sheet == HAZARD_SHEET}

    @property
    def invalid_correspondence_rows(self) -> set[int]:
        return {i.row for i in self.issues if i.sheet == CORRESPONDENCE_SHEET}


def system_user() -> Any:
    """The account historical steps are attributed to when the sheet names no handler."""
    user, created = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={
            "first_name": "Previous",
            "last_name": "system (imported)",
            "role": "senior_lead",  # never picked as a handler; cannot sign in
            "is_active": False,
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def import_complaints(
    *,
    data: bytes = b"",
    file_name: str,
    path: Path | None = None,
    actor: Any = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
    batch: ImportBatch | None = None,
) -> ImportReport:
    """Check then import a file of past complaints; ImportRefused when invalid and not skipping.

    A dry run does everything inside a transaction that is rolled back, so it reports exactly
    what an import would do (including refusals by the services) and writes nothing. A file on
    disk (path) is streamed, never read whole into memory.
    """
    report = ImportReport(file_name=file_name, dry_run=dry_run, skip_invalid=skip_invalid)
    table = open_table(data, file_name, path=path)
    report.warnings = list(table.warnings)
    problems = (
        table.problems or correspondence_header_problems(table) or hazards_header_problems(table)
    )
    if problems:
        report.issues = [Issue(0, "(file)", p) for p in problems]
        raise ImportRefused(report)

    # Imported history is not news: no letters or other listeners react to it.
    with calendar_pinned() as calendar, replaying_history():
        lookups = Lookups.load(
            today=timezone.localdate(), calendar=calendar, profile=current_profile()
        )
        _check_all(table, lookups, report, progress)
        if report.issues and not skip_invalid:
            raise ImportRefused(report)
        # The services' "today" is the day the file was checked against, looked up once.
        with today_pinned(lookups.today):
            if not dry_run:
                with _checkpoints_beside(connection) as checkpoint:
                    _import_all(table, lookups, report, actor, progress, batch, checkpoint)
                return report
            # A rehearsal: the same batches, inside one transaction that is rolled back.
            try:
                with transaction.atomic():
                    _import_all(table, lookups, report, actor, progress, batch)
                    raise _DryRunDone
            except _DryRunDone:
                report.batch = None
    return report


class _DryRunDone(Exception):
    pass


def import_queue(
    *, data: bytes, file_name: str, actor: Any, dry_run: bool, skip_invalid: bool
) -> ImportBatch:
    """Keep the upload and import it in the background: a large landlord's year takes an hour,
    far longer than a web request may."""
    from putright.imports.tasks import run_import

    batch = ImportBatch.objects.create(
        file_name=file_name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        run_by=actor,
        skip_invalid=skip_invalid,
        dry_run=dry_run,
        status=ImportBatch.Status.QUEUED,
        upload=data,
    )
    run_import.enqueue(batch_id=batch.pk)
    return batch


def import_run_queued(*, batch: ImportBatch) -> ImportBatch:
    """Run a queued import and keep its report on the batch, whatever the outcome.

    A batch left running (the worker was killed) carries on after its last committed rows.
    """
    batch.status = ImportBatch.Status.RUNNING
    batch.save(update_fields=["status"])
    try:
        report = import_complaints(
            data=bytes(batch.upload),
            file_name=batch.file_name,
            actor=batch.run_by,
            dry_run=batch.dry_run,
            skip_invalid=batch.skip_invalid,
            batch=batch,
        )
        batch.status = ImportBatch.Status.DONE
    except ImportRefused as refused:
        report = refused.report
        batch.status = ImportBatch.Status.REFUSED
        report.created = report.updated = report.unchanged = 0  # all rolled back
    except Exception as exc:
        logger.exception("Import batch %s failed", batch.pk)
        batch.status = ImportBatch.Status.FAILED
        batch.failure = IMPORT_FAILED.format(error=f"{type(exc).__name__}: {exc}"[:500])
        batch.finished_at = timezone.now()
        # The file is kept (to look into the failure) until import_uploads_purge deletes it.
        batch.save(update_fields=["status", "failure", "finished_at"])
        return batch
    # Saved outside the import's transaction, so a dry run or a refusal keeps its report.
    batch.rows_total, batch.created, batch.updated = (
        report.rows_total,
        report.created,
        report.updated,
    )
    batch.unchanged, batch.invalid = report.unchanged, report.invalid
    batch.issues = [i.as_dict() for i in report.issues]
    batch.outcomes = report.outcomes if batch.status == ImportBatch.Status.DONE else []
    batch.finished_at = timezone.now()
    batch.upload = b""  # personal data: not kept once imported
    batch.save()
    return batch


def import_uploads_purge(*, now: datetime | None = None) -> int:
    """Mark as failed, and empty of its uploaded file, any import that never finished within
    PUTRIGHT_RETAIN_IMPORT_FILES_DAYS (a worker that died mid-run). Finished imports' files are
    removed by the retention job (putright.privacy, audited). A plain function for the
    scheduler; returns how many batches it changed."""
    days = settings.PUTRIGHT_RETAIN_IMPORT_FILES_DAYS
    cutoff = (now or timezone.now()) - timedelta(days=days)
    stuck = ImportBatch.objects.filter(
        started_at__lt=cutoff,
        status__in=[ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING],
    )
    return stuck.update(
        status=ImportBatch.Status.FAILED,
        failure=IMPORT_NEVER_FINISHED.format(days=days),
        finished_at=now or timezone.now(),
        upload=b"",
    )


class _References:
    """The file's old references and the row each was first met at, kept in a private
    temporary SQLite file (Python's sqlite3, not the app's database) rather than in memory:
    memory stays flat however long the file is (a set of 100,000 references was 15-30 MB)."""

    def __init__(self) -> None:
        self._db = sqlite3.connect("")  # "": on disk, deleted when closed
        self._db.execute("PRAGMA journal_mode = OFF")
        self._db.execute("CREATE TABLE seen (ref TEXT PRIMARY KEY, row INTEGER) WITHOUT ROWID")

    def first_met(self, ref: str, row: int) -> int | None:
        """Note `ref` met at `row`; the row it was met at before, if it was."""
        if self._db.execute("INSERT OR IGNORE INTO seen VALUES (?, ?)", (ref, row)).rowcount:
            return None
        return self._db.execute("SELECT row FROM seen WHERE ref = ?", (ref,)).fetchone()[0]

    def __contains__(self, ref: object) -> bool:
        return self._db.execute("SELECT 1 FROM seen WHERE ref = ?", (ref,)).fetchone() is not None

    def close(self) -> None:
        self._db.close()


def _check_all(
    table: Table, lookups: Lookups, report: ImportReport, progress: Callable | None
) -> None:
    seen = _References()
    try:
        for raw in table.rows():
            report.rows_total += 1
            plan, issues = check_row(raw, lookups)
            ref = raw.values.get("legacy_reference", "")
            other = seen.first_met(ref, raw.number) if ref else None
            if other is not None:
                issues.append(
                    Issue(
                        raw.number,
                        "legacy_reference",
                        DUPLICATE_REFERENCE.format(value=ref, other=other),
                    )
                )
            if issues:
                report.issues.extend(issues)
            elif plan is not None:
                report.warnings.extend(plan.warnings)
            if progress and report.rows_total % PROGRESS_EVERY == 0:
                progress("checked", report.rows_total, 0)
        report.invalid = len(report.invalid_rows)
        _check_correspondence(table, report, seen)
        report.issues.extend(check_hazards(table, seen))
    finally:
        seen.close()


def _check_correspondence(table: Table, report: ImportReport, seen: _References) -> None:
    channels = {_key(c): c for pair in Channel.choices for c in pair}
    for raw in table.correspondence():
        issues: list[Issue] = []
        v = raw.values
        ref = v.get("legacy_reference", "")
        for column in ("legacy_reference", "date", "direction", "channel", "counterpart"):
            if not v.get(column):
                issues.append(Issue(raw.number, column, MISSING))
        if (
            ref
            and ref not in seen
            and not ImportedComplaint.objects.filter(legacy_reference=ref).exists()
        ):
            issues.append(
                Issue(
                    raw.number,
                    "legacy_reference",
                    UNKNOWN_COMPLAINT.format(value=ref),
                )
            )
        if v.get("date"):
            day = _parse_date(v["date"])
            if day is None or day > timezone.localdate():
                issues.append(Issue(raw.number, "date", NOT_A_DATE.format(value=v["date"])))
        if v.get("direction") and _direction(v["direction"]) is None:
            issues.append(
                Issue(
                    raw.number,
                    "direction",
                    UNKNOWN_DIRECTION.format(value=v["direction"]),
                )
            )
        if v.get("channel") and _key(v["channel"]) not in channels:
            known = ", ".join(Channel.values)
            issues.append(
                Issue(
                    raw.number,
                    "channel",
                    UNKNOWN_CHANNEL.format(value=v["channel"], known=known),
                )
            )
        report.issues.extend(
            Issue(i.row, i.column, i.message, sheet=CORRESPONDENCE_SHEET) for i in issues
        )


def _direction(text: str) -> str | None:
    return {
        "in": Direction.INCOMING,
        "received": Direction.INCOMING,
        "out": Direction.OUTGOING,
        "sent": Direction.OUTGOING,
    }.get(text.strip().lower())


def _chunks(rows: Iterator[RawRow], size: int) -> Iterator[list[RawRow]]:
    while chunk := list(islice(rows, size)):
        yield chunk


def _import_all(
    table: Table,
    lookups: Lookups,
    report: ImportReport,
    actor: Any,
    progress: Callable | None,
    batch: ImportBatch | None,
    checkpoint: Callable[[], None] | None = None,
) -> None:
    system = system_user()
    runner = actor if actor is not None else system
    if batch is None:
        batch = ImportBatch.objects.create(
            file_name=table.name,
            sha256=_sha256(table),
            run_by=actor,
            skip_invalid=report.skip_invalid,
        )
    batch.rows_total = report.rows_total
    report.batch = batch
    resume_after = batch.rows_done
    if resume_after:
        _resume(report, batch)
    run = _Run(table, lookups, report, batch, system, runner, progress)
    run.turns.after_commit = checkpoint
    if BULK:
        _import_chunks_in_bulk(run)
    else:
        _import_rows_one_by_one(run)
    report.correspondence = _import_correspondence(
        table, runner, skip=report.invalid_correspondence_rows, turns=run.turns
    )
    report.hazards, refused = import_hazards(table, runner, skip=report.invalid_hazard_rows)
    report.issues.extend(refused)
    if not report.dry_run:  # a rehearsal's rows are rolled back: nothing to fold
        with run.turns.transaction():
            tallies.fold_after_bulk(report.created + report.updated)
    batch.finished_at = timezone.now()
    batch.created, batch.updated = report.created, report.updated
    batch.unchanged, batch.invalid = report.unchanged, report.invalid
    batch.issues = [i.as_dict() for i in report.issues]
    batch.outcomes = report.outcomes
    batch.save()


@dataclass
class _Run:
    """One import's state, shared by its chunks."""

    table: Table
    lookups: Lookups
    report: ImportReport
    batch: ImportBatch
    system: Any
    runner: Any
    progress: Callable | None
    people: People = field(default_factory=People)
    turns: WriteTurns = field(default_factory=WriteTurns)
    saved: "_Saved" = field(default_factory=lambda: _Saved())
    done: int = 0

    def replay(
        self, plan: ComplaintPlan, mapping: ImportedComplaint | None, chunk_plans: list
    ) -> None:
        """One row through the services at once (new, or a correction of `mapping`)."""
        _import_one(
            plan,
            mapping,
            self.batch,
            self.report,
            self.lookups,
            self.people,
            self.system,
            self.runner,
            chunk_plans=chunk_plans,
        )

    def one_done(self) -> None:
        self.done += 1
        if self.progress and self.done % PROGRESS_EVERY == 0:
            self.progress("imported", self.done, self.report.rows_total)


def _checked_chunks(run: _Run) -> Iterator[tuple[list[RawRow], list[ComplaintPlan]]]:
    """The file's rows after the last committed one, a chunk at a time, with each chunk's
    plans: read from the file and checked, nothing asked of the database."""
    resume_after = run.batch.rows_done
    invalid_rows = set(run.report.invalid_rows)
    for chunk in _chunks(run.table.rows(), CHUNK):
        chunk = [raw for raw in chunk if raw.number > resume_after]
        if not chunk:
            continue
        plans = []
        for raw in chunk:
            if raw.number in invalid_rows:
                continue
            plan, _ = check_row(raw, run.lookups)  # no issues: checked before
            if plan is not None:
                plans.append(plan)
        yield chunk, plans


class _Ahead:
    """The next chunk checked ahead (`_checked_chunks`), when the import has a moment without
    the database: `fill` checks it (the bulk path calls it while the server writes the chunk
    before: ``held.Held.flush``'s `meanwhile`), `take` hands it over, checking it then if it
    was not filled. One chunk ahead at most, so memory stays flat."""

    def __init__(self, run: _Run) -> None:
        self._source = _checked_chunks(run)
        self._next: tuple[list[RawRow], list[ComplaintPlan]] | None = None
        self._filled = False

    def fill(self) -> None:
        if not self._filled:
            self._next, self._filled = next(self._source, None), True

    def take(self) -> tuple[list[RawRow], list[ComplaintPlan]] | None:
        self.fill()
        taken, self._next, self._filled = self._next, None, False
        return taken


def _planned_chunks(
    run: _Run, ahead: _Ahead | None = None
) -> Iterator[tuple[list[RawRow], list[ComplaintPlan], dict, dict]]:
    """The file's rows after the last committed one, a chunk at a time, with each chunk's
    plans (by row), its complaints imported before (one query) and its people (three)."""
    ahead = ahead if ahead is not None else _Ahead(run)
    while (checked := ahead.take()) is not None:
        chunk, plans = checked
        existing = {
            m.legacy_reference: m
            for m in ImportedComplaint.objects.filter(
                legacy_reference__in=[p.legacy_reference for p in plans]
            ).select_related("complaint", "import_event")
        }
        run.people.prefetch(plans)
        yield chunk, plans, {plan.row: plan for plan in plans}, existing


def _import_rows_one_by_one(run: _Run) -> None:
    """Each row replayed and written through the services as it goes, a few rows per
    transaction (up to COMMIT_ROWS rows or COMMIT_SECONDS of work)."""
    batch, report = run.batch, run.report
    for chunk, plans, by_row, existing in _planned_chunks(run):
        rows = iter(chunk)
        for raw in rows:
            started, count = clock.monotonic(), 0
            with run.turns.transaction():
                while True:
                    plan = by_row.get(raw.number)
                    if plan is not None:
                        run.replay(plan, existing.get(plan.legacy_reference), plans)
                        run.one_done()
                    count += 1
                    if count >= COMMIT_ROWS or clock.monotonic() - started >= COMMIT_SECONDS:
                        break
                    following = next(rows, None)
                    if following is None:
                        break
                    raw = following
                batch.rows_done = raw.number
                _save_progress(batch, report, run.saved)
            run.people.written()


def _import_chunks_in_bulk(run: _Run) -> None:
    """The chunk's new complaints decided by the same services, in memory (``core.held``),
    then written together: one INSERT per table, one short transaction per chunk, with the
    batch's progress (so a killed import resumes at the next chunk). Deciding reads nothing
    from the database, so no write lock is held while it runs. A correction to a complaint
    imported before goes through the services row by row, in its turn."""
    ahead = _Ahead(run)
    statistics = _FreshStatistics()
    with held.collected_by_chunk() as chunk_done:
        for chunk, plans, by_row, existing in _planned_chunks(run, ahead):
            _import_chunk(run, chunk, plans, by_row, existing, meanwhile=ahead.fill)
            chunk_done()  # the chunk's rows, written, are no longer referenced here
            statistics.chunk_written(run.report.created)


# The import's new complaints before PostgreSQL's statistics of the tables it grows are first
# taken again (`_FreshStatistics`); then each time it has doubled the complaints.
ANALYZE_FROM = 1000
# What an import reads by lists of ids and keys each chunk, beside the tables it writes
# (core.held.WRITE_ORDER): the search rows it rebuilds and the vulnerabilities it reads.
ANALYZED_TOO = ("complaints.ComplaintSearch", "people.ResidentSearch", "people.Vulnerability")


class _FreshStatistics:
    """PostgreSQL plans each chunk's reads (its people by old id, their tenancies, the
    complaints imported before, the rows it writes again) from what it knows of each table's
    size. Into a new database it knew nothing: every table was planned as tiny, read whole
    for each chunk, so each chunk took longer than the one before (a fifth of the server's
    time at 100,000 rows went to comparing every resident's id with the chunk's 300). So the
    tables an import grows are analysed again (`ANALYZE`: a sample, no lock against readers
    or writers) once it has added `ANALYZE_FROM` complaints, and each time it has doubled
    them since: 7 times from empty to 100,000, 3.8 s in all. Autovacuum would do it too, but a
    minute late at best and not at all where it is off. Elsewhere nothing (SQLite plans
    without them)."""

    def __init__(self) -> None:
        self.on = connection.vendor == "postgresql"
        self.before = 0
        self.next_at = ANALYZE_FROM
        if self.on:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = %s::regclass",
                    [Complaint._meta.db_table],
                )
                self.before = cursor.fetchone()[0]
            self.next_at = max(ANALYZE_FROM, self.before)

    def chunk_written(self, created: int) -> None:
        if not self.on or created < self.next_at:
            return
        from django.apps import apps

        labels = [*held.WRITE_ORDER, *ANALYZED_TOO]
        tables = [connection.ops.quote_name(apps.get_model(x)._meta.db_table) for x in labels]
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(tables)}")
        self.next_at = 2 * (self.before + created) - self.before


def _import_chunk(
    run: _Run,
    chunk: list[RawRow],
    plans: list[ComplaintPlan],
    by_row: dict,
    existing: dict,
    *,
    meanwhile: Callable[[], None] | None = None,
) -> None:
    """One chunk decided and written; its rows are let go of when it returns."""
    batch, report = run.batch, run.report
    with held.holding() as writes:
        created: list[tuple[ComplaintPlan, Complaint]] = []
        started = clock.process_time()
        for raw in chunk:
            plan = by_row.get(raw.number)
            if plan is None:
                continue
            mapping = existing.get(plan.legacy_reference)
            if mapping is None:
                complaint = _decide_new(plan, run)
                if complaint is not None:
                    created.append((plan, complaint))
            elif mapping.values == plan.values:
                report.unchanged += 1
            else:  # a correction: what is held is written first, keeping the rows' order
                _write_held(writes, created, raw.number - 1, run)
                created = []
                with held.released(), transaction.atomic():
                    run.replay(plan, mapping, plans)
                    batch.rows_done = raw.number
                    _save_progress(batch, report, run.saved)
                started = clock.process_time()
            run.one_done()
            # Written at least every COMMIT_SECONDS of deciding (the process's CPU time:
            # on a busy machine, wall-clock time would write ever smaller chunks, each
            # with the same fixed cost): writing takes about as much CPU, so SQLite's
            # write lock is held for about that much of the import's work at a time.
            if created and clock.process_time() - started >= COMMIT_SECONDS:
                _write_held(writes, created, raw.number, run)
                created, started = [], clock.process_time()
        # The next chunk is checked while the server writes this one (PostgreSQL).
        _write_held(writes, created, chunk[-1].number, run, meanwhile=meanwhile)


def _decide_new(plan: ComplaintPlan, run: _Run) -> Complaint | None:
    """Run a new row's steps through the services, its rows held; None if they refuse it."""
    writes = held.current()
    mark = run.people.mark()
    try:
        with writes.row():  # type: ignore[union-attr]
            complaint = _create(plan, run.batch, run.lookups, run.people, run.system, run.runner)
    except ComplaintError as exc:
        run.people.forget_since(mark)  # nothing of the row is written
        run.report.issues.append(Issue(plan.row, getattr(exc, "step", ""), exc.message))
        run.report.invalid += 1
        return None
    run.report.created += 1
    return complaint


def _write_held(
    writes: held.Held,
    created: list,
    rows_done: int,
    run: _Run,
    *,
    meanwhile: Callable[[], None] | None = None,
) -> None:
    """Write the held rows and the progress up to `rows_done` in one short transaction
    (`meanwhile`: ``held.Held.flush``'s)."""
    batch = run.batch
    if not len(writes) and rows_done <= batch.rows_done:
        return
    with held.released(), run.turns.transaction():
        # Residents written before whose tenancies the chunk starts or moves, held for that
        # change before the chunk numbers its complaints (people.services).
        residents_facts_changing(writes.written_items(tenancies_changed))
        writes.flush(meanwhile=meanwhile)
        for plan, complaint in created:
            _outcome(run.report, plan, complaint, "created")
        batch.rows_done = rows_done
        _save_progress(batch, run.report, run.saved)
    run.people.written()


def _sha256(table: Table) -> str:
    digest = hashlib.sha256()
    with table.open() as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class _Saved:
    """How much of the growing lists the batch row already holds."""

    issues: int = -1
    outcomes: int = -1


def _save_progress(batch: ImportBatch, report: ImportReport, saved: _Saved) -> None:
    """Counts and the last row done, committed with the rows themselves (resumable)."""
    fields = ["rows_total", "rows_done", "created", "updated", "unchanged", "invalid"]
    batch.created, batch.updated = report.created, report.updated
    batch.unchanged, batch.invalid = report.unchanged, report.invalid
    # The lists are rewritten only when they grew (outcomes stop growing at OUTCOMES_KEPT).
    if len(report.issues) != saved.issues:
        batch.issues = [i.as_dict() for i in report.issues]
        saved.issues = len(report.issues)
        fields.append("issues")
    if len(report.outcomes) != saved.outcomes:
        batch.outcomes = report.outcomes
        saved.outcomes = len(report.outcomes)
        fields.append("outcomes")
    batch.save(update_fields=fields)


def _resume(report: ImportReport, batch: ImportBatch) -> None:
    """Carry on from a killed run: its committed rows are counted as it counted them."""
    report.created, report.updated = batch.created, batch.updated
    report.unchanged, report.invalid = batch.unchanged, batch.invalid
    report.issues = [Issue(**i) for i in batch.issues]
    report.outcomes = list(batch.outcomes)


class _Checkpointer:
    """SQLite's checkpoints, copying the write-ahead log into the database, done beside the
    import rather than at its commits: a thread with its own connection checkpoints after each
    commit (PASSIVE: it never waits for, nor holds up, a writer or reader) while the import
    decides its next chunk on the other core. At a commit they took the import 16-23 s of
    100,000 rows (bench/README.md, "Import rate", imp24)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.wanted = threading.Event()
        self.stopping = False
        self.done = 0
        self.thread = threading.Thread(target=self._run, name="import-checkpoints", daemon=True)

    def __call__(self) -> None:
        self.wanted.set()

    def _run(self) -> None:
        own = sqlite3.connect(self.path, timeout=CHECKPOINT_TIMEOUT_SECONDS)
        try:
            while True:
                self.wanted.wait()
                self.wanted.clear()
                try:
                    own.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                    self.done += 1
                except sqlite3.Error:  # the next commit (anyone's) checkpoints as usual
                    logger.warning("An import's checkpoint failed.", exc_info=True)
                if self.stopping:
                    return
        finally:
            own.close()


@contextmanager
def _checkpoints_beside(db: Any) -> Iterator[Callable[[], None] | None]:
    """On a SQLite file: the import's own connection stops checkpointing at its commits and a
    `_Checkpointer` does it beside it; the connection's own setting is given back at the end
    (a crash ends the process, and with it the setting, which is the connection's alone).
    Elsewhere nothing: PostgreSQL has no such work at commit; an in-memory database no log."""
    if db.vendor != "sqlite" or db.is_in_memory_db() or db.in_atomic_block:
        yield None
        return
    with db.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        before = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA wal_autocheckpoint = 0")
    checkpointer = _Checkpointer(str(db.settings_dict["NAME"]))
    checkpointer.thread.start()
    try:
        yield checkpointer
    finally:
        checkpointer.stopping = True
        checkpointer.wanted.set()
        checkpointer.thread.join()
        with db.cursor() as cursor:
            cursor.execute(f"PRAGMA wal_autocheckpoint = {before}")


def _import_one(
    plan, mapping, batch, report, lookups, people, system, runner, *, chunk_plans
) -> None:
    if mapping is not None and mapping.values == plan.values:
        report.unchanged += 1  # no savepoint, no write: re-importing a file is cheap
        return
    # A savepoint per row: a row the services refuse rolls back alone, and is reported.
    try:
        with transaction.atomic():
            if mapping is None:
                what, complaint = "created", _create(plan, batch, lookups, people, system, runner)
                report.created += 1
            else:
                what, complaint = _correct(plan, mapping, batch, lookups, system, runner)
                report.updated += 1
    except ComplaintError as exc:
        report.issues.append(Issue(plan.row, getattr(exc, "step", ""), exc.message))
        report.invalid += 1
        # The cached people may include someone the rolled-back row created: read them again.
        people.prefetch(chunk_plans)
        people.tenancies.clear()
        people.tenancies_read.clear()
        return
    _outcome(report, plan, complaint, what)


def _outcome(report, plan, complaint, what) -> None:
    if len(report.outcomes) < OUTCOMES_KEPT:
        report.outcomes.append(
            {
                "row": plan.row,
                "legacy_reference": plan.legacy_reference,
                "reference": complaint.reference,
                "what": what,
            }
        )


def _run_steps(steps, complaint, plan, lookups, system) -> None:
    for step in steps:
        try:
            apply_step(step, complaint, plan, actor=system, profile=lookups.profile)
        except ComplaintError as exc:
            exc.step = step  # type: ignore[attr-defined]
            exc.message = SERVICE_REFUSED.format(step=step.replace("_", " "), message=exc.message)
            raise


def _create(plan: ComplaintPlan, batch, lookups, people: People, system, runner) -> Complaint:
    resident, home = people.resident_for(plan)
    result = complaint_services.complaint_receive(
        resident=resident,
        channel=plan.channel,
        received_on=plan.received_on,
        description=plan.description,
        actor=system,
        outcome_wanted=plan.outcome_wanted,
        category=plan.category,
        home=home,
        logged_on=plan.logged_on or plan.received_on,
    )
    complaint = result.complaint
    event = record_event(
        complaint,
        "import.row",
        f"Imported from {batch.file_name}, row {plan.row} (old reference {plan.legacy_reference})",
        actor=runner,
        stage=1,
        happened_on=plan.received_on,
        data={
            "file": batch.file_name,
            "row": plan.row,
            "legacy_reference": plan.legacy_reference,
            "batch": batch.pk,
            "imported_on": lookups.today,
        },
    )
    steps = plan.steps()[1:] + plan.ombudsman_steps()
    _run_steps(steps, complaint, plan, lookups, system)
    held.create(
        ImportedComplaint,
        legacy_reference=plan.legacy_reference,
        complaint=complaint,
        first_batch=batch,
        last_batch=batch,
        file_name=batch.file_name,
        row_number=plan.row,
        values=plan.values,
        steps=["receive", *steps],
        import_event=event,
        last_event_id=_newest_event_id(complaint),
    )
    complaint_search.reference_linked(complaint)  # now found by the old reference too
    return complaint


def _newest_event_id(complaint: Complaint) -> Any:
    rows = held.held_rows(complaint)
    if rows is not None and complaint.pk is None:  # held: its id is known once written
        return held.pk_of(rows["last_event"])
    return complaint.events.order_by("-id").values_list("id", flat=True).first() or 0


def _worked_in_putright(mapping: ImportedComplaint) -> bool:
    """Whether staff have moved the case on in PutRight since it was imported."""
    lifecycle = Q()
    for prefix in LIFECYCLE_EVENT_PREFIXES:
        lifecycle |= Q(code__startswith=prefix)
    return (
        CaseEvent.objects.filter(complaint_id=mapping.complaint_id, id__gt=mapping.last_event_id)
        .filter(lifecycle)
        .exists()
    )


def _correct(plan: ComplaintPlan, mapping: ImportedComplaint, batch, lookups, system, runner):
    """Apply what a corrected row adds; record (not apply) changes to history already kept."""
    complaint = mapping.complaint
    old, new = mapping.values, plan.values
    changed = sorted(c for c in set(old) | set(new) if old.get(c) != new.get(c))
    done = list(mapping.steps)
    lifecycle, ombudsman = plan.steps(), plan.ombudsman_steps()
    done_omb = [s for s in done if s in ("refer", "ombudsman_outcome")]
    done_life = [s for s in done if s not in done_omb]
    to_apply: list[str] = []
    # Once staff have worked the case in PutRight, the file no longer drives it: record only.
    worked = _worked_in_putright(mapping)
    if not worked and lifecycle[: len(done_life)] == done_life:
        to_apply += lifecycle[len(done_life) :]
    if not worked and ombudsman[: len(done_omb)] == done_omb:
        to_apply += ombudsman[len(done_omb) :]
    step_columns = {c for s in to_apply for c in STEP_COLUMNS.get(s, ())}
    applied, recorded = [], []
    for column in changed:
        # New values for steps now appended, or descriptive fields: applied. The rest: recorded.
        if (column in step_columns and not old.get(column)) or column in APPLIED_IN_PLACE:
            applied.append(column)
        else:
            recorded.append(column)
    # A step whose columns were all already there (only now valid) still runs.
    if to_apply:
        _run_steps(to_apply, complaint, plan, lookups, system)
    in_place = [c for c in applied if c in APPLIED_IN_PLACE]
    if in_place:
        complaint.refresh_from_db()
        if "category" in in_place:
            # A rename of the category in flight is seen by the row rebuilt below.
            category_hold(plan.category.pk if plan.category else None)
            complaint.category = plan.category
        if "description" in in_place:
            complaint.description = plan.description
        complaint.save(update_fields=[APPLIED_IN_PLACE[c] for c in in_place])
        complaint_search.reindex([complaint.pk])
    changes = {c: {"was": old.get(c, ""), "now": new.get(c, "")} for c in changed}
    summary = f"Updated from {batch.file_name}, row {plan.row}"
    record_event(
        complaint,
        "import.updated",
        summary,
        actor=runner,
        stage=complaint.current_stage,
        data={
            "file": batch.file_name,
            "row": plan.row,
            "batch": batch.pk,
            "changes": changes,
            "applied": applied,
            "steps_added": to_apply,
            "not_applied": recorded,
            "worked_in_putright": worked,
        },
    )
    if recorded or in_place:
        lines = [f"{summary}: the previous system's records changed."]
        lines += [f"- {c}: '{old.get(c, '')}' → '{new.get(c, '')}' (updated)" for c in in_place]
        why = WORKED_SINCE if worked else HISTORY_STANDS
        lines += [
            f"- {c}: '{old.get(c, '')}' → '{new.get(c, '')}' (not applied: {why})" for c in recorded
        ]
        complaint_services.record_correct(
            event=mapping.import_event, text="\n".join(lines), actor=runner
        )
    mapping.values = new
    mapping.steps = done + to_apply
    mapping.last_batch = batch
    mapping.file_name = batch.file_name
    mapping.row_number = plan.row
    mapping.last_event_id = _newest_event_id(complaint)
    mapping.save(
        update_fields=["values", "steps", "last_batch", "file_name", "row_number", "last_event_id"]
    )
    return "updated", complaint


def _import_correspondence(table: Table, runner: Any, *, skip: set[int], turns: WriteTurns) -> int:
    channels = {_key(c): code for code, label in Channel.choices for c in (code, label)}
    count = 0
    rows = (raw for raw in table.correspondence() if raw.number not in skip)
    for group in _chunks(rows, COMMIT_ROWS):
        with turns.transaction():
            count += sum(_import_letter(raw, channels, runner) for raw in group)
    return count


def _import_letter(raw: RawRow, channels: dict[str, str], runner: Any) -> int:
    """One correspondence row (1), or 0 when it is already kept or its complaint was skipped."""
    v = raw.values
    mapping = (
        ImportedComplaint.objects.select_related("complaint")
        .filter(legacy_reference=v.get("legacy_reference", ""))
        .first()
    )
    if mapping is None:  # its complaint row was invalid and skipped
        return 0
    day: date = _parse_date(v["date"])  # type: ignore[assignment]
    occurred_at = min(timezone.make_aware(datetime.combine(day, time(12))), timezone.now())
    fields = {
        "direction": _direction(v["direction"]),
        "channel": channels[_key(v["channel"])],
        "counterpart": v["counterpart"],
        "subject": v.get("subject", "")[:300],
        "body": v.get("summary", ""),
    }
    complaint = mapping.complaint
    if Correspondence.objects.filter(complaint=complaint, occurred_at__date=day, **fields).exists():
        return 0
    complaint_services.correspondence_add(
        complaint=complaint, actor=runner, occurred_at=occurred_at, **fields
    )
    return 1
