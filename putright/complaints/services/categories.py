"""Categories edited by hand (the admin, where staff keep reference data), and their
complaints' search rows kept true.

A complaint's search row holds its category's name (``search._entry``), so a renamed category
writes again the rows of every complaint in it: 100,000 or more at a million complaints, too
many for the admin's request (the web worker's timeout would roll it back, and on SQLite every
other writer would wait). The rename starts a ``CategoryReindex``: its first batch in the
rename's own transaction, the rest in short transactions after the commit (``reindex_run``,
the task queued on commit; ``reindex_resume_stale``, the scheduler's safety net), each batch
continuing from the last committed one (``core.batched``, as a closure's deadline recount).

Each row is rebuilt from the record as it stands when its batch runs, so it holds the newest
name whatever the run was started by: a second rename overtakes the first (which stops) and
starts again from the first complaint, and a complaint moved to another category meanwhile
is written by its move (the import's correction) and, if the run still reaches it, rebuilt with
the category it is in now.
"""

from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from putright.complaints import search
from putright.complaints.models import Category, CategoryReindex, Complaint
from putright.core import batched

# Complaints whose rows are written again in one transaction: a batch holds the category (so a
# rename waits for it) for well under a second.
REINDEX_BATCH = 200
REINDEX_STALE_AFTER = batched.STALE_AFTER


@transaction.atomic
def category_save(*, category: Category, actor: Any) -> CategoryReindex | None:
    """Save a category edited by hand; when what it gives its complaints' search rows changed
    (``search.CATEGORY_FIELDS``: its name), start writing them again. Returns the reindex
    started, if one was (saved with no such change, none is)."""
    if category.pk is None:
        category.save()
        return None  # no complaint is filed under it yet
    # The category's row, locked before the runs (the order a batch takes them), and read
    # again under the lock: two people renaming it at once are compared in turn.
    stored = (
        Category.objects.select_for_update(no_key=True)
        .filter(pk=category.pk)
        .values(*search.CATEGORY_FIELDS)
        .first()
    )
    category.save()
    if stored is None:
        return None
    if all(stored[field] == getattr(category, field) for field in search.CATEGORY_FIELDS):
        return None
    return _reindex_start(category=category, actor=actor)


def category_hold(category_id: int | None) -> None:
    """Call before filing an existing complaint under this category (the import's correction)
    and rebuilding its row: on PostgreSQL a rename in flight is then committed before the row
    reads the name, or waits until the move is committed, where its run finds the complaint.
    SQLite's write transactions already take turns."""
    if category_id is None or connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {Category._meta.db_table} WHERE id = %s FOR SHARE",  # noqa: S608
            [category_id],
        )


def _reindex_start(*, category: Category, actor: Any) -> CategoryReindex:
    # A run still going for an earlier name would only write what this one writes again.
    CategoryReindex.objects.filter(category=category, finished_at__isnull=True).update(
        finished_at=timezone.now(), overtaken=True
    )
    reindex = CategoryReindex.objects.create(category=category, name=category.name, actor=actor)
    return batched.started(reindex, _reindex_batch, _queue_reindex)


def _queue_reindex() -> None:
    from putright.complaints.tasks import reindex_categories

    reindex_categories.enqueue()


def reindex_run() -> int:
    """Carry every unfinished category reindex to its end, a batch a transaction; safe twice at
    once or again after a kill (``core.batched``). Returns how many rows were written."""
    return batched.run_all(CategoryReindex, _reindex_batch)


def reindex_resume_stale(*, now: datetime) -> int:
    """The scheduler's safety net: finish reindexes no worker has moved on for a while."""
    return batched.resume_stale(
        CategoryReindex, now=now, run=reindex_run, after=REINDEX_STALE_AFTER
    )


@transaction.atomic
def _reindex_batch(reindex_id: int) -> tuple[bool, int]:
    """Write again the next batch of one reindex's rows: whether it has finished, and how
    many rows this batch wrote."""
    # The category before the run, as a rename takes them: a rename waits for this batch to
    # commit, and this batch reads the name of a rename that committed while it waited.
    held = list(
        Category.objects.select_for_update(no_key=True, of=("self",))
        .filter(reindexes=reindex_id)
        .values_list("pk", flat=True)
    )
    if not held:
        return True, 0  # the category was deleted, and its runs with it
    reindex = CategoryReindex.objects.select_for_update().get(pk=reindex_id)
    if reindex.finished_at is not None:
        return True, 0
    listed = list(
        Complaint.objects.filter(category_id=reindex.category_id, pk__gt=reindex.after_complaint)
        .order_by("pk")
        .values_list("pk", flat=True)[:REINDEX_BATCH]
    )
    written = search.reindex(listed)
    reindex.reindexed += written
    if listed:
        reindex.after_complaint = listed[-1]
    if len(listed) < REINDEX_BATCH:
        reindex.finished_at = timezone.now()
    reindex.save(update_fields=["after_complaint", "reindexed", "finished_at", "progressed_at"])
    return reindex.finished_at is not None, written
