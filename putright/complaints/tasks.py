"""Complaints' background work (django.tasks; `manage.py db_worker` runs it)."""

from django.tasks import task


@task()
def recount_deadlines() -> int:
    """Move the open deadlines a closure added or removed still has to move
    (``services.closures.recount_run``); returns how many cases moved."""
    from putright.complaints.services.closures import recount_run

    return recount_run()


@task()
def reindex_categories() -> int:
    """Write again the search rows of the complaints of a renamed category still to be written
    (``services.categories.reindex_run``); returns how many."""
    from putright.complaints.services.categories import reindex_run

    return reindex_run()
