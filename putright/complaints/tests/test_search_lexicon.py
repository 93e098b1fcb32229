"""PostgreSQL looks a searched word up in the search table's lexicon and asks the GIN index for
the few whole words it starts (``core/fulltext.py``): the lexicon must hold every word of every
row, however the row was written, or a search would miss complaints. (On SQLite there is no
lexicon; the same searches must still find the same complaints.)"""

import pytest
from django.db import connection

from putright.complaints import search
from putright.complaints.models import ComplaintSearch
from putright.complaints.tests.stories import received
from putright.core import fulltext
from putright.people.services import resident_add

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the lexicon is PostgreSQL's"
)


@pytest.fixture
def bells(monday, handler):
    made = []
    for name in ("Rosa Bell", "Ahmad Bellamy", "Tom Bellweather"):
        made.append(received(resident=resident_add(full_name=name, actor=handler), actor=handler))
    return made


def _missing_words(table: str) -> int:
    """Words of the table's rows that its lexicon lacks."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM {table}, unnest(tsvector_to_array(words)) AS w "  # noqa: S608
            f"WHERE NOT EXISTS (SELECT FROM {table}_lexicon l WHERE l.word = w)"
        )
        return cursor.fetchone()[0]


def test_a_word_starting_more_words_than_are_spelt_out_is_still_a_prefix(bells, monkeypatch):
    monkeypatch.setattr(fulltext, "LEXICON_EXPANSION", 2)  # "bell" starts three words
    assert search.search("bell").count() == 3
    assert search.search("bella").count() == 1  # one word: spelt out
    assert search.search("bellz").count() == 0  # none


def test_a_prefix_finds_every_word_it_starts_within_a_queue_filter(bells):
    from putright.complaints.models import Complaint

    within = Complaint.objects.filter(pk__in=[bells[0].pk, bells[2].pk])
    hits = search.search("bell", within=within)
    assert (hits.count(), hits[0:5]) == (2, [bells[2].pk, bells[0].pk])


@postgres_only
def test_the_lexicon_holds_every_word_written_by_insert_or_update(bells):
    from putright.people.models import ResidentSearch

    assert _missing_words(ComplaintSearch._meta.db_table) == 0
    assert _missing_words(ResidentSearch._meta.db_table) == 0
    # Around the services (an UPDATE, not search.reindex): the update trigger keeps it too.
    ComplaintSearch.objects.filter(complaint=bells[0]).update(document="rosa bellflower")
    assert _missing_words(ComplaintSearch._meta.db_table) == 0
    assert search.search("bellf")[0:5] == [bells[0].pk]


@postgres_only
def test_the_seed_fills_the_lexicon_after_loading_with_triggers_set_aside(bells):
    table = ComplaintSearch._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}_lexicon")  # noqa: S608
    assert search.search("bell").count() == 0
    fulltext.fill_lexicon(connection, table)
    assert _missing_words(table) == 0
    assert search.search("bell").count() == 3


def _in_lexicon(table: str, word: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {table}_lexicon WHERE word = %s", [word])  # noqa: S608
        return cursor.fetchone() is not None


@postgres_only
def test_a_word_no_row_holds_any_more_leaves_the_lexicon_after_the_commit(
    bells, django_capture_on_commit_callbacks
):
    """An erased or corrected name must not stay behind in the lexicon."""
    from putright.people import search as resident_search
    from putright.people.models import Resident, ResidentSearch

    tables = [ComplaintSearch._meta.db_table, ResidentSearch._meta.db_table]
    rosa = bells[0].resident
    assert all(_in_lexicon(t, "bell") for t in tables)
    Resident.objects.filter(pk=rosa.pk).update(full_name="Rosa Hughes")
    with django_capture_on_commit_callbacks(execute=True):
        resident_search.reindex([rosa.pk])  # and, through its listener, her complaint's row
    assert not any(_in_lexicon(t, "bell") for t in tables)
    assert all(_in_lexicon(t, "hughes") and _in_lexicon(t, "bellamy") for t in tables)
    assert all(_in_lexicon(t, "rosa") for t in tables)  # still held
    assert _missing_words(tables[0]) == _missing_words(tables[1]) == 0
