"""The search table: one row per complaint, the words it is found by (see complaints/search.py)."""

from django.db import models

from putright.complaints.models.complaint import Complaint


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
