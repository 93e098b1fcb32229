"""The resident portal: one-time links, own complaints only, add information, stage 2 (6.12)."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from putright.complaints import services as complaint_services
from putright.complaints.models import Correspondence
from putright.complaints.tests.stories import snapshot
from putright.intake.models import IntakeItem
from putright.portal import services
from putright.portal.models import SignInLink

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver(/portal/sign-in/[^/\s]+/)")


def request_link(client: Client, email: str, capture) -> str | None:
    mail.outbox.clear()
    with capture(execute=True):
        response = client.post("/portal/", {"email": email})
    assert response.status_code == 200
    assert "Check your email" in response.content.decode()
    if not mail.outbox:
        return None
    return LINK.search(mail.outbox[-1].body).group(1)


@pytest.fixture
def sign_in(django_capture_on_commit_callbacks):
    def do(client: Client, email: str) -> Client:
        path = request_link(client, email, django_capture_on_commit_callbacks)
        assert path, f"no link sent to {email}"
        assert client.get(path).status_code == 200  # a button, not yet signed in
        response = client.post(path)
        assert response.status_code == 302
        return client

    return do


def test_a_resident_signs_in_by_emailed_link_and_sees_their_complaint(
    client, rosas_complaint, toms_complaint, sign_in
):
    sign_in(client, "Rosa.Bell@example.org")
    page = client.get("/portal/").content.decode()
    assert rosas_complaint.reference in page
    assert toms_complaint.reference not in page


def test_asking_for_a_link_never_reveals_whether_an_address_is_known(
    client, rosas_complaint, django_capture_on_commit_callbacks
):
    assert request_link(client, "stranger@example.org", django_capture_on_commit_callbacks) is None
    assert mail.outbox == []


def test_a_link_works_once(client, rosas_complaint, django_capture_on_commit_callbacks):
    path = request_link(client, "rosa.bell@example.org", django_capture_on_commit_callbacks)
    assert client.post(path).status_code == 302
    replay = Client().post(path)
    assert replay.status_code == 400
    assert "already been used" in replay.content.decode()


def test_a_link_expires_after_thirty_minutes(
    client, rosas_complaint, django_capture_on_commit_callbacks, time_machine
):
    path = request_link(client, "rosa.bell@example.org", django_capture_on_commit_callbacks)
    time_machine.shift(timedelta(minutes=31))
    response = client.post(path)
    assert response.status_code == 400
    assert services.LINK_EXPIRED in response.content.decode()
    assert SignInLink.objects.get().used_at is None


def test_a_made_up_link_is_refused(client, db):
    response = client.post("/portal/sign-in/not-a-real-token/")
    assert response.status_code == 400
    assert services.LINK_UNKNOWN in response.content.decode()


def test_only_a_hash_of_the_token_is_stored(
    client, rosas_complaint, django_capture_on_commit_callbacks
):
    path = request_link(client, "rosa.bell@example.org", django_capture_on_commit_callbacks)
    token = path.split("/")[-2]
    assert SignInLink.objects.filter(token_hash=token).count() == 0


def test_an_empty_email_address_gets_a_field_error(client, db):
    response = client.post("/portal/", {"email": ""})
    assert response.status_code == 400
    assert services.EMAIL_REQUIRED in response.content.decode()


def test_another_residents_complaint_is_refused(client, rosas_complaint, toms_complaint, sign_in):
    sign_in(client, "rosa.bell@example.org")
    before = snapshot(toms_complaint)
    ref = toms_complaint.reference
    assert client.get(f"/portal/complaints/{ref}/").status_code == 404
    assert client.post(f"/portal/complaints/{ref}/add/", {"information": "x"}).status_code == 404
    assert client.post(f"/portal/complaints/{ref}/stage-2/").status_code == 404
    assert snapshot(toms_complaint) == before


@pytest.mark.parametrize(
    "path",
    [
        "/people/",
        "/people/reviews/",
        "/intake/",
        "/intake/surveys/",
        "/intake/mailbox/",
        "/admin/",
        "/api/v1/complaints/",
    ],
)
def test_a_portal_session_cannot_open_staff_pages(client, rosas_complaint, sign_in, path):
    sign_in(client, "rosa.bell@example.org")
    response = client.get(path)
    assert response.status_code in {302, 401, 403}
    if response.status_code == 302:
        assert "/login/" in response["Location"]


def test_a_portal_session_cannot_post_to_staff_pages(client, rosa, rosas_complaint, sign_in):
    sign_in(client, "rosa.bell@example.org")
    response = client.post(f"/people/{rosa.pk}/restrictions/", {})
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_signing_in_to_the_portal_ends_any_staff_session(client, rosas_complaint, handler, sign_in):
    client.force_login(handler)
    assert client.get("/people/").status_code == 200
    sign_in(client, "rosa.bell@example.org")
    assert client.get("/people/").status_code == 302


def test_a_staff_session_alone_does_not_open_the_portal(client, rosas_complaint, handler):
    client.force_login(handler)
    response = client.get(f"/portal/complaints/{rosas_complaint.reference}/")
    assert response.status_code == 302
    assert response["Location"] == "/portal/"


def test_the_complaint_page_shows_stage_deadlines_and_letters_sent(
    client, rosas_complaint, handler, sign_in
):
    letter = complaint_services.correspondence_add(
        complaint=rosas_complaint,
        direction="out",
        channel="letter",
        counterpart="Rosa Bell",
        subject="Acknowledgement of your complaint",
        body="We have received your complaint.",
        files=[SimpleUploadedFile("ack.pdf", b"%PDF-1.4 letter")],
        actor=handler,
    )
    complaint_services.note_add(
        complaint=rosas_complaint, text="Internal: check the roofer", actor=handler
    )
    sign_in(client, "rosa.bell@example.org")
    page = client.get(f"/portal/complaints/{rosas_complaint.reference}/").content.decode()
    assert "Stage 1" in page
    assert "9 March 2026" in page  # acknowledgement due: 5 working days from Monday 2 March
    assert "Acknowledgement of your complaint" in page
    assert "Internal: check the roofer" not in page  # internal notes are never shown
    doc = letter.attachments.get()
    download = client.get(f"/portal/documents/{doc.pk}/")
    assert download.status_code == 200
    assert download["Cache-Control"] == "no-store"  # not kept by a shared computer's browser
    assert b"".join(download.streaming_content) == b"%PDF-1.4 letter"


def test_a_document_the_resident_sent_in_or_of_another_case_cannot_be_downloaded(
    client, rosas_complaint, toms_complaint, handler, sign_in
):
    theirs = complaint_services.correspondence_add(
        complaint=toms_complaint,
        direction="out",
        channel="letter",
        counterpart="Tom",
        subject="x",
        files=[SimpleUploadedFile("t.pdf", b"%PDF tom")],
        actor=handler,
    )
    sign_in(client, "rosa.bell@example.org")
    assert client.get(f"/portal/documents/{theirs.attachments.get().pk}/").status_code == 404


def test_a_resident_adds_information_with_a_document(client, rosas_complaint, sign_in):
    sign_in(client, "rosa.bell@example.org")
    response = client.post(
        f"/portal/complaints/{rosas_complaint.reference}/add/",
        {
            "information": "The leak is worse after the rain.",
            "files": [SimpleUploadedFile("p.png", b"\x89PNG....")],
        },
    )
    assert response.status_code == 302
    item = Correspondence.objects.get(complaint=rosas_complaint)
    assert (item.direction, item.channel, item.body) == (
        "in",
        "portal",
        "The leak is worse after the rain.",
    )
    event = rosas_complaint.events.get(code="correspondence.received")
    assert event.actor is None
    assert event.actor_label == "Rosa Bell (resident, resident portal)"
    # The portal message is in the intake inbox too, already filed on the resident's own case.
    message = IntakeItem.objects.get()
    assert (message.channel, message.decision, message.complaint) == (
        "portal",
        "added_to_case",
        rosas_complaint,
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"information": "  "}, "Enter the information you want to add, or choose a file."),
        (
            {"information": "x", "files": [SimpleUploadedFile("a.exe", b"MZ")]},
            "The file must be a PDF, image, document, spreadsheet, email or audio file.",
        ),
    ],
)
def test_bad_information_is_refused_and_nothing_is_added(
    client, rosas_complaint, sign_in, data, message
):
    sign_in(client, "rosa.bell@example.org")
    before = snapshot(rosas_complaint)
    response = client.post(f"/portal/complaints/{rosas_complaint.reference}/add/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert snapshot(rosas_complaint) == before


def test_stage_two_is_one_action_with_no_reason(client, responded_complaint, sign_in):
    sign_in(client, "rosa.bell@example.org")
    ref = responded_complaint.reference
    assert "Ask for stage 2" in client.get(f"/portal/complaints/{ref}/").content.decode()
    confirm = client.get(f"/portal/complaints/{ref}/stage-2/").content.decode()
    assert "You do not need to give a reason" in confirm
    assert "<textarea" not in confirm
    response = client.post(f"/portal/complaints/{ref}/stage-2/")
    assert response.status_code == 200
    responded_complaint.refresh_from_db()
    assert (responded_complaint.status, responded_complaint.current_stage) == (
        "stage2_requested",
        2,
    )
    event = responded_complaint.events.get(code="complaint.escalated")
    assert event.data["reason"] == ""
    assert event.actor_label.startswith("Rosa Bell")
    # Only once: the button is gone and a second request is refused.
    assert "Ask for stage 2" not in client.get(f"/portal/complaints/{ref}/").content.decode()
    assert client.post(f"/portal/complaints/{ref}/stage-2/").status_code == 409


def test_stage_two_is_not_offered_before_the_stage_one_response(client, rosas_complaint, sign_in):
    sign_in(client, "rosa.bell@example.org")
    ref = rosas_complaint.reference
    assert "Ask for stage 2" not in client.get(f"/portal/complaints/{ref}/").content.decode()
    assert client.post(f"/portal/complaints/{ref}/stage-2/").status_code == 409
    rosas_complaint.refresh_from_db()
    assert rosas_complaint.current_stage == 1


# --- representatives -------------------------------------------------------------------------


def test_an_authorised_representative_sees_the_residents_complaints(
    client, rosas_complaint, toms_complaint, rosas_daughter, sign_in
):
    sign_in(client, "ruth.bell@example.org")
    page = client.get("/portal/").content.decode()
    assert rosas_complaint.reference in page
    assert "acting as a representative" in page
    assert toms_complaint.reference not in page


def test_a_representative_without_authorisation_gets_no_link(
    client, rosas_complaint, rosas_daughter, django_capture_on_commit_callbacks
):
    rosas_daughter.form_received = False
    rosas_daughter.authorised_on = None
    rosas_daughter.save()
    assert request_link(client, "ruth.bell@example.org", django_capture_on_commit_callbacks) is None


def test_a_representative_loses_access_when_the_authorisation_expires(
    client, rosas_complaint, rosas_daughter, sign_in, monday
):
    sign_in(client, "ruth.bell@example.org")
    rosas_daughter.expires_on = monday - timedelta(days=1)
    rosas_daughter.save()
    response = client.get(f"/portal/complaints/{rosas_complaint.reference}/")
    assert response.status_code == 302
    assert "Sign in to see your complaints" in client.get("/portal/").content.decode()


def test_a_one_complaint_representative_sees_only_that_complaint(
    client, rosa, rosas_complaint, rosas_daughter, handler, sign_in
):
    from putright.complaints.tests.stories import received

    other = received(resident=rosa, actor=handler, description="Noise from next door")
    rosas_daughter.scope = "one"
    rosas_daughter.complaint = rosas_complaint
    rosas_daughter.save()
    sign_in(client, "ruth.bell@example.org")
    assert client.get(f"/portal/complaints/{rosas_complaint.reference}/").status_code == 200
    assert client.get(f"/portal/complaints/{other.reference}/").status_code == 404


def test_signing_out_ends_the_portal_session(client, rosas_complaint, sign_in):
    sign_in(client, "rosa.bell@example.org")
    client.post("/portal/sign-out/")
    assert client.get(f"/portal/complaints/{rosas_complaint.reference}/").status_code == 302


def test_a_tampered_portal_session_is_refused(client, rosas_complaint, toms_complaint):
    session = client.session
    session[services.SESSION_KEY] = {"kind": "staff", "id": 1}
    session.save()
    assert client.get(f"/portal/complaints/{rosas_complaint.reference}/").status_code == 302


def test_the_portal_session_expires_after_an_hour_idle(client, rosas_complaint, sign_in):
    sign_in(client, "rosa.bell@example.org")
    assert client.session.get_expiry_age() == services.SESSION_AGE_SECONDS


def test_portal_pages_take_a_fixed_number_of_queries(
    client, responded_complaint, handler, sign_in, django_assert_max_num_queries
):
    for n in range(5):
        complaint_services.correspondence_add(
            complaint=responded_complaint,
            direction="out",
            channel="letter",
            counterpart="Rosa",
            subject=f"Letter {n}",
            files=[SimpleUploadedFile(f"l{n}.pdf", b"%PDF x")],
            actor=handler,
        )
    sign_in(client, "rosa.bell@example.org")
    with django_assert_max_num_queries(12):
        client.get("/portal/")
    with django_assert_max_num_queries(14):
        client.get(f"/portal/complaints/{responded_complaint.reference}/")


def test_signing_in_asks_for_an_email_address_and_never_a_password(client, db):
    page = client.get("/portal/").content.decode()
    assert 'type="email"' in page
    assert 'type="password"' not in page


def test_links_to_one_address_are_limited_so_an_inbox_cannot_be_flooded(
    client, rosas_complaint, django_capture_on_commit_callbacks, time_machine
):
    for _ in range(services.LINKS_PER_HOUR):
        assert request_link(client, "rosa.bell@example.org", django_capture_on_commit_callbacks)
    # The page says the same thing, but no more mail goes out this hour.
    assert request_link(client, "rosa.bell@example.org", django_capture_on_commit_callbacks) is None
    time_machine.shift(timedelta(minutes=61))
    assert request_link(client, "rosa.bell@example.org", django_capture_on_commit_callbacks)


def test_the_acknowledgement_letter_the_letters_app_sends_appears_in_the_portal(
    client, rosas_complaint, handler, sign_in, django_capture_on_commit_callbacks
):
    from putright.complaints.tests.stories import acknowledged

    with django_capture_on_commit_callbacks(execute=True):
        acknowledged(rosas_complaint, actor=handler)
    sent = Correspondence.objects.filter(complaint=rosas_complaint, direction="out")
    assert sent.exists(), "the letters app recorded no outgoing letter"
    sign_in(client, "rosa.bell@example.org")
    page = client.get(f"/portal/complaints/{rosas_complaint.reference}/").content.decode()
    letter = sent.first()
    assert letter.subject in page
    # Listed by title and date with a link to the PDF: no storage file name, no inlined text.
    assert letter.attachments.first().original_name not in page
    assert (
        f'href="/portal/documents/{letter.attachments.first().pk}/">Download the letter (PDF'
        in page
    )
    assert letter.body[:80] not in page


def test_the_resident_sees_each_remedy_and_action_with_where_it_stands(
    client, rosas_complaint, handler, sign_in, time_machine
):
    from datetime import timedelta

    from putright.complaints.tests.stories import (
        acknowledged,
        compensation,
        responded,
        roof_repair,
        travel,
    )
    from putright.core.clock import today

    complaint = responded(
        acknowledged(rosas_complaint, actor=handler),
        actor=handler,
        remedies=[compensation()],
        actions=[roof_repair()],
    )
    remedy = complaint.remedies.get()
    complaint_services.remedy_complete(
        remedy=remedy, completed_on=today(), note="Paid by BACS.", files=[], actor=handler
    )
    travel(time_machine, today() + timedelta(days=30))
    sign_in(client, "rosa.bell@example.org")
    page = client.get(f"/portal/complaints/{complaint.reference}/").content.decode()
    table = page[page.index("data-portal-follow-ups") :]
    text = " ".join(re.sub(r"<[^>]+>", " ", table[: table.index("</table>")]).split())
    assert "We will pay you £150.00. Compensation for the time without a usable kitchen." in text
    assert "Done on 2 March 2026" in text
    assert (
        "Replace the cracked roof tiles above the kitchen. 23 March 2026 Late: we are chasing it"
        in text
    )


# --- one door out: sign-in links leave from the task worker (issue 12) ---------------------


def test_asking_for_a_link_does_the_same_for_known_and_unknown_addresses_and_sends_nothing(
    client, rosas_complaint, settings, django_capture_on_commit_callbacks
):
    """Same work in the request (so the same time), no email inside it: the lookup, the link
    and the email all happen in the task worker."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_tasks_db.models import DBTaskResult

    from putright.letters.models import Letter

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
        "database": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
    }
    statements = {}
    for email in ("rosa.bell@example.org", "stranger@example.org"):
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=True),
        ):
            response = client.post("/portal/", {"email": email})
        assert response.status_code == 200
        assert "Check your email" in response.content.decode()
        statements[email] = [q["sql"].split(" ")[0] for q in queries.captured_queries]
    assert statements["rosa.bell@example.org"] == statements["stranger@example.org"]
    assert mail.outbox == []
    assert not SignInLink.objects.exists()
    assert not Letter.objects.exists()
    jobs = DBTaskResult.objects.order_by("enqueued_at")
    assert [job.task_path for job in jobs] == ["putright.portal.tasks.send_sign_in_links"] * 2
    assert [job.args_kwargs["args"][0] for job in jobs] == [
        "rosa.bell@example.org",
        "stranger@example.org",
    ]


def test_the_sign_in_email_goes_through_the_outbox_and_the_link_is_not_kept_once_sent(
    client, rosas_complaint, django_capture_on_commit_callbacks
):
    from putright.letters.constants import MessageKind, OutboxStatus
    from putright.letters.models import Letter

    path = request_link(client, "rosa.bell@example.org", django_capture_on_commit_callbacks)
    letter = Letter.objects.get(kind=MessageKind.SIGN_IN)
    assert letter.delivery.status == OutboxStatus.SENT
    assert mail.outbox[-1].extra_headers["Message-ID"] == letter.message_id
    assert path not in letter.text
    assert "[link removed once sent]" in letter.text


def test_sign_in_link_requests_are_limited_per_address(client, settings, db):
    from putright.core.models import SecurityEvent
    from putright.portal.views import TOO_MANY_REQUESTS

    settings.PUTRIGHT_PORTAL_SIGNIN_PER_IP_PER_HOUR = 3
    for _ in range(3):
        ok = client.post("/portal/", {"email": "someone@example.org"}, REMOTE_ADDR="10.1.1.1")
        assert ok.status_code == 200

    limited = client.post("/portal/", {"email": "someone@example.org"}, REMOTE_ADDR="10.1.1.1")

    assert limited.status_code == 429
    assert TOO_MANY_REQUESTS in limited.content.decode()
    assert SecurityEvent.objects.filter(kind="portal.limited", ip="10.1.1.1").count() == 1
    other = client.post("/portal/", {"email": "someone@example.org"}, REMOTE_ADDR="10.2.2.2")
    assert other.status_code == 200


def test_the_portal_complaint_page_shows_dates_as_2_march_2026(
    client, responded_complaint, sign_in
):
    from putright.complaints.tests.pages import dates_not_govuk, visible_text

    sign_in(client, "rosa.bell@example.org")
    page = client.get(f"/portal/complaints/{responded_complaint.reference}/").content.decode()
    assert "2 March 2026" in visible_text(page)
    assert dates_not_govuk(page) == []
