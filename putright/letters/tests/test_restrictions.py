"""Contact restrictions shape how letters invite contact, and never stop a complaint (Code 5.14-5.15)."""

from datetime import timedelta

import pytest

from putright.complaints.services import complaint_escalate
from putright.complaints.tests.stories import acknowledged, received, responded
from putright.letters.constants import LetterKind, OutboxStatus
from putright.letters.models import Letter
from putright.letters.tests.conftest import pdf_text
from putright.people import services as people_services
from putright.people.models import ContactRestriction, Representative

pytestmark = pytest.mark.django_db

PHONE = "Phone: 0300 000 0000"
IN_WRITING = "Please contact us in writing, by letter to"


def restrict(resident, actor, starts_on, restricts, detail=""):
    return people_services.restriction_add(
        resident=resident,
        reason="Repeated abusive calls to the repairs team.",
        evidence="Call recordings 3, 5 and 9 February 2026.",
        restricts=restricts,
        restriction_detail=detail,
        starts_on=starts_on,
        review_on=starts_on + timedelta(days=90),
        proportionality="Written contact keeps the service open while protecting staff.",
        equality_act_considered="No disability disclosed; asked whether support is needed.",
        actor=actor,
    )


def letter_text(kind: str, stage: int = 1) -> str:
    return pdf_text(Letter.objects.get(kind=kind, stage=stage).pdf.path)


def test_a_written_only_restriction_takes_the_phone_number_out_of_the_letter(
    complaint, resident, handler, monday, django_capture_on_commit_callbacks
):
    restrict(resident, handler, monday, ContactRestriction.Restricts.WRITTEN_ONLY)
    with django_capture_on_commit_callbacks(execute=True):
        acknowledged(complaint, actor=handler)
    text = letter_text(LetterKind.ACKNOWLEDGEMENT)
    assert "We have logged your complaint at stage 1" in text
    assert PHONE not in text
    assert "0300 000 0000" not in text
    assert f"{IN_WRITING} 1 Example Street, Exampleton, EX1 1AA or by email to" in text


def test_without_a_restriction_the_letter_gives_the_phone_number(
    complaint, handler, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        acknowledged(complaint, actor=handler)
    text = letter_text(LetterKind.ACKNOWLEDGEMENT)
    assert PHONE in text
    assert IN_WRITING not in text


def test_a_single_point_of_contact_and_phone_times_are_given_in_the_letter(
    complaint, resident, handler, monday, django_capture_on_commit_callbacks
):
    restricts = ContactRestriction.Restricts
    restrict(resident, handler, monday, restricts.SINGLE_POINT_OF_CONTACT, "Sam Patel")
    restrict(resident, handler, monday, restricts.PHONE_TIMES, "Tuesdays 10am to 12 noon")
    with django_capture_on_commit_callbacks(execute=True):
        acknowledged(complaint, actor=handler)
    text = letter_text(LetterKind.ACKNOWLEDGEMENT)
    assert "Your point of contact with us is Sam Patel." in text
    assert f"{PHONE} (Tuesdays 10am to 12 noon)" in text


def test_a_lifted_or_not_yet_started_restriction_does_not_shape_the_letter(
    complaint, resident, handler, monday, django_capture_on_commit_callbacks
):
    written_only = ContactRestriction.Restricts.WRITTEN_ONLY
    lifted = restrict(resident, handler, monday - timedelta(days=30), written_only)
    people_services.restriction_review(restriction=lifted, keep=False, actor=handler)
    restrict(resident, handler, monday + timedelta(days=1), written_only)
    with django_capture_on_commit_callbacks(execute=True):
        acknowledged(complaint, actor=handler)
    text = letter_text(LetterKind.ACKNOWLEDGEMENT)
    assert PHONE in text
    assert IN_WRITING not in text


def test_a_representative_is_not_bound_by_the_residents_restriction(
    complaint, resident, handler, monday, django_capture_on_commit_callbacks
):
    restrict(resident, handler, monday, ContactRestriction.Restricts.WRITTEN_ONLY)
    Representative.objects.create(
        resident=resident,
        full_name="Sam Advocate",
        relationship=Representative.Relationship.ADVOCATE,
        email="sam.advocate@example.org",
        form_received=True,
        authorised_on=monday - timedelta(days=7),
    )
    with django_capture_on_commit_callbacks(execute=True):
        acknowledged(complaint, actor=handler)
    letter = Letter.objects.get(kind=LetterKind.ACKNOWLEDGEMENT)
    assert letter.delivery.to_address == "sam.advocate@example.org"
    assert PHONE in pdf_text(letter.pdf.path)


def test_a_restriction_never_stops_a_complaint_being_made_or_progressed(
    resident, handler, second_handler, monday, django_capture_on_commit_callbacks
):
    restricts = ContactRestriction.Restricts
    restrict(resident, handler, monday, restricts.WRITTEN_ONLY)
    restrict(resident, handler, monday, restricts.SINGLE_POINT_OF_CONTACT, "Sam Patel")
    with django_capture_on_commit_callbacks(execute=True):
        # By phone, the very channel restricted: it is still a complaint (Code 5.15, 1.2).
        complaint = received(resident=resident, actor=handler)
        complaint = responded(acknowledged(complaint, actor=handler), actor=handler)
        complaint_escalate(complaint=complaint, actor=None, actor_label="Rosa Bell")
        complaint = acknowledged(complaint, actor=second_handler, handler=second_handler)
        complaint = responded(complaint, actor=second_handler)
    assert complaint.status == "stage2_responded"
    sent = Letter.objects.filter(complaint=complaint).order_by("id")
    assert [(letter.kind, letter.stage) for letter in sent] == [
        (LetterKind.ACKNOWLEDGEMENT, 1),
        (LetterKind.RESPONSE, 1),
        (LetterKind.ACKNOWLEDGEMENT, 2),
        (LetterKind.RESPONSE, 2),
    ]
    assert {letter.delivery.status for letter in sent} == {OutboxStatus.SENT}
    for letter in sent:
        text = pdf_text(letter.pdf.path)
        assert IN_WRITING in text
        assert "Your point of contact with us is Sam Patel." in text
