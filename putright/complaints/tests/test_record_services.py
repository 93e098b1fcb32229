"""Closing, withdrawing, the Ombudsman, notes, correspondence, documents and follow-ups."""

from datetime import date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from putright.complaints import services
from putright.complaints.constants import Channel, Direction, ReferralOutcome
from putright.complaints.models import Attachment, CaseEvent, OutstandingAction, Remedy
from putright.complaints.services.record import (
    ALREADY_COMPLETE,
    CLOSE_BEFORE_RESPONSE,
    CLOSE_NEEDS_REASON,
    COMPLETION_BEFORE_RESPONSE,
    CORRESPONDENCE_EMPTY,
    COUNTERPART_REQUIRED,
    FILE_EMPTY,
    FILE_TOO_LARGE,
    FILE_TYPE_NOT_ALLOWED,
    NOTE_EMPTY,
    OUTCOME_ALREADY_RECORDED,
    OUTCOME_BEFORE_REFERRAL,
    UNKNOWN_DIRECTION,
    UNKNOWN_OUTCOME,
    WITHDRAW_NEEDS_REASON,
    WITHDRAWN_BEFORE_RECEIPT,
)
from putright.complaints.tests.stories import (
    LONDON,
    MONDAY,
    apology,
    assert_refused,
    last_event,
    reload,
    responded,
    roof_repair,
    travel,
)
from putright.core.errors import InvalidInput, RuleBroken, TransitionRefused
from putright.core.validation import DATE_IN_FUTURE
from putright.rules.workflow import Action, State, TransitionNotAllowed

pytestmark = pytest.mark.usefixtures("monday")

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"0" * 64


def png(name="ceiling.png", content=PNG):
    return SimpleUploadedFile(name, content, content_type="image/png")


def answered(complaint, handler, **overrides):
    """Rosa's complaint answered at stage 1 with an apology due in a week and a roof repair."""
    overrides.setdefault("remedies", [apology(due_on=date(2026, 3, 9))])
    overrides.setdefault("actions", [roof_repair(owner=handler, due_on=date(2026, 3, 23))])
    return responded(complaint, actor=handler, **overrides)


# --- close and withdraw --------------------------------------------------------------------


def test_a_complaint_is_closed_after_its_response(open_complaint, handler):
    complaint = answered(open_complaint, handler)

    services.complaint_close(complaint=complaint, reason="Response accepted.", actor=handler)

    complaint = reload(complaint)
    assert complaint.status == State.CLOSED
    assert complaint.closed_on == MONDAY
    assert complaint.next_due is None
    event = last_event(complaint)
    assert event.code == "complaint.closed"
    assert event.data == {"reason": "Response accepted.", "open_follow_ups": 2}


def test_a_complaint_cannot_be_closed_before_it_is_answered(open_complaint, handler):
    assert_refused(
        lambda: services.complaint_close(complaint=open_complaint, reason="Done.", actor=handler),
        TransitionNotAllowed(State.STAGE1_OPEN, Action.CLOSE).message,
        complaint=open_complaint,
        error=TransitionRefused,
    )


def test_closing_needs_a_reason(open_complaint, handler):
    complaint = answered(open_complaint, handler)

    assert_refused(
        lambda: services.complaint_close(complaint=complaint, reason=" ", actor=handler),
        CLOSE_NEEDS_REASON,
        complaint=complaint,
        error=InvalidInput,
    )


def test_a_complaint_cannot_be_closed_before_the_day_it_was_answered(open_complaint, handler):
    complaint = answered(open_complaint, handler)

    assert_refused(
        lambda: services.complaint_close(
            complaint=complaint, reason="Done.", actor=handler, closed_on=date(2026, 2, 27)
        ),
        CLOSE_BEFORE_RESPONSE,
        complaint=complaint,
        error=InvalidInput,
    )


def test_a_resident_can_withdraw_an_open_complaint(open_complaint, handler):
    services.complaint_withdraw(
        complaint=open_complaint, reason="Rosa phoned: the leak is fixed.", actor=handler
    )

    complaint = reload(open_complaint)
    assert complaint.status == State.WITHDRAWN
    assert complaint.closed_on == MONDAY
    assert complaint.next_due is None
    assert last_event(complaint).data == {"reason": "Rosa phoned: the leak is fixed."}


def test_a_complaint_cannot_be_withdrawn_before_it_was_received(open_complaint, handler):
    assert_refused(
        lambda: services.complaint_withdraw(
            complaint=open_complaint,
            reason="Rosa phoned.",
            actor=handler,
            withdrawn_on=date(2026, 2, 27),
        ),
        WITHDRAWN_BEFORE_RECEIPT,
        complaint=open_complaint,
        error=InvalidInput,
    )


def test_withdrawing_records_what_the_resident_said(open_complaint, handler):
    assert_refused(
        lambda: services.complaint_withdraw(complaint=open_complaint, reason="", actor=handler),
        WITHDRAW_NEEDS_REASON,
        complaint=open_complaint,
        error=InvalidInput,
    )


def test_an_answered_complaint_cannot_be_withdrawn(open_complaint, handler):
    complaint = answered(open_complaint, handler)

    assert_refused(
        lambda: services.complaint_withdraw(complaint=complaint, reason="Bye.", actor=handler),
        TransitionNotAllowed(State.STAGE1_RESPONDED, Action.WITHDRAW).message,
        complaint=complaint,
        error=TransitionRefused,
    )


# --- the Ombudsman -------------------------------------------------------------------------


def test_a_referral_and_the_ombudsmans_finding_are_recorded(open_complaint, handler, officer):
    complaint = answered(open_complaint, handler)
    referral = services.ombudsman_referral_record(
        complaint=complaint, referred_on=MONDAY, actor=officer, ombudsman_reference="202612345"
    )
    assert referral.outcome == ReferralOutcome.PENDING

    services.ombudsman_outcome_record(
        referral=referral,
        outcome=ReferralOutcome.SERVICE_FAILURE,
        outcome_on=MONDAY,
        actor=officer,
        notes="Order: pay £100.",
    )

    referral.refresh_from_db()
    assert referral.outcome == ReferralOutcome.SERVICE_FAILURE
    assert referral.outcome_on == MONDAY
    assert referral.notes == "Order: pay £100."
    assert [e.code for e in complaint.events.order_by("id")][-2:] == [
        "ombudsman.referred",
        "ombudsman.outcome",
    ]


def test_the_ombudsmans_outcome_is_recorded_once(open_complaint, handler, officer):
    complaint = answered(open_complaint, handler)
    referral = services.ombudsman_referral_record(
        complaint=complaint, referred_on=MONDAY, actor=officer
    )
    services.ombudsman_outcome_record(
        referral=referral, outcome=ReferralOutcome.MEDIATION, outcome_on=MONDAY, actor=officer
    )

    with pytest.raises(RuleBroken, match=OUTCOME_ALREADY_RECORDED):
        services.ombudsman_outcome_record(
            referral=referral,
            outcome=ReferralOutcome.MALADMINISTRATION,
            outcome_on=MONDAY,
            actor=officer,
        )
    referral.refresh_from_db()
    assert referral.outcome == ReferralOutcome.MEDIATION


def test_a_referral_cannot_be_dated_in_the_future(open_complaint, officer):
    assert_refused(
        lambda: services.ombudsman_referral_record(
            complaint=open_complaint, referred_on=date(2026, 3, 3), actor=officer
        ),
        DATE_IN_FUTURE,
        complaint=open_complaint,
        error=InvalidInput,
    )


def test_the_ombudsmans_outcome_cannot_be_dated_before_the_referral(open_complaint, officer):
    referral = services.ombudsman_referral_record(
        complaint=open_complaint, referred_on=MONDAY, actor=officer
    )

    assert_refused(
        lambda: services.ombudsman_outcome_record(
            referral=referral,
            outcome=ReferralOutcome.MALADMINISTRATION,
            outcome_on=date(2026, 2, 27),
            actor=officer,
        ),
        OUTCOME_BEFORE_REFERRAL,
        complaint=open_complaint,
        error=InvalidInput,
    )
    referral.refresh_from_db()
    assert referral.outcome == ReferralOutcome.PENDING


@pytest.mark.parametrize("outcome", [ReferralOutcome.PENDING, "guilty"])
def test_the_ombudsmans_outcome_is_a_finding_from_the_list(open_complaint, officer, outcome):
    referral = services.ombudsman_referral_record(
        complaint=open_complaint, referred_on=MONDAY, actor=officer
    )

    assert_refused(
        lambda: services.ombudsman_outcome_record(
            referral=referral, outcome=outcome, outcome_on=MONDAY, actor=officer
        ),
        UNKNOWN_OUTCOME,
        complaint=open_complaint,
        error=InvalidInput,
    )


# --- notes and corrections -----------------------------------------------------------------


def test_a_note_is_added_to_the_record(open_complaint, handler):
    event = services.note_add(
        complaint=open_complaint,
        text="Rosa prefers calls after 4pm.\nShe works days.",
        actor=handler,
    )

    assert event.code == "note.added"
    assert event.summary == "Rosa prefers calls after 4pm."
    assert event.data == {"text": "Rosa prefers calls after 4pm.\nShe works days."}
    assert event.actor == handler


def test_an_empty_note_is_refused(open_complaint, handler):
    assert_refused(
        lambda: services.note_add(complaint=open_complaint, text="  ", actor=handler),
        NOTE_EMPTY,
        complaint=open_complaint,
        error=InvalidInput,
    )


def test_a_correction_is_a_new_entry_and_the_original_stays(open_complaint, handler):
    original = services.note_add(
        complaint=open_complaint, text="Visit booked 3 March.", actor=handler
    )

    correction = services.record_correct(
        event=original, text="Visit booked 4 March, not 3 March.", actor=handler
    )

    original.refresh_from_db()
    assert original.data == {"text": "Visit booked 3 March."}
    assert correction.corrects == original
    assert correction.code == "record.corrected"
    assert list(original.corrections.all()) == [correction]


def test_a_correction_needs_text(open_complaint, handler):
    original = services.note_add(complaint=open_complaint, text="Visit booked.", actor=handler)

    assert_refused(
        lambda: services.record_correct(event=original, text="", actor=handler),
        NOTE_EMPTY,
        complaint=open_complaint,
        error=InvalidInput,
    )


# --- correspondence and documents ----------------------------------------------------------


def test_correspondence_is_kept_with_its_attachments(open_complaint, handler, settings):
    letter = SimpleUploadedFile("survey.pdf", PDF, content_type="application/pdf")

    item = services.correspondence_add(
        complaint=open_complaint,
        direction=Direction.INCOMING,
        channel=Channel.EMAIL,
        counterpart="Rosa Bell",
        subject="Photos of the ceiling",
        actor=handler,
        files=[png(), letter],
    )

    attachments = {a.original_name: a for a in item.attachments.all()}
    assert set(attachments) == {"ceiling.png", "survey.pdf"}
    assert attachments["ceiling.png"].content_type == "image/png"
    assert attachments["survey.pdf"].content_type == "application/pdf"
    assert attachments["survey.pdf"].size == len(PDF)
    with attachments["ceiling.png"].file.open("rb") as stored:
        assert stored.read() == PNG
    event = last_event(open_complaint)
    assert event.code == "correspondence.received"
    assert sorted(event.data["attachments"]) == ["ceiling.png", "survey.pdf"]


def test_documents_can_be_added_without_correspondence(open_complaint, handler):
    stored = services.attachment_add(
        complaint=open_complaint, files=[png()], actor=handler, description="Surveyor's photo"
    )

    assert [a.correspondence for a in stored] == [None]
    assert last_event(open_complaint).code == "document.added"


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("invoice.exe", b"MZ\x90\x00" * 10), FILE_TYPE_NOT_ALLOWED),
        (SimpleUploadedFile("letter.pdf", b"This is not a PDF at all"), FILE_TYPE_NOT_ALLOWED),
        (SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 an executable"), FILE_TYPE_NOT_ALLOWED),
        (SimpleUploadedFile("notes.txt", b"MZ\x90\x00 an executable"), FILE_TYPE_NOT_ALLOWED),
        (SimpleUploadedFile("empty.png", b""), FILE_EMPTY),
    ],
    ids=["exe", "fake-pdf", "fake-jpeg", "exe-as-text", "empty"],
)
def test_a_bad_file_among_good_ones_stores_nothing(open_complaint, handler, upload, message):
    assert_refused(
        lambda: services.correspondence_add(
            complaint=open_complaint,
            direction=Direction.INCOMING,
            channel=Channel.EMAIL,
            counterpart="Rosa Bell",
            subject="Photos",
            actor=handler,
            files=[png(), upload],
        ),
        message,
        complaint=open_complaint,
        error=InvalidInput,
    )


def test_a_file_over_the_size_limit_is_refused(open_complaint, handler, settings):
    settings.PUTRIGHT_MAX_ATTACHMENT_MB = 1
    too_big = png("big.png", PNG + b"\x00" * (1024 * 1024))

    assert_refused(
        lambda: services.attachment_add(
            complaint=open_complaint, files=[png(), too_big], actor=handler
        ),
        FILE_TOO_LARGE.format(mb=1),
        complaint=open_complaint,
        error=InvalidInput,
    )


def test_nothing_reaches_the_disk_when_an_upload_is_refused(open_complaint, handler, settings):
    with pytest.raises(InvalidInput):
        services.attachment_add(
            complaint=open_complaint,
            files=[png(), SimpleUploadedFile("x.pdf", b"nope")],
            actor=handler,
        )

    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"direction": "sideways"}, UNKNOWN_DIRECTION),
        ({"counterpart": " "}, COUNTERPART_REQUIRED),
        ({"subject": "", "body": ""}, CORRESPONDENCE_EMPTY),
        ({"occurred_at": datetime(2026, 3, 2, 11, tzinfo=LONDON)}, DATE_IN_FUTURE),
    ],
)
def test_correspondence_needs_a_direction_a_counterpart_and_something_in_it(
    open_complaint, handler, changes, message
):
    values = {
        "complaint": open_complaint,
        "direction": Direction.OUTGOING,
        "channel": Channel.LETTER,
        "counterpart": "Rosa Bell",
        "subject": "Acknowledgement",
        "actor": handler,
    }
    values.update(changes)

    assert_refused(
        lambda: services.correspondence_add(**values),
        message,
        complaint=open_complaint,
        error=InvalidInput,
    )


# --- remedies and outstanding actions ------------------------------------------------------


def test_a_remedy_completed_by_its_date_is_on_time(open_complaint, handler):
    answered(open_complaint, handler)
    remedy = Remedy.objects.get()

    services.remedy_complete(remedy=remedy, actor=handler, note="Letter posted.")

    remedy.refresh_from_db()
    assert remedy.completed_on == MONDAY
    assert remedy.completed_by == handler
    event = last_event(open_complaint)
    assert event.code == "remedy.completed"
    assert event.data["on_time"] is True


def test_a_remedy_completed_after_its_date_is_late(open_complaint, handler, time_machine):
    answered(open_complaint, handler)
    travel(time_machine, date(2026, 3, 10))

    services.remedy_complete(remedy=Remedy.objects.get(), actor=handler)

    assert last_event(open_complaint).data["on_time"] is False


def test_an_action_completed_after_its_date_is_late(open_complaint, handler, time_machine):
    answered(open_complaint, handler)
    travel(time_machine, date(2026, 3, 24))

    services.action_complete(action=OutstandingAction.objects.get(), actor=handler)

    event = last_event(open_complaint)
    assert event.code == "action.completed"
    assert event.data["on_time"] is False


def test_an_action_completed_on_its_date_is_on_time(open_complaint, handler, time_machine):
    answered(open_complaint, handler)
    travel(time_machine, date(2026, 3, 23))

    services.action_complete(action=OutstandingAction.objects.get(), actor=handler)

    assert OutstandingAction.objects.get().completed_on == date(2026, 3, 23)
    assert last_event(open_complaint).data["on_time"] is True


def test_a_remedy_cannot_be_completed_twice(open_complaint, handler):
    answered(open_complaint, handler)
    services.remedy_complete(remedy=Remedy.objects.get(), actor=handler)

    assert_refused(
        lambda: services.remedy_complete(remedy=Remedy.objects.get(), actor=handler),
        ALREADY_COMPLETE,
        complaint=open_complaint,
        error=RuleBroken,
    )


def test_an_action_cannot_be_completed_twice(open_complaint, handler):
    answered(open_complaint, handler)
    services.action_complete(action=OutstandingAction.objects.get(), actor=handler)

    assert_refused(
        lambda: services.action_complete(action=OutstandingAction.objects.get(), actor=handler),
        ALREADY_COMPLETE,
        complaint=open_complaint,
        error=RuleBroken,
    )


def test_completion_cannot_be_dated_before_the_response(open_complaint, handler):
    answered(open_complaint, handler)
    before = MONDAY - timedelta(days=1)

    assert_refused(
        lambda: services.remedy_complete(
            remedy=Remedy.objects.get(), actor=handler, completed_on=before
        ),
        COMPLETION_BEFORE_RESPONSE,
        complaint=open_complaint,
        error=InvalidInput,
    )
    assert_refused(
        lambda: services.action_complete(
            action=OutstandingAction.objects.get(), actor=handler, completed_on=before
        ),
        COMPLETION_BEFORE_RESPONSE,
        complaint=open_complaint,
        error=InvalidInput,
    )
    assert Remedy.objects.get().completed_on is None
    assert CaseEvent.objects.filter(code__endswith=".completed").count() == 0
    assert Attachment.objects.count() == 0
