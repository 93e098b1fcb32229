"""Email intake: new complaints, replies joining their case, idempotency, quarantine."""

from email.message import EmailMessage
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from putright.complaints.models import Complaint, Correspondence
from putright.complaints.tests.stories import snapshot
from putright.intake.constants import MAX_ATTACHMENTS_PER_MESSAGE, InboundStatus
from putright.intake.models import InboundEmail, IntakeItem
from putright.intake.services import email as email_intake
from putright.intake.services.email import email_import
from putright.people.models import Representative

pytestmark = pytest.mark.django_db


def message(
    *,
    subject="Mould in my bedroom",
    body="There is black mould on the bedroom wall again.",
    sender="Rosa Bell <rosa.bell@example.org>",
    message_id="<m1@mail.example.org>",
    date="Sat, 28 Feb 2026 18:00:00 +0000",
    attachments=(),
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "complaints@thrive.example"
    msg["Subject"] = subject
    if date:
        msg["Date"] = date
    if message_id:
        msg["Message-ID"] = message_id
    msg.set_content(body)
    for name, content, maintype, subtype in attachments:
        msg.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return bytes(msg)


def received_by_us(when: str) -> bytes:
    """The Received header our own mail server puts on top of a message it accepts."""
    return f"Received: from mx.example.net by mail.thrive.example; {when}\r\n".encode()


def raw_of(inbound) -> bytes:
    with inbound.raw.open("rb") as stored:
        return stored.read()


PHOTO = ("mould.png", b"\x89PNG\r\n\x1a\n fake image", "image", "png")


def test_a_new_email_becomes_an_intake_item_received_when_our_mailbox_got_it(
    monday, rosa, django_capture_on_commit_callbacks
):
    # Sent "1990", but our server stamped it at 09:00 on Sunday 1 March 2026.
    raw = received_by_us("Sun, 1 Mar 2026 09:00:00 +0000") + message(
        attachments=[PHOTO], date="Mon, 01 Jan 1990 00:00:00 +0000"
    )
    with django_capture_on_commit_callbacks(execute=True):
        inbound, new = email_import(raw=raw, source="test")
    assert new
    assert inbound.status == InboundStatus.ITEM
    assert inbound.complaint is None
    item = inbound.item
    assert item.channel == "email"
    assert item.received_at.isoformat() == "2026-03-01T09:00:00+00:00"
    assert item.suggested_resident == rosa  # a suggestion for staff, not a decision
    assert item.subject == "Mould in my bedroom"
    assert "black mould" in item.body
    assert [a.original_name for a in item.attachments.all()] == ["mould.png"]
    assert raw_of(inbound) == raw
    # Nothing is a complaint yet, and nobody is told "we have logged your complaint".
    assert Complaint.objects.count() == 0
    assert mail.outbox == []


def test_the_senders_date_header_is_never_the_received_date(monday, rosa):
    inbound, _ = email_import(raw=message(date="Mon, 01 Jan 1990 00:00:00 +0000"), source="t")
    assert inbound.item.received_at == timezone.now()  # no Received header: now
    # A believable date too (two days ago, inside the 30 days a mailbox date is believed):
    # the sender wrote it, so it is not when we got the message.
    recent = message(date="Sat, 28 Feb 2026 18:00:00 +0000", message_id="<recent@x>")
    inbound, _ = email_import(raw=recent, source="t")
    assert inbound.item.received_at == timezone.now()


def test_a_future_or_absurdly_old_mailbox_date_is_not_believed(monday, rosa):
    future = received_by_us("Fri, 1 Jan 2027 09:00:00 +0000") + message()
    old = received_by_us("Tue, 1 Jan 2019 09:00:00 +0000") + message(message_id="<old@x>")
    for raw in (future, old):
        inbound, _ = email_import(raw=raw, source="test")
        assert inbound.item.received_at == timezone.now()
        assert "not believable" in inbound.item.notes


def test_a_reply_from_the_resident_quoting_a_reference_joins_that_case(
    monday, rosa, rosas_complaint
):
    raw = message(
        subject=f"RE: Your complaint {rosas_complaint.reference.lower()}",
        body="Here are the photos you asked for.",
        attachments=[PHOTO],
        message_id="<reply-1@mail.example.org>",
    )
    inbound, _ = email_import(raw=raw, source="test")
    assert inbound.status == InboundStatus.ADDED_TO_CASE
    assert inbound.complaint == rosas_complaint
    assert Complaint.objects.count() == 1
    letter = Correspondence.objects.get(complaint=rosas_complaint)
    assert letter.direction == "in"
    assert letter.attachments.get().original_name == "mould.png"
    event = rosas_complaint.events.get(code="correspondence.received")
    assert event.actor_label == "Complaints mailbox"
    # In the intake inbox too, as every message is, decided by the intake: added to the case.
    item = inbound.item
    assert (item.channel, item.decision, item.complaint) == (
        "email",
        "added_to_case",
        rosas_complaint,
    )
    assert item.decided_by is None
    assert item.decided_at is not None


def test_a_reply_from_an_authorised_representative_joins_the_case(
    monday, rosa, rosas_daughter, rosas_complaint
):
    raw = message(
        sender="Ruth Bell <ruth.bell@example.org>",
        subject=f"Re: {rosas_complaint.reference}",
        message_id="<ruth@x>",
    )
    inbound, _ = email_import(raw=raw, source="test")
    assert inbound.status == InboundStatus.ADDED_TO_CASE
    assert inbound.complaint == rosas_complaint


@pytest.mark.parametrize("who", ["stranger", "unauthorised-representative"])
def test_anyone_else_quoting_a_reference_cannot_write_into_the_case(
    monday, rosa, rosas_complaint, who
):
    sender = "Mallory <mallory@example.net>"
    if who == "unauthorised-representative":
        Representative.objects.create(
            resident=rosa,
            full_name="Ned",
            relationship=Representative.Relationship.OTHER,
            email="ned@example.net",
        )
        sender = "Ned <ned@example.net>"
    raw = message(
        sender=sender,
        subject=f"Re: {rosas_complaint.reference}",
        body="Please change the bank details for the compensation.",
        attachments=[PHOTO],
    )
    inbound, _ = email_import(raw=raw, source="test")
    assert inbound.status == InboundStatus.ITEM
    assert inbound.complaint is None
    assert not Correspondence.objects.filter(complaint=rosas_complaint).exists()
    item = inbound.item
    assert item.quoted_complaint == rosas_complaint
    assert "neither the resident nor an authorised representative" in item.notes


def test_a_forged_from_is_noted_and_never_matched_to_the_resident_it_names(monday, rosa):
    raw = (
        b"Authentication-Results: mail.thrive.example; spf=fail smtp.mailfrom=example.org\r\n"
        + message(body="I want to complain, and please send my letters to 1 Other Road.")
    )
    item = email_import(raw=raw, source="test")[0].item
    assert item.sender_email == "rosa.bell@example.org"
    assert item.suggested_resident is None  # staff are not offered Rosa's record
    assert "forged" in item.notes
    assert Complaint.objects.count() == 0


def test_an_unsupported_attachment_is_kept_aside_and_the_message_still_goes_through(monday, rosa):
    raw = message(
        attachments=[
            PHOTO,
            ("photos.zip", b"PK\x03\x04zip", "application", "zip"),
            ("page.htm", b"<html>hi</html>", "text", "html"),
        ]
    )
    inbound, _ = email_import(raw=raw, source="test")
    assert inbound.status == InboundStatus.ITEM
    item = inbound.item
    kept = {a.original_name: a.kept_aside for a in item.attachments.all()}
    assert kept == {"mould.png": False, "photos.zip": True, "page.htm": True}
    assert "photos.zip" in item.notes
    assert "kept aside" in item.notes


def test_more_attachments_than_the_limit_are_kept_aside(monday, rosa):
    many = [
        (f"p{i}.png", b"\x89PNG\r\n\x1a\n image", "image", "png")
        for i in range(MAX_ATTACHMENTS_PER_MESSAGE + 2)
    ]
    inbound, _ = email_import(raw=message(attachments=many), source="test")
    aside = inbound.item.attachments.filter(kept_aside=True)
    assert aside.count() == 2


def test_a_message_larger_than_the_limit_is_quarantined(monday, rosa, monkeypatch):
    monkeypatch.setattr(email_intake, "MAX_MESSAGE_BYTES", 1000)
    inbound, _ = email_import(raw=message(body="x" * 2000), source="test")
    assert inbound.status == InboundStatus.QUARANTINED
    assert inbound.reason.startswith("The message is larger than")


def test_an_encoded_line_break_in_the_from_name_is_cleaned_not_fatal(monday, rosa):
    raw = (
        b"From: =?utf-8?q?Rosa=0D=0ABcc=3A_evil=40x=2Eorg?= <rosa.bell@example.org>\r\n"
        b"Subject: =?utf-8?q?Damp=0Aagain?=\r\nMessage-ID: <crlf@x>\r\n\r\nStill damp.\r\n"
    )
    inbound, _ = email_import(raw=raw, source="test")
    assert inbound.status == InboundStatus.ITEM
    assert inbound.item.sender_name == "Rosa Bcc: evil@x.org"
    assert inbound.item.subject == "Damp again"


def test_nul_bytes_are_removed_before_anything_is_stored(monday, rosa):
    raw = message(body="Mould\x00 in the\x00 bath", subject="Mould\x00")
    inbound, _ = email_import(raw=raw, source="test")
    assert inbound.status == InboundStatus.ITEM
    assert "\x00" not in inbound.item.body
    assert inbound.item.body == "Mould in the bath"


def test_an_unexpected_failure_quarantines_that_message_only(monday, rosa, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("boom")

    monkeypatch.setattr(email_intake, "item_receive", broken)
    inbound, new = email_import(raw=message(), source="test")
    assert new
    assert inbound.status == InboundStatus.QUARANTINED
    assert "ValueError" in inbound.reason
    # Recorded, so a second run does not try it again.
    _, again = email_import(raw=message(), source="test")
    assert not again


def test_importing_the_same_message_twice_imports_it_once(monday, rosa):
    first, new = email_import(raw=message(), source="test")
    again, new_again = email_import(raw=message(), source="test")
    assert new
    assert not new_again
    assert again.pk == first.pk
    assert IntakeItem.objects.count() == 1
    assert InboundEmail.objects.count() == 1


def test_the_same_mailbox_uid_is_not_imported_twice_even_with_other_bytes(monday, rosa):
    email_import(raw=message(), source="imap", mailbox_uid="INBOX:1:7")
    _, new = email_import(
        raw=message(message_id="<other@x>"), source="imap", mailbox_uid="INBOX:1:7"
    )
    assert not new
    assert IntakeItem.objects.count() == 1


def test_a_message_without_a_message_id_is_still_imported_once(monday, rosa):
    raw = message(message_id=None)
    email_import(raw=raw, source="test")
    email_import(raw=raw, source="test")
    assert IntakeItem.objects.count() == 1
    assert InboundEmail.objects.get().message_id.startswith("<sha256-")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", email_intake.EMPTY_MESSAGE),
        (b"\x00\x01\x02 garbage with no headers at all", email_intake.NOT_AN_EMAIL),
        (message(sender="not an address"), email_intake.NO_SENDER),
        (message(body="", subject=""), email_intake.NO_CONTENT),
    ],
    ids=["empty", "malformed", "no-sender", "no-content"],
)
def test_a_message_that_cannot_be_imported_is_quarantined_with_the_reason_never_dropped(
    monday, rosa, raw, reason
):
    before = snapshot()
    inbound, new = email_import(raw=raw, source="test")
    assert new
    assert inbound.status == InboundStatus.QUARANTINED
    assert inbound.reason == reason
    assert raw_of(inbound) == raw  # kept exactly as received
    assert snapshot() == before  # nothing half-written to any case
    # And it stays quarantined, once, on a re-run.
    _, again = email_import(raw=raw, source="test")
    assert not again
    assert InboundEmail.objects.count() == 1


def automatic(header: str, value: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Rosa Bell <rosa.bell@example.org>"
    msg["Subject"] = "Out of office"
    msg["Message-ID"] = f"<auto-{header}@x>"
    msg[header] = value
    msg.set_content("I am away until Monday.")
    return bytes(msg)


@pytest.mark.parametrize(
    "raw",
    [
        automatic("Auto-Submitted", "auto-replied"),
        automatic("Precedence", "bulk"),
        message(sender="MAILER-DAEMON@mail.example.org", message_id="<bounce@x>"),
    ],
    ids=["auto-submitted", "bulk", "bounce"],
)
def test_automatic_replies_are_quarantined_and_never_answered(
    monday, rosa, raw, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        inbound, _ = email_import(raw=raw, source="test")
    assert inbound.status == InboundStatus.QUARANTINED
    assert inbound.reason == email_intake.AUTOMATIC_REPLY
    assert Complaint.objects.count() == 0
    assert mail.outbox == []  # no reply, so no mail loop


def test_mail_from_our_own_address_is_not_logged(monday, db):
    inbound, _ = email_import(raw=message(sender="complaints@thrive.example"), source="test")
    assert inbound.reason == email_intake.FROM_OURSELVES


def test_an_html_only_email_is_read_as_text(monday, rosa):
    msg = EmailMessage()
    msg["From"] = "rosa.bell@example.org"
    msg["Subject"] = "Damp"
    msg["Message-ID"] = "<html@x>"
    msg.set_content("<p>The <b>damp</b> is back.</p>", subtype="html")
    inbound, _ = email_import(raw=bytes(msg), source="test")
    assert inbound.item.body == "The damp is back."


def test_a_quarantined_message_is_resolved_by_a_person(monday, rosa, handler):
    inbound, _ = email_import(raw=b"", source="test")
    email_intake.inbound_resolve(
        inbound=inbound, resolution="Blank message; ignored.", actor=handler
    )
    inbound.refresh_from_db()
    assert inbound.resolved_by == handler


def test_import_eml_reads_files_and_folders_and_reports_each(monday, rosa, tmp_path):
    (tmp_path / "one.eml").write_bytes(message())
    (tmp_path / "two.eml").write_bytes(message(message_id="<m2@x>", subject="Noise"))
    (tmp_path / "bad.eml").write_bytes(b"")
    out = StringIO()
    call_command("import_eml", str(tmp_path), stdout=out)
    text = out.getvalue()
    assert "3 file(s)" in text
    assert "2 in the intake inbox" in text
    assert "1 quarantined" in text
    out = StringIO()
    call_command("import_eml", str(tmp_path), stdout=out)
    assert "3 already imported" in out.getvalue()
    assert IntakeItem.objects.count() == 2
    assert Complaint.objects.count() == 0


def test_import_eml_refuses_a_missing_path(db):
    with pytest.raises(CommandError, match="No such file or folder"):
        call_command("import_eml", "/nonexistent/mail.eml")


def test_poll_imap_needs_a_mailbox(db, settings):
    settings.PUTRIGHT_IMAP = {**settings.PUTRIGHT_IMAP, "host": ""}
    with pytest.raises(CommandError, match="PUTRIGHT_IMAP_HOST"):
        call_command("poll_imap")
