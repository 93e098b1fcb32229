"""Letters go out as the complaint moves: each with its required content, kept in the record."""

import subprocess
from datetime import date

import pytest

from putright.complaints import services
from putright.complaints.models import Correspondence
from putright.complaints.services.updates import UPDATE_NEEDS_PROGRESS
from putright.complaints.tests.stories import (
    acknowledged,
    escalated,
    extended,
    responded,
    roof_repair,
)
from putright.core.errors import InvalidInput
from putright.letters.constants import DeliveryChannel, LetterKind, OutboxStatus
from putright.letters.models import Letter, OutboxItem
from putright.letters.recipients import recipients_for
from putright.letters.services.outbox import outbox_mark_posted
from putright.letters.tests.conftest import pdf_text
from putright.people.models import Adjustment, ContactChannel

pytestmark = pytest.mark.django_db


def only_letter(kind: str) -> Letter:
    return Letter.objects.get(kind=kind)


def test_acknowledging_a_complaint_emails_the_acknowledgement_with_its_definition(
    open_complaint, mailoutbox
):
    letter = only_letter(LetterKind.ACKNOWLEDGEMENT)
    text = pdf_text(letter.pdf.path)
    assert "We have logged your complaint at stage 1" in text
    assert "1. The leak in the kitchen ceiling reported on 5 January has not been repaired." in text
    assert "What we are responsible for The roof and the repair appointments." in text
    # Acknowledged Monday 2 March: the response is due 10 working days later (Code 6.3).
    assert "We will send you our full response by 16 March 2026" in text
    assert [m.to for m in mailoutbox] == [["rosa.bell@example.org"]]
    email = mailoutbox[0]
    assert email.subject == f"We have received your complaint {open_complaint.reference}"
    assert "What happens next" in email.body
    assert email.alternatives[0].mimetype == "text/html"
    assert email.attachments[0].mimetype == "application/pdf"


def test_every_sent_letter_is_kept_in_the_record_as_the_exact_pdf_and_message(open_complaint):
    letter = only_letter(LetterKind.ACKNOWLEDGEMENT)
    item = letter.delivery
    assert item.status == OutboxStatus.SENT
    kept = Correspondence.objects.get(complaint=open_complaint)
    assert item.correspondence == kept
    assert kept.direction == "out"
    assert kept.channel == "email"
    assert kept.subject == letter.subject
    assert kept.body == letter.text.strip()
    attachment = kept.attachments.get()
    assert attachment.content_type == "application/pdf"
    with attachment.file.open("rb") as kept_pdf, letter.pdf.open("rb") as letter_pdf:
        assert kept_pdf.read() == letter_pdf.read()
    codes = list(open_complaint.events.order_by("id").values_list("code", flat=True))
    assert codes[-3:] == ["stage.acknowledged", "letter.issued", "correspondence.sent"]


def test_an_extension_notice_gives_reason_new_date_updates_and_the_ombudsman(
    open_complaint, handler, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        extended(open_complaint, actor=handler, new_due=date(2026, 3, 23))
    text = pdf_text(only_letter(LetterKind.EXTENSION).pdf.path)
    assert "Why we need more time Waiting for the roofer's survey." in text
    assert "by 23 March 2026 instead of 16 March 2026" in text
    assert "at least every 5 working days" in text
    for detail in (
        "www.housing-ombudsman.org.uk/residents/make-a-complaint/",
        "0300 111 3000",
        "info@housing-ombudsman.org.uk",
        "Housing Ombudsman Service, PO Box 152, Liverpool L33 7WQ",
    ):
        assert detail in text


def test_a_refusal_gives_the_reasons_and_the_right_to_go_to_the_ombudsman(
    complaint, handler, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_exclude(
            complaint=complaint,
            ground="legal_proceedings",
            reasoning="A claim about these repairs was filed at the county court on 3 February.",
            discretion_considered=False,
            actor=handler,
        )
    text = pdf_text(only_letter(LetterKind.REFUSAL).pdf.path)
    assert "Reason: Legal proceedings have started." in text
    assert "filed at the county court on 3 February" in text
    assert "You have the right to ask the Housing Ombudsman to look at our decision" in text
    assert "0300 111 3000" in text


def test_a_payment_is_worded_as_what_we_will_pay_not_as_a_remedy_type(
    open_complaint, handler, django_capture_on_commit_callbacks
):
    from putright.complaints.tests.stories import compensation

    with django_capture_on_commit_callbacks(execute=True):
        responded(open_complaint, actor=handler, remedies=[compensation()])
    text = pdf_text(only_letter(LetterKind.RESPONSE).pdf.path)
    assert "We will pay you £150.00. Compensation for the time without a usable kitchen." in text
    assert "Financial remedy" not in text


def test_the_stage_one_response_answers_every_point_and_explains_stage_two(
    open_complaint, handler, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        responded(open_complaint, actor=handler, actions=[roof_repair()])
    text = pdf_text(only_letter(LetterKind.RESPONSE).pdf.path)
    assert "This is our stage 1 response to your complaint." in text
    assert "1. The leak in the kitchen ceiling" in text
    assert "2. Nobody called back" in text
    assert text.count("Upheld") == 2
    assert "Point 1 We did not do it. Point 2 We did not do it." in text
    # Plain words: what will happen and when, no internal labels such as "Apology:".
    assert "A written apology from the repairs manager. We will do this by 9 March 2026." in text
    assert "Apology:" not in text
    assert (
        "Replace the cracked roof tiles above the kitchen. Who: Roofing contractor. By 23 March"
        in text
    )
    assert "look at your complaint again at stage 2. You do not need to give a reason." in text
    assert "Housing Ombudsman" not in text.split("Yours sincerely")[0]


def test_the_final_response_gives_the_ombudsmans_contact_details(
    open_complaint, handler, second_handler, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = responded(open_complaint, actor=handler)
        services.remedy_complete(remedy=complaint.remedies.get(), actor=handler)
        complaint = escalated(complaint, actor=handler)
        complaint = acknowledged(complaint, actor=second_handler, handler=second_handler)
        responded(
            complaint,
            actor=second_handler,
            remedies=[],
            no_remedy_reason="The leak was repaired and the apology already given.",
        )
    letter = Letter.objects.get(kind=LetterKind.RESPONSE, stage=2)
    text = pdf_text(letter.pdf.path)
    assert "This is our stage 2 response to your complaint. It is our final response." in text
    assert "We are not offering a remedy. The leak was repaired" in text
    assert "There are no outstanding actions." in text
    assert "If you are still unhappy" in text
    assert "Housing Ombudsman Service, PO Box 152, Liverpool L33 7WQ" in text
    assert Letter.objects.filter(kind=LetterKind.ACKNOWLEDGEMENT, stage=2).exists()


def test_a_stage_2_response_lists_what_stage_1_promised_and_is_still_not_done(
    open_complaint, handler, second_handler, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = responded(open_complaint, actor=handler, actions=[roof_repair()])
        complaint = escalated(complaint, actor=handler)
        complaint = acknowledged(complaint, actor=second_handler, handler=second_handler)
        responded(
            complaint,
            actor=second_handler,
            remedies=[],
            no_remedy_reason="The stage 1 remedy stands.",
        )
    text = pdf_text(Letter.objects.get(kind=LetterKind.RESPONSE, stage=2).pdf.path)
    assert "There are no outstanding actions." not in text
    assert "Work we told you about before that is not finished yet:" in text
    assert (
        "Replace the cracked roof tiles above the kitchen. (from our stage 1 response) "
        "Who: Roofing contractor. By 23 March 2026." in text
    )
    assert "We are not offering a further remedy. The stage 1 remedy stands." in text
    assert "A written apology from the repairs manager. (from our stage 1 response)" in text


def test_completing_a_remedy_confirms_it_to_the_resident(
    open_complaint, handler, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = responded(open_complaint, actor=handler)
        services.remedy_complete(remedy=complaint.remedies.get(), actor=handler)
    text = pdf_text(only_letter(LetterKind.COMPLETION).pdf.path)
    assert "A written apology from the repairs manager." in text
    assert "This was completed on 2 March 2026." in text


def test_a_keeping_informed_update_says_what_happened_and_when_next(
    open_complaint, handler, django_capture_on_commit_callbacks
):
    # Extended on Monday 2 March with updates every 5 working days (Code 5.9): an update sent
    # today promises the next by Monday 9 March, and the letter says so.
    with django_capture_on_commit_callbacks(execute=True):
        complaint = extended(open_complaint, actor=handler, new_due=date(2026, 3, 30))
        services.stage_update_send(
            stage=complaint.stages.get(number=1),
            progress="The roofer has inspected the roof.",
            actor=handler,
        )
    letter = only_letter(LetterKind.UPDATE)
    text = pdf_text(letter.pdf.path)
    assert "The roofer has inspected the roof." in text
    assert "We will update you again by 9 March 2026." in text
    assert letter.delivery.status == OutboxStatus.SENT
    assert letter.source_event.code == "stage.update_sent"


def test_an_update_without_progress_is_refused_and_nothing_is_sent(open_complaint, handler):
    complaint = extended(open_complaint, actor=handler, new_due=date(2026, 3, 30))
    before = Letter.objects.count()
    with pytest.raises(InvalidInput) as e:
        services.stage_update_send(
            stage=complaint.stages.get(number=1), progress=" ", actor=handler
        )
    assert e.value.message == UPDATE_NEEDS_PROGRESS
    assert Letter.objects.count() == before


# --- adjustments ---------------------------------------------------------------------------


def word_heights(pdf_path: str, word: str = r"[^<]+") -> list[float]:
    html = subprocess.run(  # noqa: S603
        ["pdftotext", "-bbox", pdf_path, "-"],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    import re

    return [
        float(m.group(2)) - float(m.group(1))
        for m in re.finditer(
            r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">'
            + (word if word.startswith("[") else re.escape(word))
            + "</word>",
            html,
        )
    ]


def test_a_resident_with_a_large_print_adjustment_gets_16pt_letters(
    complaint, resident, handler, django_capture_on_commit_callbacks
):
    Adjustment.objects.create(resident=resident, kind=Adjustment.Kind.LARGE_PRINT)
    with django_capture_on_commit_callbacks(execute=True):
        acknowledged(complaint, actor=handler)
    letter = only_letter(LetterKind.ACKNOWLEDGEMENT)
    assert letter.large_print
    assert "font-size: 16pt" in letter.html
    # "Dear" is body text: its glyph box is at least 16pt tall (11pt letters measure ~12.6).
    assert min(word_heights(letter.pdf.path, "Dear")) >= 16
    # Every word on every page, footer and letterhead included, is large print.
    assert min(word_heights(letter.pdf.path)) >= 16


def test_standard_letters_use_11pt(open_complaint):
    letter = only_letter(LetterKind.ACKNOWLEDGEMENT)
    assert not letter.large_print
    assert max(word_heights(letter.pdf.path, "Dear")) < 14


def test_a_resident_who_prefers_post_gets_a_letter_in_the_print_queue(
    complaint, resident, handler, officer, mailoutbox, django_capture_on_commit_callbacks
):
    Adjustment.objects.create(
        resident=resident,
        kind=Adjustment.Kind.PREFERRED_CHANNEL,
        channel=ContactChannel.POST,
        detail="Letters by post only",
    )
    with django_capture_on_commit_callbacks(execute=True):
        acknowledged(complaint, actor=handler)
    item = OutboxItem.objects.get()
    assert item.channel == DeliveryChannel.POST
    assert item.status == OutboxStatus.TO_PRINT
    assert item.to_address == "14 Orchard Road, Exampleton, EX2 4RB"
    assert mailoutbox == []
    assert not Correspondence.objects.exists()

    outbox_mark_posted(item=item, actor=officer)
    item.refresh_from_db()
    assert item.status == OutboxStatus.SENT
    assert item.sent_by == officer
    kept = Correspondence.objects.get()
    assert kept.channel == "letter"
    assert kept.counterpart == "Rosa Bell"
    assert kept.attachments.get().content_type == "application/pdf"


def test_a_resident_without_email_is_written_to_by_post(resident, complaint):
    resident.email = ""
    resident.save()
    (recipient,) = recipients_for(complaint)
    assert recipient.channel == DeliveryChannel.POST
    assert recipient.role == "resident"


def test_an_inactive_adjustment_is_not_applied(resident, complaint):
    Adjustment.objects.create(resident=resident, kind=Adjustment.Kind.LARGE_PRINT, active=False)
    (recipient,) = recipients_for(complaint)
    assert not recipient.large_print


# --- the gate in the lifecycle ------------------------------------------------------------


def test_a_letter_that_fails_the_gate_is_not_sent_and_the_record_says_why(
    open_complaint, handler, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.PUTRIGHT_OMBUDSMAN_PHONE = ""
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        extended(open_complaint, actor=handler, new_due=date(2026, 3, 23))
    assert not Letter.objects.filter(kind=LetterKind.EXTENSION).exists()
    assert mailoutbox == []
    event = open_complaint.events.get(code="letter.not_produced")
    assert event.data["missing"] == [
        "(d) The Housing Ombudsman's contact details – the Ombudsman's phone missing (Code 6.5)"
    ]
    # The extension itself stands: the record is never undone by a letter.
    assert open_complaint.stages.get(number=1).extensions.count() == 1


def test_automatic_letters_can_be_paused_while_replaying_history(
    complaint, handler, settings, django_capture_on_commit_callbacks
):
    settings.PUTRIGHT_LETTERS_AUTOMATIC = False
    with django_capture_on_commit_callbacks(execute=True):
        acknowledged(complaint, actor=handler)
    assert not Letter.objects.exists()


def test_the_listener_only_queues_the_work_for_the_database_worker(
    complaint, handler, monkeypatch, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from putright.letters import tasks

    queued = tasks.produce_letters.using(backend="database")
    monkeypatch.setattr(tasks, "produce_letters", queued)
    with django_capture_on_commit_callbacks(execute=True):
        acknowledged(complaint, actor=handler)
    assert not Letter.objects.exists()
    (job,) = DBTaskResult.objects.all()
    assert job.task_path == "putright.letters.tasks.produce_letters"
    # What the worker then does:
    tasks.produce_letters.call(*job.args_kwargs["args"])
    assert Letter.objects.get().kind == LetterKind.ACKNOWLEDGEMENT


def test_a_stage_one_letter_built_late_shows_the_stage_one_definition(
    open_complaint, handler, second_handler, django_capture_on_commit_callbacks
):
    from putright.letters.context import response_context, response_input_from_record

    complaint = responded(open_complaint, actor=handler)
    complaint = escalated(complaint, actor=handler)
    acknowledged(
        complaint, actor=second_handler, handler=second_handler, points=["A new stage 2 point."]
    )
    stage_one = complaint.stages.get(number=1)
    context = response_context(stage_one, response_input_from_record(stage_one.response))
    assert [p["number"] for p in context["definition"]["points"]] == [1, 2]


def test_a_survey_follow_up_tells_the_resident_how_to_complain(
    resident, handler, mailoutbox, django_capture_on_commit_callbacks
):
    from putright.letters.services.letters import survey_follow_up_send

    with django_capture_on_commit_callbacks(execute=True):
        letter = survey_follow_up_send(resident=resident, actor=handler)
    text = pdf_text(letter.pdf.path)
    assert "How to make a complaint" in text
    assert "by email to complaints@thrive.example" in text
    assert mailoutbox[0].subject == "How to make a complaint"
    assert OutboxItem.objects.get(letter=letter).status == OutboxStatus.SENT


def test_a_portal_sign_in_link_goes_by_email_only(
    resident, mailoutbox, django_capture_on_commit_callbacks
):
    from putright.letters.services.letters import PORTAL_LINK_NEEDS_EMAIL, portal_link_send

    with django_capture_on_commit_callbacks(execute=True):
        portal_link_send(
            resident=resident, link="https://putright.example/portal/s/abc", expires_in_minutes=30
        )
    assert "https://putright.example/portal/s/abc" in mailoutbox[0].body
    resident.email = ""
    with pytest.raises(InvalidInput) as refused:
        portal_link_send(resident=resident, link="https://x.example/", expires_in_minutes=30)
    assert refused.value.message == PORTAL_LINK_NEEDS_EMAIL


def test_a_resident_with_no_address_at_all_gets_no_letter_and_the_record_says_why(
    complaint, resident, handler, django_capture_on_commit_callbacks
):
    resident.email = ""
    resident.home = None
    resident.save()
    with django_capture_on_commit_callbacks(execute=True):
        acknowledged(complaint, actor=handler)
    assert not Letter.objects.exists()
    event = complaint.events.get(code="letter.not_produced")
    assert event.data["reason"] == (
        "There is no email or postal address for Rosa Bell: add one so the letter can go."
    )
