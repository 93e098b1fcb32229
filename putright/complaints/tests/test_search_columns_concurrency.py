"""The search row's copies of the queue's columns under concurrent writers (PostgreSQL; issue
19, srch23). A complaint moved while its search row is being rebuilt (``search.reindex``: a
resident's name or address changed) must leave the row with the moved values. Had the rebuild
deleted the row and inserted a new one, the move's trigger, waiting for the deleted row, would
find it gone and update nothing, and the new row, filled from the complaint before the move
committed, would keep the old values. The rebuild updates the row in place
(``fulltext.replace_rows``), so the two writers queue on the one row and each writes its own
columns."""

import time
from datetime import timedelta

import pytest
from django.db import connection, transaction

from putright.complaints import search
from putright.complaints.models import Complaint
from putright.complaints.tests.test_tally_concurrency import WAIT, side_by_side
from putright.core.clock import today
from putright.people.factories import ResidentFactory
from putright.rules.workflow import State

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's copies"),
]


def test_a_complaint_moved_while_its_search_row_is_rebuilt_keeps_its_new_values():
    day = today()
    complaint = Complaint.objects.create(
        id=7000,
        reference="COPY-7000",
        resident=ResidentFactory(),
        channel="phone",
        description="A leak",
        received_on=day,
        status=State.STAGE1_OPEN,
        next_due=day + timedelta(days=20),
    )
    search.reindex([complaint.pk])
    assert search.copies_astray() == []

    def rebuild(barrier) -> str:
        with transaction.atomic():
            search.reindex([complaint.pk])
            barrier.wait(timeout=WAIT)  # the row rebuilt, not committed
            time.sleep(0.5)  # the move now waits for this row
        return "rebuilt"

    def move(barrier) -> str:
        barrier.wait(timeout=WAIT)
        with transaction.atomic():
            Complaint.objects.filter(pk=complaint.pk).update(
                status=State.CLOSED, next_due=None, current_stage=2
            )
        return "moved"

    assert side_by_side(rebuild, move) == ["rebuilt", "moved"]
    assert search.copies_astray() == []
    assert search.search("leak", columns={"status": State.CLOSED}).count() == 1
