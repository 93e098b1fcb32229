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


def test_a_complaints_files_together_are_capped_by_the_quota(complaint, handler, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from putright.complaints.models import Attachment
    from putright.complaints.services.record import ATTACHMENT_QUOTA
    from putright.core.errors import InvalidInput

    settings.PUTRIGHT_COMPLAINT_ATTACHMENTS_MB = 1
    png = b"\x89PNG\r\n\x1a\n" + b"0" * (600 * 1024)

    def add(name):
        return services.correspondence_add(
            complaint=complaint,
            direction=Direction.INCOMING,
            channel=Channel.EMAIL,
            counterpart="Rosa Bell",
            subject="Photos",
            files=[SimpleUploadedFile(name, png, content_type="image/png")],
            actor=handler,
        )

    add("first.png")  # 0.6 MB of 1 MB
    with pytest.raises(InvalidInput) as refused:
        add("second.png")  # would make 1.2 MB
    assert refused.value.message == ATTACHMENT_QUOTA.format(mb=1)
    assert refused.value.field == "files"
    assert Attachment.objects.filter(complaint=complaint).count() == 1
