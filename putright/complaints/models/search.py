"""The search table: one row per complaint, the words it is found by (see complaints/search.py)."""

from django.conf import settings
from django.db import models

from putright.complaints.models.complaint import Category, Complaint
from putright.core.models import BatchedRun


class ComplaintSearch(models.Model):
    """What "search everything" matches for one complaint, normalised.

    Written only by ``complaints.search`` (``reindex``, from the services that change a
    complaint, its resident or its home, the import and the demo; ``index_new_rows``, its
    one-INSERT form for complaints just received, built by the same ``_entry``). The engine's
    word index over
    ``document`` (SQLite FTS5 table, PostgreSQL GIN) is made by this app's migration.
    """

    complaint = models.OneToOneField(
        Complaint, primary_key=True, on_delete=models.CASCADE, related_name="search_row"
    )
    # Exact lookups on normalised values: upper case without spaces or punctuation for the
    # old system's reference and the postcode, lower case for email, digits for the phone.
    old_reference = models.CharField(max_length=100, blank=True, db_index=True)
    postcode = models.CharField(max_length=10, blank=True, db_index=True)
    email = models.CharField(max_length=254, blank=True, db_index=True)
    phone = models.CharField(max_length=40, blank=True, db_index=True)
    # The complaint's channel, fixed when it is received (nothing changes it after): a word
    # search inside the queue's channel filter is then narrowed in the search table itself, on
    # PostgreSQL in one index with the words (migration 0025), not a complaint row per match.
    channel = models.CharField(max_length=20, blank=True)
    # PostgreSQL also holds copies of the complaint's changing queue columns (status,
    # current_stage, handler_id, category_id, next_due, current_extended,
    # resident_vulnerable), kept by the database's triggers and in the word index, not
    # fields here: nothing in Python writes them (migration 0026, ``search.HELD``).
    # The words: references, the resident's name and contact details, addresses, the text.
    document = models.TextField(blank=True)

    class Meta:
        verbose_name = "complaint search entry"
        verbose_name_plural = "complaint search entries"

    def __str__(self) -> str:
        return f"search entry for complaint {self.complaint_id}"


class CategoryReindex(BatchedRun):
    """A category's name changed, and how far its complaints' search rows have been written
    again with it.

    A category can hold 100,000 complaints at a million: written in the admin's request, that
    outran the web worker's timeout (and on SQLite held every writer out), so the rows are
    written in short transactions after the rename is saved, from the complaint after
    ``after_complaint``, by the task queued on commit and, should the worker be stopped, by
    the scheduler's job (``services.categories``). A row is rebuilt from the record as it is
    when its batch runs, so a later rename *overtakes* this one (it starts again from the first
    complaint with the newer name) and a complaint moved to another category meanwhile is
    written by its move."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="reindexes")
    name = models.CharField(max_length=100, help_text="The name the category was given.")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    after_complaint = models.BigIntegerField(
        default=0, help_text="Complaints up to this id have their search rows written again."
    )
    reindexed = models.PositiveIntegerField(default=0)
    overtaken = models.BooleanField(
        default=False, help_text="A later rename of the category started again from the first."
    )

    class Meta(BatchedRun.Meta):
        verbose_name = "category search reindex"

    def __str__(self) -> str:
        return f"{self.category_id} renamed {self.name}"
