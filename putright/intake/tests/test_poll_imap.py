"""`poll_imap` against a real (local, minimal) IMAP server: poison first, the rest still in."""

from datetime import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from putright.intake.constants import InboundStatus
from putright.intake.models import InboundEmail, IntakeItem
from putright.intake.services import email as email_intake
from putright.intake.services import mailbox
from putright.intake.tests.imap_server import LocalImap
from putright.intake.tests.test_email_intake import message

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).parent / "corpus"
GOT_IT = "01-Mar-2026 08:30:00 +0000"


@pytest.fixture
def mailbox_at(settings):
    def point(server: LocalImap) -> None:
        settings.PUTRIGHT_IMAP = {
            "host": "127.0.0.1",
            "port": server.port,
            "user": "complaints",
            "password": "pw",
            "folder": "INBOX",
            "ssl": False,
        }

    return point


def poll() -> str:
    out = StringIO()
    call_command("poll_imap", stdout=out)
    return out.getvalue()


def poison_first() -> list[tuple[bytes, str]]:
    return [
        ((CORPUS / "02-encoded-line-break-in-from.eml").read_bytes(), GOT_IT),
        ((CORPUS / "03-nul-bytes.eml").read_bytes(), GOT_IT),
        (b"", GOT_IT),
        (message(message_id="<good-1@x>", date="Mon, 01 Jan 1990 00:00:00 +0000"), GOT_IT),
        (message(message_id="<good-2@x>", subject="Noise"), GOT_IT),
    ]


def test_poison_messages_first_do_not_stop_the_rest_and_a_second_poll_imports_nothing(
    monday, rosa, mailbox_at
):
    with LocalImap(poison_first()) as server:
        mailbox_at(server)
        summary = poll()
        assert "4 in the intake inbox, 1 quarantined" in summary
        assert server.seen() == [100, 101, 102, 103, 104]  # every one marked read once stored
        # Received when our mailbox got them (INTERNALDATE), not the senders' dates.
        for item in IntakeItem.objects.all():
            assert item.received_at == datetime.fromisoformat("2026-03-01T08:30:00+00:00")
        assert "no new mail" in poll()
    assert InboundEmail.objects.count() == 5
    assert set(InboundEmail.objects.values_list("mailbox_uid", flat=True)) == {
        f"INBOX:1:{uid}" for uid in range(100, 105)
    }


def test_a_message_whose_import_fails_is_left_unread_for_the_next_poll_and_the_rest_go_on(
    monday, rosa, mailbox_at, monkeypatch
):
    real = email_intake.email_import

    def failing_on_the_first(*, raw, **kwargs):
        if b"poison@x" in raw:
            raise RuntimeError("database went away")
        return real(raw=raw, **kwargs)

    monkeypatch.setattr(mailbox, "email_import", failing_on_the_first)
    messages = [
        (message(message_id="<poison@x>"), GOT_IT),
        (message(message_id="<after-1@x>", body="The lift is broken."), GOT_IT),
        (message(message_id="<after-2@x>", body="Still no heating."), GOT_IT),
    ]
    with LocalImap(messages) as server:
        mailbox_at(server)
        summary = poll()
        assert "1 failed, will retry" in summary
        assert "2 in the intake inbox" in summary
        assert server.seen() == [101, 102]
        monkeypatch.setattr(mailbox, "email_import", real)
        assert "1 in the intake inbox" in poll()
        assert server.seen() == [100, 101, 102]
    assert IntakeItem.objects.count() == 3


def test_a_message_already_imported_is_only_marked_read_again(monday, rosa, mailbox_at):
    raw = message(message_id="<again@x>")
    email_intake.email_import(raw=raw, source="file")  # imported from a .eml export earlier
    with LocalImap([(raw, GOT_IT)]) as server:
        mailbox_at(server)
        assert "1 already imported" in poll()
        assert server.seen() == [100]
    assert InboundEmail.objects.get().status == InboundStatus.ITEM


def test_a_wrong_password_is_a_clear_error(db, mailbox_at):
    with LocalImap([], password="other") as server:
        mailbox_at(server)
        with pytest.raises(CommandError, match="Could not read the mailbox"):
            poll()


def test_internal_date_is_read_from_the_fetch_response():
    parts = [(b'1 (UID 7 INTERNALDATE " 3-Dec-2026 09:05:00 +0100" BODY[] {3}', b"abc"), b")"]
    assert mailbox.internal_date(parts).isoformat() == "2026-12-03T09:05:00+01:00"
    assert mailbox.internal_date([b"garbage"]) is None
