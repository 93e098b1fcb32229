"""The case record is append-only, in the ORM and in the database (Code 5.12)."""

import pytest
from django.db import DatabaseError, connection, transaction

from putright.complaints import services
from putright.complaints.constants import Channel, Direction
from putright.complaints.models import CaseEvent, Correspondence
from putright.complaints.models.record import RECORD_IS_APPEND_ONLY

pytestmark = pytest.mark.usefixtures("monday")


@pytest.fixture
def event(complaint):
    """The first entry of Rosa's record: her complaint as received."""
    return complaint.events.get(code="complaint.received")


def test_an_event_cannot_be_saved_again(event):
    event.summary = "Something else"

    with pytest.raises(PermissionError, match=RECORD_IS_APPEND_ONLY):
        event.save()

    assert CaseEvent.objects.get(pk=event.pk).summary.startswith("Complaint received")


def test_an_event_cannot_be_deleted(event):
    with pytest.raises(PermissionError, match=RECORD_IS_APPEND_ONLY):
        event.delete()

    assert CaseEvent.objects.filter(pk=event.pk).exists()


def test_events_cannot_be_updated_or_deleted_in_bulk(event):
    with pytest.raises(PermissionError, match=RECORD_IS_APPEND_ONLY):
        CaseEvent.objects.filter(pk=event.pk).update(summary="Rewritten")
    with pytest.raises(PermissionError, match=RECORD_IS_APPEND_ONLY):
        CaseEvent.objects.all().delete()

    assert CaseEvent.objects.get(pk=event.pk).summary == event.summary


def test_correspondence_cannot_be_changed_either(complaint, handler):
    item = services.correspondence_add(
        complaint=complaint,
        direction=Direction.OUTGOING,
        channel=Channel.LETTER,
        counterpart="Rosa Bell",
        subject="Acknowledgement",
        actor=handler,
    )

    with pytest.raises(PermissionError, match=RECORD_IS_APPEND_ONLY):
        item.save()
    with pytest.raises(PermissionError, match=RECORD_IS_APPEND_ONLY):
        Correspondence.objects.update(subject="Nothing to see")


def test_the_database_refuses_a_raw_update_of_an_event(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE complaints_caseevent SET summary = %s WHERE id = %s", ["Rewritten", event.pk]
        )

    assert CaseEvent.objects.get(pk=event.pk).summary == event.summary


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite keeps no DELETE trigger: Django's test flush empties tables with DELETE.",
)
def test_the_database_refuses_a_raw_delete_of_an_event(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM complaints_caseevent WHERE id = %s", [event.pk])

    assert CaseEvent.objects.filter(pk=event.pk).exists()
