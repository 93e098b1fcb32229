"""The search lexicons under concurrent writers (PostgreSQL; issue 19, search20).

Every write of a search row adds its new words to the table's lexicon in the writer's own
transaction (``fulltext.add_lexicon_keeping``). Had the lexicon been keyed with
``ON CONFLICT DO NOTHING``, a writer adding a word another had added and not yet committed
would wait for that commit: two transactions writing the complaint and the resident search
tables in opposite orders, each adding the word the other then adds, would deadlock (PostgreSQL
fails one of them). The lexicon is not keyed, so neither waits. Each thread has its own
connection (``test_tally_concurrency.side_by_side``); a Barrier holds them at the instant that
used to deadlock.
"""

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection, transaction

from putright.complaints import search
from putright.complaints.models import Complaint, ComplaintSearch
from putright.complaints.tests.test_tally_concurrency import WAIT, side_by_side
from putright.core.clock import today
from putright.people.factories import ResidentFactory
from putright.people.models import ResidentSearch
from putright.rules.workflow import State

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the lexicon is PostgreSQL's, and SQLite's writers never run side by side",
    ),
]


def test_two_writers_adding_the_same_new_words_in_opposite_orders_both_commit():
    """One transaction writes a complaint's search row holding "zzalpha", then a resident's
    holding "zzbeta"; the other a resident's holding "zzbeta", then a complaint's holding
    "zzalpha". With a keyed lexicon each second write waits for the other's first: deadlock."""
    day = today()
    residents = [ResidentFactory() for _ in range(2)]
    complaints = Complaint.objects.bulk_create(
        Complaint(
            id=pk,
            reference=f"LEX-{pk}",
            resident=resident,
            channel="phone",
            description="A leak",
            received_on=day,
            status=State.STAGE1_OPEN,
            next_due=day + timedelta(days=20),
        )
        for pk, resident in zip((6000, 6001), residents, strict=True)
    )
    ResidentSearch.objects.filter(resident__in=residents).delete()
    ComplaintSearch.objects.filter(complaint__in=complaints).delete()

    def write(first, second) -> Callable[[threading.Barrier], str]:
        def call(barrier: threading.Barrier) -> str:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '5s'")
                first()
                barrier.wait(timeout=WAIT)  # both have added their first word, uncommitted
                second()
            return "committed"

        return call

    def complaint_row(n: int) -> Callable[[], object]:
        return lambda: ComplaintSearch.objects.create(complaint=complaints[n], document="zzalpha")

    def resident_row(n: int) -> Callable[[], object]:
        return lambda: ResidentSearch.objects.create(resident=residents[n], document="zzbeta")

    results = side_by_side(
        write(complaint_row(0), resident_row(0)), write(resident_row(1), complaint_row(1))
    )

    assert results == ["committed", "committed"]
    hits = search.search("zzalp")  # looked up through the lexicon: each word once
    assert (hits.count(), hits[0:5]) == (2, [6001, 6000])
    from putright.people import search as resident_search

    assert resident_search.find("zzbet").count() == 2
