"""Nothing lost, nothing twice: each fault the fault-injection runs found, reproduced.

A worker killed between producing and sending, a task that never ran, a database connection
lost in the middle of production, and a mail server that takes the message and hangs up
before confirming it (a real aiosmtpd server on 127.0.0.1).
"""

from datetime import timedelta
from email import message_from_bytes
from io import StringIO

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.db import OperationalError
from django.tasks import TaskResultStatus
from django.utils import timezone

from putright.complaints.models import Correspondence
from putright.complaints.tests.stories import acknowledged
from putright.letters import conf, tasks
from putright.letters.constants import LetterKind, OutboxStatus
from putright.letters.listeners import produce_letters_for
from putright.letters.models import Letter, LetterRequest, OutboxItem
from putright.letters.services import letters as letter_services
from putright.letters.services import outbox
from putright.letters.services.outbox import outbox_deliver_due
from putright.letters.services.recovery import letters_recover
from putright.letters.tests.test_delivery import free_port

pytestmark = pytest.mark.django_db


def later(seconds: float = 0) -> timezone.datetime:
    """A moment after recovery may step in (the grace period and the send lease)."""
    return timezone.now() + max(conf.recover_after(), conf.send_lease()) + timedelta(seconds=1)


class NeverRuns:
    """A task whose worker died before running it (or a process that died before queueing)."""

    def enqueue(self, *args):
        return None


def acknowledgement_event(complaint):
    return complaint.events.get(code="stage.acknowledged")


# --- production keyed by the event ------------------------------------------------------------


def test_producing_again_for_the_same_event_never_makes_a_second_letter(open_complaint):
    event = acknowledgement_event(open_complaint)
    letter = Letter.objects.get()
    assert letter.source_event == event
    assert LetterRequest.objects.get(event=event).status == LetterRequest.Status.PRODUCED

    produce_letters_for(event)  # a duplicated task
    # Even if the request's "produced" mark were lost, the letter's key finds the letter.
    LetterRequest.objects.filter(event=event).update(status=LetterRequest.Status.PENDING)
    produce_letters_for(event)

    assert Letter.objects.get() == letter
    assert OutboxItem.objects.count() == 1
    assert open_complaint.events.filter(code="letter.issued").count() == 1


def test_a_worker_killed_before_production_leaves_a_request_that_recovery_produces_once(
    complaint, handler, monkeypatch, django_capture_on_commit_callbacks, mailoutbox
):
    # The worker died before running the task (or the process died before queueing it).
    monkeypatch.setattr(tasks, "produce_letters", NeverRuns())
    with django_capture_on_commit_callbacks(execute=True):
        acknowledged(complaint, actor=handler)
    request = LetterRequest.objects.get()
    assert request.status == LetterRequest.Status.PENDING
    assert not Letter.objects.exists()

    # Too early: the normal task may still be on its way.
    assert letters_recover().requests_produced == 0
    with django_capture_on_commit_callbacks(execute=True):
        recovered = letters_recover(now=later())
    assert recovered.requests_produced == 1
    with django_capture_on_commit_callbacks(execute=True):
        letters_recover(now=later())
    assert Letter.objects.get().kind == LetterKind.ACKNOWLEDGEMENT
    assert OutboxItem.objects.get().status == OutboxStatus.SENT
    assert len(mailoutbox) == 1


def test_a_worker_killed_between_producing_and_sending_is_sent_once_by_recovery(
    complaint, handler, monkeypatch, django_capture_on_commit_callbacks, mailoutbox
):
    class Killed(BaseException):
        """What SIGKILL looks like from inside: the send never finishes."""

    def killed_mid_send(item):
        raise Killed

    monkeypatch.setattr(outbox, "_send", killed_mid_send)
    with django_capture_on_commit_callbacks(execute=True):
        acknowledged(complaint, actor=handler)
    monkeypatch.undo()
    item = OutboxItem.objects.get()
    assert item.status == OutboxStatus.SENDING
    assert item.leased_until == timezone.now() + conf.send_lease()

    # While the lease holds, nobody else sends it (the first worker might still be sending).
    assert outbox_deliver_due() == 0
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        assert letters_recover(now=later()).letters_sent == 1
        assert letters_recover(now=later(60)).letters_sent == 0
    item.refresh_from_db()
    assert item.status == OutboxStatus.SENT
    assert item.attempts == 2
    (sent,) = mailoutbox
    assert sent.extra_headers["Message-ID"] == item.letter.message_id
    assert Correspondence.objects.filter(direction="out").count() == 1


def test_a_sweep_that_started_long_ago_never_hands_out_a_lease_that_has_run_out(
    complaint, handler, monkeypatch, django_capture_on_commit_callbacks
):
    # Found by bench/fault_injection.py: recovery produced letters for a minute, then swept
    # with the `now` it started with; the leases it gave were already over, so the worker
    # sent the same letters again.
    monkeypatch.setattr(tasks, "deliver_letter", NeverRuns())
    with django_capture_on_commit_callbacks(execute=True):
        acknowledged(complaint, actor=handler)
    item = OutboxItem.objects.get()
    started_long_ago = timezone.now() - timedelta(hours=1)
    claimed = outbox._claim(item.pk, started_long_ago)
    assert claimed.status == OutboxStatus.SENDING
    assert claimed.leased_until == timezone.now() + conf.send_lease()
    assert outbox._claim(item.pk, timezone.now()) is None  # nobody else may take it now


def test_a_lost_database_connection_during_production_ends_in_exactly_one_letter(
    complaint, handler, monkeypatch, django_capture_on_commit_callbacks, mailoutbox
):
    real = letter_services._queue_delivery
    calls = []

    def connection_lost_after_the_letter_was_saved(letter, **kwargs):
        calls.append(letter.pk)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(letter, **kwargs)

    monkeypatch.setattr(
        letter_services, "_queue_delivery", connection_lost_after_the_letter_was_saved
    )
    with django_capture_on_commit_callbacks(execute=True):
        acknowledged(complaint, actor=handler)
    # The half-made letter went with the transaction; nothing is recorded as "not produced",
    # because the letter can still be made.
    assert calls
    assert not Letter.objects.exists()
    assert not complaint.events.filter(code="letter.not_produced").exists()
    request = LetterRequest.objects.get()
    assert (request.status, request.attempts) == (LetterRequest.Status.PENDING, 1)

    with django_capture_on_commit_callbacks(execute=True):
        letters_recover(now=later())
        letters_recover(now=later(60))
    assert Letter.objects.count() == 1
    assert OutboxItem.objects.get().status == OutboxStatus.SENT
    assert len(mailoutbox) == 1
    assert LetterRequest.objects.get().status == LetterRequest.Status.PRODUCED


def test_a_letter_that_keeps_failing_is_recorded_for_staff_not_tried_for_ever(
    complaint, handler, monkeypatch, django_capture_on_commit_callbacks, officer, client
):
    def always_lost(letter, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(letter_services, "_queue_delivery", always_lost)
    with django_capture_on_commit_callbacks(execute=True):
        acknowledged(complaint, actor=handler)
    for minutes in range(1, 8):
        letters_recover(now=later(minutes * 60))
    assert not Letter.objects.exists()
    assert LetterRequest.objects.get().status == LetterRequest.Status.NOT_PRODUCED
    (record,) = complaint.events.filter(code="letter.not_produced")
    assert record.data["event"] == acknowledgement_event(complaint).pk

    client.force_login(officer)
    page = client.get("/letters/outbox/").content.decode()
    assert "1 letter could not be produced" in page
    assert complaint.reference in page


def test_tasks_a_killed_worker_left_running_go_back_on_the_queue():
    from django_tasks_db.models import DBTaskResult

    queued = tasks.produce_letters.using(backend="database").enqueue(1)
    stale = DBTaskResult.objects.get(pk=queued.id)
    stale.claim("a-worker-that-was-killed")
    assert letters_recover().tasks_requeued == 0  # it may still be running
    DBTaskResult.objects.filter(pk=stale.pk).update(
        started_at=timezone.now() - conf.recover_after() - timedelta(seconds=1)
    )
    assert letters_recover().tasks_requeued == 1
    stale.refresh_from_db()
    assert stale.status == TaskResultStatus.READY


@pytest.mark.django_db(transaction=True)
def test_the_worker_recovers_at_start_without_cron(settings, monkeypatch):
    from putright.complaints.tests.stories import received
    from putright.people.factories import ResidentFactory

    settings.PUTRIGHT_LETTERS_RECOVER_AFTER_SECONDS = 1
    monkeypatch.setattr(tasks, "produce_letters", NeverRuns())
    from putright.accounts import factories

    handler = factories.handler(username="hamid")
    complaint = received(resident=ResidentFactory(email="rosa@example.org"), actor=handler)
    acknowledged(complaint, actor=handler)
    LetterRequest.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    assert not Letter.objects.exists()

    call_command(
        "db_worker", "--backend", "database", "--batch", "--no-startup-delay", stdout=StringIO()
    )
    assert Letter.objects.get().source_event.code == "stage.acknowledged"
    assert LetterRequest.objects.get().status == LetterRequest.Status.PRODUCED


# --- SMTP that takes the message and hangs up before "250 OK" -------------------------------


class HangsUpAfterData:
    """Receives the whole message, then drops the connection without replying."""

    def __init__(self) -> None:
        self.hang_up = True
        self.received: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append(envelope.original_content)
        if self.hang_up:
            server.transport.abort()
        return "250 OK"


class HangsUpAtRecipient:
    """Drops the connection before any of the message is sent."""

    def __init__(self) -> None:
        self.hang_up = True
        self.received: list[bytes] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.hang_up:
            server.transport.abort()
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(envelope.original_content)
        return "250 OK"


def smtp(settings, handler):
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "putright.letters.mail.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 5},
        }
    }
    return controller


@pytest.fixture
def hangs_up_after_data(settings):
    handler = HangsUpAfterData()
    controller = smtp(settings, handler)
    yield handler
    controller.stop()


@pytest.fixture
def hangs_up_at_recipient(settings):
    handler = HangsUpAtRecipient()
    controller = smtp(settings, handler)
    yield handler
    controller.stop()


def test_a_server_that_hangs_up_after_data_gets_the_letter_once(
    complaint, handler, hangs_up_after_data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        acknowledged(complaint, actor=handler)
    item = OutboxItem.objects.get()
    assert item.status == OutboxStatus.SENT
    assert item.unconfirmed is True
    assert item.letter.message_id in item.last_error
    # Later sweeps and recovery do not send it again.
    hangs_up_after_data.hang_up = False
    assert outbox_deliver_due(now=later()) == 0
    letters_recover(now=later(600))
    (raw,) = hangs_up_after_data.received
    assert message_from_bytes(raw)["Message-ID"] == item.letter.message_id
    # It is in the case record, as sent.
    assert Correspondence.objects.get(direction="out").subject == item.letter.subject


def test_a_server_that_hangs_up_before_the_message_is_retried_with_the_same_message_id(
    complaint, handler, hangs_up_at_recipient, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        acknowledged(complaint, actor=handler)
    item = OutboxItem.objects.get()
    assert item.status == OutboxStatus.RETRYING  # nothing reached the server: safe to retry
    assert not item.unconfirmed
    hangs_up_at_recipient.hang_up = False
    assert outbox_deliver_due(now=later()) == 1
    (raw,) = hangs_up_at_recipient.received
    assert message_from_bytes(raw)["Message-ID"] == item.letter.message_id
