"""Email intake: new complaints, replies joining their case, idempotency, quarantine."""

import imaplib
from email.message import EmailMessage
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from putright.complaints.models import Attachment, Complaint, Correspondence
from putright.complaints.tests.stories import snapshot
from putright.intake.constants import InboundStatus
from putright.intake.models import InboundEmail
from putright.intake.services import email as email_intake
from putright.intake.services.email import email_import

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


def raw_of(inbound) -> bytes:
    with inbound.raw.open("rb") as stored:
        return stored.read()


PHOTO = ("mould.png", b"\x89PNG\r\n\x1a\n fake image", "image", "png")


def test_a_new_email_becomes_a_complaint_received_the_day_it_was_sent(
    monday, rosa, django_capture_on_commit_callbacks
):
    raw = message(attachments=[PHOTO])
    with django_capture_on_commit_callbacks(execute=True):
        inbound, new = email_import(raw=raw, source="test")
    assert new
    assert inbound.status == InboundStatus.NEW_COMPLAINT
    complaint = inbound.complaint
    assert complaint.resident == rosa  # matched by sender address
    assert complaint.channel == "email"
    # Sent on Saturday 28 February: received that day, whatever day it was imported.
    assert str(complaint.received_on) == "2026-02-28"
    letter = Correspondence.objects.get(complaint=complaint, direction="in")
    assert letter.subject == "Mould in my bedroom"
    assert "black mould" in letter.body
    assert [a.original_name for a in Attachment.objects.all()] == ["mould.png"]
    assert raw_of(inbound) == raw
    # The sender is told the reference.
    assert complaint.reference in mail.outbox[0].subject


def test_an_email_quoting_a_reference_joins_that_case(monday, rosa, rosas_complaint):
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


def test_importing_the_same_message_twice_imports_it_once(monday, rosa):
    first, new = email_import(raw=message(), source="test")
    again, new_again = email_import(raw=message(), source="test")
    assert new
    assert not new_again
    assert again.pk == first.pk
    assert Complaint.objects.count() == 1
    assert InboundEmail.objects.count() == 1


def test_a_message_without_a_message_id_is_still_imported_once(monday, rosa):
    raw = message(message_id=None)
    email_import(raw=raw, source="test")
    email_import(raw=raw, source="test")
    assert Complaint.objects.count() == 1
    assert InboundEmail.objects.get().message_id.startswith("<sha256-")


def test_an_unknown_sender_becomes_a_new_resident_for_staff_to_check(monday, db):
    inbound, _ = email_import(raw=message(sender="Sam Nolan <sam@example.net>"), source="test")
    assert inbound.complaint.resident.full_name == "Sam Nolan"
    assert inbound.complaint.resident.email == "sam@example.net"


def test_an_email_from_a_representative_is_filed_for_the_resident(monday, rosa, rosas_daughter):
    inbound, _ = email_import(raw=message(sender="Ruth <ruth.bell@example.org>"), source="test")
    assert inbound.complaint.resident == rosa


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", email_intake.EMPTY_MESSAGE),
        (b"\x00\x01\x02 garbage with no headers at all", email_intake.NOT_AN_EMAIL),
        (message(sender="not an address"), email_intake.NO_SENDER),
        (message(body=""), email_intake.NO_CONTENT),
        (
            message(subject="About CMP-2026-999999"),
            email_intake.UNKNOWN_REFERENCE.format(reference="CMP-2026-999999"),
        ),
        (
            message(attachments=[("run.exe", b"MZ\x90\x00", "application", "octet-stream")]),
            "Attachment “run.exe” was not accepted: The file must be a PDF, image, document, "
            "spreadsheet, email or audio file.",
        ),
    ],
    ids=["empty", "malformed", "no-sender", "no-content", "unknown-reference", "bad-attachment"],
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
    assert inbound.complaint.description == "The damp is back."


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
    assert "2 new complaint" in text
    assert "1 quarantined" in text
    out = StringIO()
    call_command("import_eml", str(tmp_path), stdout=out)
    assert "3 already imported" in out.getvalue()
    assert Complaint.objects.count() == 2


def test_import_eml_refuses_a_missing_path(db):
    with pytest.raises(CommandError, match="No such file or folder"):
        call_command("import_eml", "/nonexistent/mail.eml")


class FakeMailbox:
    """Just enough of imaplib.IMAP4_SSL for poll_imap."""

    messages: dict[bytes, bytes] = {}
    seen: list[bytes] = []

    def __init__(self, host, port):
        self.host = host

    def login(self, user, password):
        return "OK", [b"Logged in"]

    def select(self, folder):
        return "OK", [b"2"]

    def uid(self, command, *args):
        if command == "SEARCH":
            unseen = [u for u in self.messages if u not in self.seen]
            return "OK", [b" ".join(unseen)]
        if command == "FETCH":
            return "OK", [(b"1 (BODY[] {n}", self.messages[args[0]]), b")"]
        if command == "STORE":
            self.seen.append(args[0])
            return "OK", []
        raise AssertionError(command)

    def logout(self):
        return "BYE", []


def test_poll_imap_imports_unread_mail_and_marks_it_read(monday, rosa, settings, monkeypatch):
    settings.PUTRIGHT_IMAP = {**settings.PUTRIGHT_IMAP, "host": "imap.example.org", "user": "u"}
    FakeMailbox.messages = {b"7": message(), b"8": b""}
    FakeMailbox.seen = []
    monkeypatch.setattr(imaplib, "IMAP4_SSL", FakeMailbox)
    out = StringIO()
    call_command("poll_imap", stdout=out)
    assert "1 new complaint, 1 quarantined" in out.getvalue()
    assert FakeMailbox.seen == [b"7", b"8"]
    call_command("poll_imap", stdout=StringIO())
    assert Complaint.objects.count() == 1


def test_poll_imap_needs_a_mailbox(db, settings):
    settings.PUTRIGHT_IMAP = {**settings.PUTRIGHT_IMAP, "host": ""}
    with pytest.raises(CommandError, match="PUTRIGHT_IMAP_HOST"):
        call_command("poll_imap")
