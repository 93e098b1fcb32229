"""A word search inside the queue's channel filter (issue 19, srch22): the complaint's channel is
held on its search row, and on PostgreSQL checked in the word index beside the words, so "Patel,
by email" reads only the rows that are both. The same complaints on both engines."""

from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from putright.complaints import search
from putright.complaints.models import Complaint, ComplaintSearch
from putright.complaints.selectors import QueueFilters, search_everything
from putright.complaints.tests.stories import received
from putright.people.services import resident_add

pytestmark = pytest.mark.django_db

migration = import_module("putright.complaints.migrations.0025_search_channel")


@pytest.fixture
def cases(monday, handler):
    rosa = resident_add(full_name="Rosa Bell", actor=handler)
    made = {
        "phone": received(resident=rosa, actor=handler, description="A leak in the roof."),
        "email": received(resident=rosa, actor=handler, description="A leak.", channel="email"),
        "email-closed": received(
            resident=rosa, actor=handler, description="A leaking gutter.", channel="email"
        ),
        "letter": received(resident=rosa, actor=handler, description="Leak.", channel="letter"),
        "email-other": received(
            resident=rosa, actor=handler, description="Noise next door.", channel="email"
        ),
    }
    Complaint.objects.filter(pk=made["email-closed"].pk).update(status="closed")
    return made


def _found(cases, query: str, **filters) -> tuple[int, list[str]]:
    hits = search_everything(filters=QueueFilters(search=query, **filters), today=None)
    names = {c.pk: name for name, c in cases.items()}
    return hits.count(), [names[pk] for pk in hits[0:25]]


def test_each_search_row_holds_its_complaints_channel(cases):
    def channels() -> dict[int, str]:
        return dict(ComplaintSearch.objects.values_list("complaint_id", "channel"))

    expected = {c.pk: c.channel for c in cases.values()}
    assert channels() == expected  # written when received (index_new_rows)
    assert search.reindex(expected) == len(expected)
    assert channels() == expected  # and rebuilt from the record


def test_a_word_search_inside_the_channel_filter_finds_that_channels_complaints(cases):
    assert _found(cases, "leak", channel="email") == (2, ["email-closed", "email"])
    assert _found(cases, "rosa leak", channel="letter") == (1, ["letter"])
    assert _found(cases, "leak", channel="web_chat") == (0, [])
    assert _found(cases, "nobody", channel="email") == (0, [])
    # with another filter as well: both narrow
    assert _found(cases, "leak", channel="email", status="closed") == (1, ["email-closed"])
    # the exact kinds of query too (looked up on an indexed column, then narrowed)
    reference = cases["email"].reference
    assert _found(cases, reference, channel="email") == (1, ["email"])
    assert _found(cases, reference, channel="phone") == (0, [])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's word index")
def test_postgresql_counts_a_word_inside_the_channel_filter_from_the_search_table_alone(cases):
    hits = search.search("leak", columns={"channel": "email"})
    with CaptureQueriesContext(connection) as queries:
        assert hits.count() == 2
        assert len(hits[0:25]) == 2
    asked = [q["sql"] for q in queries.captured_queries]
    assert len(asked) == 2
    for sql in asked:  # no complaint row read per match: the channel is on the search row
        assert "complaints_complaint " not in sql, sql
        assert "JOIN" not in sql, sql
        assert "channel = " in sql, sql


def test_the_migration_fills_every_rows_channel_and_keeps_the_word_index(cases):
    ComplaintSearch.objects.update(channel="")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # a migration's transaction has none pending
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        editor = SimpleNamespace(connection=connection, execute=cursor.execute)
        migration.fill(apps, editor)
    assert dict(ComplaintSearch.objects.values_list("complaint_id", "channel")) == {
        c.pk: c.channel for c in cases.values()
    }
    assert _found(cases, "leak", channel="email") == (2, ["email-closed", "email"])
    # the word index still follows an updated row (SQLite: the FTS5 trigger made again)
    ComplaintSearch.objects.filter(complaint_id=cases["letter"].pk).update(document="quagga")
    assert _found(cases, "quagga") == (1, ["letter"])
    assert _found(cases, "quagga", channel="letter") == (1, ["letter"])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'complaints_complaintsearch_words'"
            )
            assert cursor.fetchone()[0].endswith("USING gin (words, channel)")
