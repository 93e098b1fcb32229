"""Delivery through the outbox: a failing mail server never loses a letter; it is retried
with backoff, staff can see and retry it, and GOV.UK Notify is used only with an API key.

The SMTP tests talk to a real SMTP server (aiosmtpd) on 127.0.0.1, not a mock.
"""

import socket
from datetime import timedelta
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from putright.complaints.models import Correspondence
from putright.letters.constants import MAX_ATTEMPTS, DeliveryChannel, OutboxStatus
from putright.letters.models import Letter, OutboxItem
from putright.letters.notify import NotifyAdapter
from putright.letters.services import outbox
from putright.letters.services.outbox import (
    NOT_RETRYABLE,
    outbox_deliver,
    outbox_deliver_due,
    outbox_retry,
)

pytestmark = pytest.mark.django_db


class FlakyMailServer:
    """An SMTP handler that refuses mail with a temporary error while `failing` is set."""

    def __init__(self) -> None:
        self.failing = True
        self.received: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        if self.failing:
            return "451 4.3.0 Mail server temporarily unavailable"
        self.received.append(envelope.original_content)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    handler = FlakyMailServer()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 5},
        }
    }
    yield handler
    controller.stop()


def test_a_failing_mail_server_keeps_the_letter_and_it_is_sent_on_retry(
    complaint, handler, smtp_server, django_capture_on_commit_callbacks
):
    from putright.complaints.tests.stories import acknowledged

    with django_capture_on_commit_callbacks(execute=True):
        acknowledged(complaint, actor=handler)
    item = OutboxItem.objects.get()
    # The first attempt met a 451 from the server: nothing lost, retry scheduled with backoff.
    assert item.status == OutboxStatus.RETRYING
    assert item.attempts == 1
    assert "451" in item.last_error
    assert item.next_attempt_at == timezone.now() + timedelta(minutes=1)
    assert Letter.objects.get().pdf.size > 1000
    assert not Correspondence.objects.exists()
    assert complaint.events.filter(code="stage.acknowledged").exists()

    # Not yet due: the sweep leaves it alone.
    assert outbox_deliver_due(now=timezone.now()) == 0
    smtp_server.failing = False
    assert outbox_deliver_due(now=timezone.now() + timedelta(minutes=1)) == 1

    item.refresh_from_db()
    assert item.status == OutboxStatus.SENT
    assert item.attempts == 2
    assert item.last_error == ""
    (raw,) = smtp_server.received
    message = message_from_bytes(raw)
    assert message["To"] == "rosa.bell@example.org"
    assert message["Subject"] == f"We have received your complaint {complaint.reference}"
    parts = [part.get_content_type() for part in message.walk()]
    assert {"text/plain", "text/html", "application/pdf"} <= set(parts)
    assert Correspondence.objects.get().attachments.count() == 1


def test_after_the_last_attempt_the_letter_waits_for_staff_and_the_record_says_so(
    open_complaint, smtp_server, officer, settings, django_capture_on_commit_callbacks
):
    from putright.complaints.tests.stories import extended

    with django_capture_on_commit_callbacks(execute=True):
        extended(open_complaint, actor=officer, new_due=timezone.localdate() + timedelta(days=21))
    item = OutboxItem.objects.get(status=OutboxStatus.RETRYING)
    later = timezone.now()
    for _ in range(MAX_ATTEMPTS - 1):
        later += timedelta(hours=3)
        outbox_deliver_due(now=later)
    item.refresh_from_db()
    assert item.status == OutboxStatus.FAILED
    assert item.attempts == MAX_ATTEMPTS
    assert item.next_attempt_at is None
    assert open_complaint.events.filter(code="letter.delivery_failed").count() == 1

    smtp_server.failing = False
    with django_capture_on_commit_callbacks(execute=True):
        outbox_retry(item=item, actor=officer)
    item.refresh_from_db()
    assert item.status == OutboxStatus.SENT
    assert open_complaint.events.filter(code="letter.retry_requested").count() == 1


def test_a_sent_letter_cannot_be_retried(open_complaint, officer):
    item = OutboxItem.objects.get()
    assert item.status == OutboxStatus.SENT
    with pytest.raises(Exception) as refused:  # noqa: PT011
        outbox_retry(item=item, actor=officer)
    assert refused.value.message == NOT_RETRYABLE


def test_a_claimed_item_is_not_sent_twice(open_complaint):
    item = OutboxItem.objects.get()
    assert outbox_deliver(item_id=item.pk) is None  # already sent: nothing to claim


# --- GOV.UK Notify --------------------------------------------------------------------------


class FakeNotifyClient:
    """Stands in for notifications_python_client: records calls, returns Notify-like ids."""

    def __init__(self) -> None:
        self.emails: list[dict] = []
        self.letters: list[dict] = []

    def send_email_notification(self, **kwargs):
        self.emails.append(kwargs)
        return {"id": "email-123"}

    def send_precompiled_letter_notification(self, **kwargs):
        self.letters.append({**kwargs, "pdf": kwargs["pdf_file"].read()})
        return {"id": "letter-456"}


def test_the_notify_adapter_sends_the_message_and_the_exact_pdf(settings):
    settings.PUTRIGHT_NOTIFY_EMAIL_TEMPLATE_ID = "tmpl-1"
    client = FakeNotifyClient()
    adapter = NotifyAdapter(client)
    assert adapter.send_email(to="a@example.org", subject="S", body="B", reference="r1") == (
        "email-123"
    )
    assert client.emails == [
        {
            "email_address": "a@example.org",
            "template_id": "tmpl-1",
            "personalisation": {"subject": "S", "body": "B"},
            "reference": "r1",
        }
    ]
    assert adapter.send_letter(pdf=b"%PDF-1.7 ...", reference="r2") == "letter-456"
    assert client.letters[0]["pdf"] == b"%PDF-1.7 ..."


def test_notify_is_off_without_an_api_key(open_complaint):
    assert OutboxItem.objects.get().channel == DeliveryChannel.EMAIL


def test_with_an_api_key_letters_go_through_notify(
    complaint, handler, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from putright.complaints.tests.stories import acknowledged

    settings.PUTRIGHT_NOTIFY_API_KEY = "test-key"
    settings.PUTRIGHT_NOTIFY_EMAIL_TEMPLATE_ID = "tmpl-1"
    client = FakeNotifyClient()
    monkeypatch.setattr(outbox, "notify_client", lambda: client)
    with django_capture_on_commit_callbacks(execute=True):
        acknowledged(complaint, actor=handler)
    item = OutboxItem.objects.get()
    assert item.channel == DeliveryChannel.NOTIFY_EMAIL
    assert item.status == OutboxStatus.SENT
    assert item.provider_reference == "email-123"
    assert client.emails[0]["email_address"] == "rosa.bell@example.org"
    assert "What happens next" in client.emails[0]["personalisation"]["body"]


def test_with_an_api_key_post_goes_to_notify_as_the_exact_pdf(
    complaint, resident, handler, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from putright.complaints.tests.stories import acknowledged

    resident.email = ""
    resident.save()
    settings.PUTRIGHT_NOTIFY_API_KEY = "test-key"
    client = FakeNotifyClient()
    monkeypatch.setattr(outbox, "notify_client", lambda: client)
    with django_capture_on_commit_callbacks(execute=True):
        acknowledged(complaint, actor=handler)
    item = OutboxItem.objects.get()
    assert item.channel == DeliveryChannel.NOTIFY_LETTER
    assert item.status == OutboxStatus.SENT
    with item.letter.pdf.open("rb") as pdf:
        assert client.letters[0]["pdf"] == pdf.read()
    assert Correspondence.objects.get().channel == "letter"


def test_on_the_database_queue_a_retry_is_queued_for_its_backoff_time(
    open_complaint, smtp_server, monkeypatch, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from putright.letters import tasks
    from putright.letters.services.outbox import outbox_retry

    monkeypatch.setattr(tasks, "deliver_letter", tasks.deliver_letter.using(backend="database"))
    item = OutboxItem.objects.get()
    OutboxItem.objects.filter(pk=item.pk).update(status=OutboxStatus.FAILED, attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        outbox_retry(item=item, actor=open_complaint.handler)
    (queued,) = DBTaskResult.objects.all()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.deliver_letter.call(*queued.args_kwargs["args"])  # what the worker does
    item.refresh_from_db()
    assert item.status == OutboxStatus.RETRYING  # the server still refuses
    retry = DBTaskResult.objects.exclude(pk=queued.pk).get()
    assert retry.run_after == item.next_attempt_at == timezone.now() + timedelta(minutes=5)
