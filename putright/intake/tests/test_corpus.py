"""A folder of awkward real-world-shaped mail imported twice: nothing raises, nothing is lost,
nothing is imported twice, nothing is dated by its sender, nothing is told "logged"."""

from datetime import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from putright.complaints.models import Complaint, Correspondence
from putright.intake.constants import InboundStatus
from putright.intake.models import InboundEmail, IntakeItem
from putright.intake.services.email import email_import

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).parent / "corpus"
FILES = sorted(CORPUS.glob("*.eml"))
# The top Received header most corpus files carry: when our server accepted them.
OUR_SERVER_GOT_IT = datetime.fromisoformat("2026-03-01T09:00:00+00:00")


def test_the_corpus_has_every_kind_of_awkward_message():
    assert len(FILES) >= 19


def test_the_corpus_imported_twice_never_raises_loses_or_doubles_anything(
    monday, rosa, rosas_complaint, django_capture_on_commit_callbacks
):
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_eml", str(CORPUS), stdout=out)
    assert f"{len(FILES)} file(s)" in out.getvalue()
    records = list(InboundEmail.objects.select_related("item"))
    assert len(records) == len(FILES)  # every message kept, one record each
    # Only what has no message in it, no sender, or is an automatic reply is held back: NUL
    # bytes, broken headers, odd charsets and attachments are cleaned or kept aside, and the
    # message goes through (on PostgreSQL, a NUL byte left in would quarantine it).
    assert {r.source for r in records if r.status == InboundStatus.QUARANTINED} == {
        f"file:{name}"
        for name in (
            "11-empty.eml",
            "12-not-an-email.eml",
            "15-out-of-office.eml",
            "18-no-from.eml",
        )
    }
    for inbound in records:
        if inbound.status == InboundStatus.QUARANTINED:
            assert inbound.reason.strip(), inbound.source  # always with its reason
        else:
            assert inbound.status == InboundStatus.ITEM, inbound.source
            assert inbound.item is not None
    # A second run imports nothing.
    out = StringIO()
    call_command("import_eml", str(CORPUS), stdout=out)
    assert f"{len(FILES)} already imported" in out.getvalue()
    assert InboundEmail.objects.count() == len(FILES)
    # No message made a complaint, wrote into a case, or told anyone "we have logged it".
    assert Complaint.objects.count() == 1  # Rosa's own, made by a handler
    assert not Correspondence.objects.filter(complaint=rosas_complaint).exists()
    assert not [m for m in mail.outbox if "complaint" in m.subject.lower()]
    # Each item is dated by our server, or now: never by a sender's Date header.
    for item in IntakeItem.objects.all():
        assert item.received_at in (OUR_SERVER_GOT_IT, timezone.now()), item.subject
        assert "\x00" not in item.body + item.subject + item.sender_name


def outcome(name: str) -> InboundEmail:
    inbound, _ = email_import(raw=(CORPUS / name).read_bytes(), source=name)
    return inbound


def test_corpus_cases_individually(monday, rosa, rosas_complaint):
    assert rosas_complaint.reference == "CMP-2026-000001"  # the one the forgery quotes
    forged = outcome("06-forged-sender.eml")
    assert forged.status == InboundStatus.ITEM
    assert "forged" in forged.item.notes
    assert forged.item.quoted_complaint == rosas_complaint

    old = outcome("08-date-1990.eml").item
    assert old.received_at == timezone.now()
    assert old.suggested_label == "complaint"

    zipped = outcome("09-zip-attachment.eml").item
    assert [(a.original_name, a.kept_aside) for a in zipped.attachments.all()] == [
        ("photos.zip", True)
    ]
    assert "Third time" in zipped.body

    huge = outcome("04-huge-mime.eml").item
    assert huge.attachments.filter(kept_aside=True).count() == 5  # over the limit of 10

    crlf = outcome("02-encoded-line-break-in-from.eml").item
    assert crlf.sender_email == "dana@example.net"
    assert "\n" not in crlf.sender_name

    broken = outcome("01-malformed-headers.eml").item  # a line with no colon at the top
    assert (broken.sender_email, broken.subject) == (
        "sam@example.net",
        "Leak continued subject line with no header before it?",
    )
    assert "2 broken header line(s)" in broken.notes

    assert outcome("15-out-of-office.eml").status == InboundStatus.QUARANTINED
    assert outcome("14-received-in-the-future.eml").item.received_at == timezone.now()
