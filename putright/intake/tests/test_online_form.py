"""The public online complaint form: question pages, check answers, honeypot, rate limit."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from putright.complaints.models import Attachment, Complaint, Correspondence
from putright.intake.constants import FORM_RATE_LIMIT
from putright.intake.models import FormSubmission, IntakeItem
from putright.intake.services import items, online
from putright.people.models import Adjustment, Representative, Resident

pytestmark = pytest.mark.django_db

ANSWERS = {
    "about-you": {
        "full_name": "Amira Khan",
        "email": "amira.khan@example.org",
        "phone": "07700 900123",
        "address": "Flat 4, 10 Mill Lane, Exampleton EX1 2AB",
        "is_customer": "yes",
    },
    "someone-else": {"on_behalf": "no"},
    "what-happened": {
        "description": "The lift in our block has been broken for three weeks.",
        "started_day": "9",
        "started_month": "2",
        "started_year": "2026",
        "spoken_to": "The repairs line on 10 February.",
    },
    "put-right": {"outcome_wanted": "Fix the lift and tell us when."},
    "contact": {
        "contact_preference": "phone",
        "adjustments": ["large_print"],
        "adjustment_detail": "",
    },
}


def answer_all(client: Client, answers=ANSWERS) -> None:
    for step, data in answers.items():
        response = client.post(f"/complain/{step}/", data)
        assert response.status_code == 302, response.content.decode()[:2000]


def pdf(name="photo.pdf", size=None) -> SimpleUploadedFile:
    body = b"%PDF-1.4 a leaking ceiling" if size is None else b"%PDF" + b"0" * (size - 4)
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def test_the_start_page_explains_the_process_timescales_and_the_ombudsman(client, db):
    page = client.get("/complain/").content.decode()
    assert "within 5 working days" in page
    assert "within 10 working days" in page
    assert "within 20 working days" in page
    assert "Housing Ombudsman" in page
    assert "0300 111 3000" in page
    assert "You do not have to give a reason" in page


def test_a_message_sent_online_waits_in_the_inbox_and_the_receipt_says_it_is_being_looked_at(
    client, monday, django_capture_on_commit_callbacks
):
    answer_all(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/complain/check-your-answers/", {"files": [pdf()]})
    assert response.status_code == 302
    assert response["Location"] == "/complain/complaint-sent/"

    item = IntakeItem.objects.get()
    assert item.channel == "online_form"
    assert item.body.startswith("The lift")
    assert [a.original_name for a in item.attachments.all()] == ["photo.pdf"]
    # Not a complaint until a person decides; nothing applied to anyone's record.
    assert Complaint.objects.count() == 0
    assert Adjustment.objects.count() == 0
    assert item.stated_adjustments == ["large_print", "preferred_channel"]

    confirmation = client.get("/complain/complaint-sent/").content.decode()
    assert item.reference in confirmation
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["amira.khan@example.org"]
    assert item.reference in email.subject
    assert "looking at it" in email.body
    assert "logged your complaint" not in email.body


def sent_online(client, answers=ANSWERS) -> IntakeItem:
    answer_all(client, answers)
    assert client.post("/complain/check-your-answers/").status_code == 302
    return IntakeItem.objects.latest("id")


def test_a_handler_decides_it_is_a_complaint_received_the_day_it_was_sent(
    client, monday, handler, time_machine, django_capture_on_commit_callbacks
):
    item = sent_online(client)
    time_machine.shift(3 * 24 * 3600)  # decided on Thursday
    with django_capture_on_commit_callbacks(execute=True):
        complaint = items.item_decide_complaint(item=item, actor=handler)
    assert complaint.channel == "online_form"
    assert complaint.received_on == monday  # the Code's clock: when we got it
    assert str(complaint.issue_started_on) == "2026-02-09"
    assert complaint.outcome_wanted == "Fix the lift and tell us when."
    assert complaint.resident.full_name == "Amira Khan"
    original = Correspondence.objects.get(complaint=complaint, direction="in")
    assert "Who they have spoken to: The repairs line" in original.body
    item.refresh_from_db()
    assert (item.decision, item.decided_by, item.complaint) == ("complaint", handler, complaint)
    # Stated adjustments wait for staff to confirm them.
    assert Adjustment.objects.count() == 0
    # Only now is the sender told their complaint is logged, with its reference, and the
    # receipt is filed in the case record (Code 5.12).
    assert complaint.reference in mail.outbox[-1].subject
    filed = Correspondence.objects.get(complaint=complaint, direction="out")
    assert filed.subject == mail.outbox[-1].subject


def test_stated_adjustments_are_applied_only_when_staff_confirm_them(client, monday, handler):
    item = sent_online(client)
    items.item_decide_complaint(item=item, actor=handler, confirm_adjustments=True)
    kinds = set(Adjustment.objects.values_list("kind", flat=True))
    assert kinds == {"large_print", "preferred_channel"}


def test_a_form_from_a_residents_email_is_matched_for_staff_to_confirm_never_attached(
    client, monday, rosa, handler
):
    answers = {**ANSWERS, "about-you": {**ANSWERS["about-you"], "email": "ROSA.BELL@example.org"}}
    item = sent_online(client, answers)
    assert item.suggested_resident == rosa
    # Anyone can type Rosa's email: nothing lands on her record yet.
    assert not rosa.adjustments.exists()
    assert Complaint.objects.count() == 0
    # Unconfirmed, the complaint is the sender's own, on a new record.
    complaint = items.item_decide_complaint(item=item, actor=handler)
    assert complaint.resident != rosa
    assert not rosa.adjustments.exists()


def test_a_confirmed_match_files_the_complaint_for_the_resident(client, monday, rosa, handler):
    answers = {**ANSWERS, "about-you": {**ANSWERS["about-you"], "email": "rosa.bell@example.org"}}
    item = sent_online(client, answers)
    complaint = items.item_decide_complaint(item=item, actor=handler, confirm_match=True)
    assert complaint.resident == rosa
    assert Resident.objects.count() == 1
    # The match confirmed, the adjustments the form stated still wait for staff to confirm
    # them: Rosa's letters do not change on the word of whoever typed her email.
    assert not rosa.adjustments.exists()


def test_someone_complaining_for_another_person_is_recorded_as_an_unauthorised_representative(
    client, monday, handler
):
    answers = {
        **ANSWERS,
        "someone-else": {
            "on_behalf": "yes",
            "resident_name": "Joan Khan",
            "relationship": "relative",
        },
    }
    complaint = items.item_decide_complaint(item=sent_online(client, answers), actor=handler)
    assert complaint.resident.full_name == "Joan Khan"
    rep = Representative.objects.get()
    assert (rep.full_name, rep.email, rep.complaint) == (
        "Amira Khan",
        "amira.khan@example.org",
        complaint,
    )
    assert not rep.form_received  # staff ask for the authorisation form (policy 5.4)


def test_a_non_customer_can_complain_and_is_flagged(client, monday, handler):
    answers = {**ANSWERS, "about-you": {**ANSWERS["about-you"], "is_customer": "no"}}
    complaint = items.item_decide_complaint(item=sent_online(client, answers), actor=handler)
    assert complaint.resident.is_customer is False


@pytest.mark.parametrize(
    ("route", "value"),
    [("phone", "07700 900123"), ("address", "Flat 4, 10 Mill Lane, Exampleton EX1 2AB")],
)
def test_the_form_works_with_a_phone_number_or_a_postal_address_instead_of_an_email(
    client, monday, route, value
):
    about = {"full_name": "Amira Khan", "is_customer": "yes", route: value}
    item = sent_online(client, {**ANSWERS, "about-you": about})
    assert item.sender_email == ""
    assert getattr(item, f"sender_{route}") == value
    assert mail.outbox == []  # nowhere to email a receipt


def test_the_form_needs_at_least_one_way_to_reply(client, monday):
    about = {"full_name": "Amira Khan", "is_customer": "yes"}
    response = client.post("/complain/about-you/", about)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count(online.NO_CONTACT_ROUTE) == 2  # in the summary and by the email field
    assert 'href="#id_email"' in page


def test_check_your_answers_shows_every_answer_including_the_address(client, monday):
    answers = {
        **ANSWERS,
        "someone-else": {"on_behalf": "yes", "resident_name": "Joan Khan", "relationship": "mp"},
        "contact": {**ANSWERS["contact"], "adjustment_detail": "Size 18 font"},
    }
    answer_all(client, answers)
    page = client.get("/complain/check-your-answers/").content.decode()
    for shown in (
        "Amira Khan",
        "amira.khan@example.org",
        "07700 900123",
        "Flat 4, 10 Mill Lane, Exampleton EX1 2AB",
        "Joan Khan",
        "Member of Parliament",
        "The lift in our block",
        "9 February 2026",
        "The repairs line on 10 February.",
        "Fix the lift and tell us when.",
        "Phone",
        "Large print",
        "Size 18 font",
    ):
        assert shown in page, shown


@pytest.mark.parametrize(
    ("step", "data", "message"),
    [
        ("about-you", {**ANSWERS["about-you"], "full_name": ""}, "Enter your full name"),
        (
            "about-you",
            {**ANSWERS["about-you"], "email": "amira"},
            "Enter an email address in the correct format, like name@example.com",
        ),
        (
            "someone-else",
            {"on_behalf": "yes"},
            "Enter the full name of the person you are complaining for",
        ),
        ("what-happened", {"description": ""}, "Enter what has gone wrong"),
        (
            "what-happened",
            {"description": "x", "started_day": "31", "started_month": "2", "started_year": "2026"},
            "When it started must be a real date",
        ),
        (
            "what-happened",
            {"description": "x", "started_day": "1", "started_month": "1", "started_year": "2030"},
            "When it started must be today or in the past",
        ),
        (
            "what-happened",
            {"description": "x", "started_month": "1", "started_year": "2025"},
            "When it started must include a day, month and year",
        ),
        ("contact", {}, "Select how you would like us to contact you"),
    ],
)
def test_each_question_page_says_what_is_wrong_and_keeps_nothing(
    client, monday, step, data, message
):
    steps = list(ANSWERS)
    answer_all(client, {s: ANSWERS[s] for s in steps[: steps.index(step)]})
    response = client.post(f"/complain/{step}/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert page.count(message) == 2  # in the error summary and by the field
    assert "<title>Error:" in page


def test_jumping_ahead_returns_to_the_first_unanswered_question(client, db):
    response = client.get("/complain/contact/")
    assert response["Location"] == "/complain/about-you/"
    assert client.get("/complain/check-your-answers/")["Location"] == "/complain/about-you/"
    assert client.get("/complain/complaint-sent/")["Location"] == "/complain/"


def test_changing_an_answer_returns_to_check_your_answers(client, monday):
    answer_all(client)
    response = client.post(
        "/complain/put-right/?change=1", {"outcome_wanted": "An apology as well."}
    )
    assert response["Location"] == "/complain/check-your-answers/"
    assert "An apology as well." in client.get("/complain/check-your-answers/").content.decode()


def test_the_honeypot_stops_a_robot_and_nothing_is_written(
    client, monday, django_capture_on_commit_callbacks
):
    answer_all(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/complain/check-your-answers/", {"website_hp": "http://spam.example"}
        )
    assert response.status_code == 400
    assert online.SPAM_SUSPECTED in response.content.decode()
    assert Complaint.objects.count() == 0
    assert Resident.objects.count() == 0
    assert mail.outbox == []


def answers_about(description: str) -> dict:
    """The same person's answers, about something else (not the same complaint sent again)."""
    return {**ANSWERS, "what-happened": {**ANSWERS["what-happened"], "description": description}}


def test_the_rate_limit_stops_a_flood_from_one_address(client, monday):
    for n in range(FORM_RATE_LIMIT):
        answer_all(client, answers_about(f"Complaint number {n}."))
        assert client.post("/complain/check-your-answers/").status_code == 302
    answer_all(client, answers_about("One too many."))
    response = client.post("/complain/check-your-answers/")
    assert response.status_code == 429
    assert online.RATE_LIMITED in response.content.decode()
    assert IntakeItem.objects.count() == FORM_RATE_LIMIT
    # Another address is not affected.
    other = Client(REMOTE_ADDR="203.0.113.9")
    answer_all(other)
    assert other.post("/complain/check-your-answers/").status_code == 302


def test_the_rate_limit_window_passes(client, monday, time_machine):
    for _ in range(FORM_RATE_LIMIT):
        FormSubmission.objects.create(client_key=online.client_key("127.0.0.1"))
    assert online.rate_limited(online.client_key("127.0.0.1"))
    time_machine.shift(61 * 60)
    assert not online.rate_limited(online.client_key("127.0.0.1"))


def test_an_oversized_upload_is_refused_by_the_field_and_nothing_is_written(
    client, monday, settings
):
    settings.PUTRIGHT_MAX_ATTACHMENT_MB = 1
    answer_all(client)
    response = client.post("/complain/check-your-answers/", {"files": [pdf(size=1024 * 1024 + 1)]})
    assert response.status_code == 400
    page = response.content.decode()
    assert "The file must be smaller than 1 MB." in page
    assert 'href="#files"' in page
    assert Complaint.objects.count() == 0
    assert Attachment.objects.count() == 0
    # The answers are still there to try again.
    assert "Amira Khan" in page


def test_a_disguised_executable_is_refused(client, monday):
    answer_all(client)
    fake = SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00 not a pdf")
    response = client.post("/complain/check-your-answers/", {"files": [fake]})
    assert response.status_code == 400
    assert "The file must be a PDF, image" in response.content.decode()
    assert Complaint.objects.count() == 0


def test_too_many_files_are_refused(client, monday):
    answer_all(client)
    files = [pdf(f"p{i}.pdf") for i in range(online.MAX_FILES + 1)]
    response = client.post("/complain/check-your-answers/", {"files": files})
    assert response.status_code == 400
    assert "You can attach up to 5 files." in response.content.decode()
    assert Complaint.objects.count() == 0


def test_the_form_needs_no_login_and_keeps_csrf(monday):
    strict = Client(enforce_csrf_checks=True)
    assert strict.get("/complain/about-you/").status_code == 200
    assert strict.post("/complain/about-you/", ANSWERS["about-you"]).status_code == 403


def test_behind_the_proxy_the_limit_counts_the_address_the_proxy_saw(monday, settings):
    settings.PUTRIGHT_TRUSTED_PROXY_HOPS = 1
    for n in range(FORM_RATE_LIMIT):
        # The client rotates the part of the header it controls; the proxy's entry stays.
        spoofing = Client(HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 198.51.100.7")
        answer_all(spoofing, answers_about(f"Complaint number {n}."))
        assert spoofing.post("/complain/check-your-answers/").status_code == 302
    blocked = Client(HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.7")
    answer_all(blocked)
    assert blocked.post("/complain/check-your-answers/").status_code == 429
    neighbour = Client(HTTP_X_FORWARDED_FOR="198.51.100.8")
    answer_all(neighbour)
    assert neighbour.post("/complain/check-your-answers/").status_code == 302


# --- one door out: the receipt never holds up or breaks the form (issue 12) ----------------


def mail_server_at(settings, port: int) -> None:
    settings.MAILERS = {
        "default": {
            "BACKEND": "putright.letters.mail.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 3},
        }
    }


def test_with_the_mail_server_down_the_form_still_answers_and_the_message_is_kept_once(
    client, monday, settings, django_capture_on_commit_callbacks
):
    from putright.letters.constants import OutboxStatus
    from putright.letters.models import OutboxItem
    from putright.letters.tests.test_delivery import free_port

    mail_server_at(settings, free_port())  # nothing listens there
    answer_all(client)
    # Even when the receipt is tried straight after commit (tests run tasks inline), a
    # refused connection is the outbox's business: the resident sees the confirmation.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/complain/check-your-answers/")
    assert response.status_code == 302
    assert response["Location"] == "/complain/complaint-sent/"
    item = IntakeItem.objects.get()
    receipt = OutboxItem.objects.get(letter__key=f"receipt:intake:{item.pk}")
    assert receipt.status == OutboxStatus.RETRYING
    assert "Connection refused" in receipt.last_error or "111" in receipt.last_error


def test_a_slow_mail_server_never_holds_up_the_form_the_receipt_waits_in_the_queue(
    client, monday, settings, django_capture_on_commit_callbacks
):
    import socket
    import time

    from django_tasks_db.models import DBTaskResult

    from putright.letters.constants import OutboxStatus
    from putright.letters.models import OutboxItem

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
        "database": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
    }
    with socket.socket() as silent:  # takes the connection and never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        mail_server_at(settings, silent.getsockname()[1])
        answer_all(client)
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/complain/check-your-answers/")
        took = time.monotonic() - started
    assert response.status_code == 302
    assert took < 3  # the mail server's timeout: it was never waited for
    item = IntakeItem.objects.get()
    receipt = OutboxItem.objects.get(letter__key=f"receipt:intake:{item.pk}")
    assert (receipt.status, receipt.attempts) == (OutboxStatus.PENDING, 0)
    (job,) = DBTaskResult.objects.filter(task_path="putright.letters.tasks.deliver_letter")
    assert job.args_kwargs["args"] == [receipt.pk]
