"""People: representatives, adjustments, vulnerabilities and contact restrictions."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command

from putright.core.errors import InvalidInput
from putright.letters.recipients import recipients_for
from putright.people import services
from putright.people.models import (
    Adjustment,
    ContactRestriction,
    Representative,
    Vulnerability,
)
from putright.people.selectors import reviews_due

pytestmark = pytest.mark.django_db


def add_rep(rosa, handler, **overrides):
    values = {
        "resident": rosa,
        "full_name": "Cllr Priya Shah",
        "relationship": Representative.Relationship.COUNCILLOR,
        "email": "priya.shah@council.example",
        "actor": handler,
    }
    values.update(overrides)
    return services.representative_add(**values)


def refused(call, message):
    with pytest.raises(InvalidInput) as exc:
        call()
    assert exc.value.message == message
    return exc.value


# --- representatives -------------------------------------------------------------------------


def test_a_representative_is_recorded_unauthorised_until_the_form_arrives(monday, rosa, handler):
    rep = add_rep(rosa, handler)
    assert not rep.is_authorised_on(monday)
    services.representative_authorise(representative=rep, authorised_on=monday, actor=handler)
    rep.refresh_from_db()
    assert rep.form_received
    assert rep.is_authorised_on(monday)


def test_authorisation_needs_the_form_and_its_date(monday, rosa, handler):
    refused(
        lambda: add_rep(rosa, handler, authorised_on=monday),
        services.AUTHORISED_WITHOUT_FORM,
    )
    refused(
        lambda: add_rep(rosa, handler, form_received=True),
        services.AUTHORISED_DATE_REQUIRED,
    )
    assert Representative.objects.count() == 0


def test_authorisation_expiry_must_follow_it_and_ends_it(monday, rosa, handler):
    refused(
        lambda: add_rep(rosa, handler, form_received=True, authorised_on=monday, expires_on=monday),
        services.EXPIRY_BEFORE_AUTHORISATION,
    )
    rep = add_rep(
        rosa,
        handler,
        form_received=True,
        authorised_on=monday,
        expires_on=monday + timedelta(days=30),
    )
    assert rep.is_authorised_on(monday + timedelta(days=30))
    assert not rep.is_authorised_on(monday + timedelta(days=31))


def test_a_representative_needs_a_name_relationship_and_a_way_to_contact_them(
    rosa, handler, monday
):
    refused(lambda: add_rep(rosa, handler, full_name=" "), services.NAME_REQUIRED)
    refused(lambda: add_rep(rosa, handler, relationship="cousin"), services.UNKNOWN_RELATIONSHIP)
    refused(lambda: add_rep(rosa, handler, email=""), services.CONTACT_REQUIRED)


def test_a_one_complaint_authorisation_names_one_of_the_residents_complaints(
    rosa, tom, rosas_complaint, toms_complaint, handler
):
    refused(
        lambda: add_rep(rosa, handler, scope=Representative.Scope.ONE_COMPLAINT),
        services.ONE_COMPLAINT_NEEDS_COMPLAINT,
    )
    refused(
        lambda: add_rep(
            rosa, handler, scope=Representative.Scope.ONE_COMPLAINT, complaint=toms_complaint
        ),
        services.COMPLAINT_OF_ANOTHER_RESIDENT,
    )
    rep = add_rep(
        rosa, handler, scope=Representative.Scope.ONE_COMPLAINT, complaint=rosas_complaint
    )
    assert rep.covers(rosas_complaint.pk)
    assert not rep.covers(rosas_complaint.pk + 1)


def test_a_viewer_cannot_record_a_representative(rosa, viewer, monday):
    refused(lambda: add_rep(rosa, viewer), services.NOT_A_CASE_WORKER)


# --- who letters go to -----------------------------------------------------------------------


def test_letters_go_to_the_resident_when_nobody_is_authorised(
    rosas_complaint, handler, rosa, monday
):
    add_rep(rosa, handler)  # form not yet received
    assert [r.role for r in recipients_for(rosas_complaint)] == ["resident"]


def test_letters_go_to_an_authorised_representative_copied_to_the_resident_when_asked(
    rosas_complaint, rosas_daughter, monday
):
    recipients = recipients_for(rosas_complaint)
    assert [(r.name, r.role) for r in recipients] == [
        ("Ruth Bell", "representative"),
        ("Rosa Bell", "resident (copy)"),
    ]


def test_letters_return_to_the_resident_once_the_authorisation_expires(
    rosas_complaint, rosas_daughter, monday
):
    rosas_daughter.expires_on = monday - timedelta(days=1)
    rosas_daughter.save()
    assert [r.role for r in recipients_for(rosas_complaint)] == ["resident"]


def test_a_representative_who_wants_no_letters_leaves_them_with_the_resident(
    rosas_complaint, rosas_daughter, monday
):
    rosas_daughter.letters_to_representative = False
    rosas_daughter.save()
    assert [r.role for r in recipients_for(rosas_complaint)] == ["resident"]


# --- adjustments and vulnerabilities ---------------------------------------------------------


def test_an_adjustment_is_kept_only_with_consent_and_a_future_review_date(rosa, handler, monday):
    refused(
        lambda: services.adjustment_add(
            resident=rosa,
            kind="large_print",
            consent_given=False,
            review_on=date(2026, 9, 1),
            actor=handler,
        ),
        services.CONSENT_REQUIRED,
    )
    refused(
        lambda: services.adjustment_add(
            resident=rosa, kind="large_print", consent_given=True, actor=handler
        ),
        services.REVIEW_DATE_REQUIRED,
    )
    refused(
        lambda: services.adjustment_add(
            resident=rosa, kind="large_print", consent_given=True, review_on=monday, actor=handler
        ),
        services.REVIEW_IN_PAST,
    )
    refused(
        lambda: services.adjustment_add(
            resident=rosa, kind="tea", consent_given=True, review_on=date(2026, 9, 1), actor=handler
        ),
        services.UNKNOWN_ADJUSTMENT,
    )
    assert Adjustment.objects.count() == 0
    item = services.adjustment_add(
        resident=rosa,
        kind="large_print",
        detail="18pt",
        consent_given=True,
        review_on=date(2026, 9, 1),
        actor=handler,
    )
    assert str(item) == "Large print: 18pt"


def test_a_vulnerability_review_keeps_it_with_a_new_date_or_ends_it(rosa, handler, monday):
    v = services.vulnerability_add(
        resident=rosa,
        description="Recent bereavement",
        consent_given=True,
        review_on=date(2026, 4, 1),
        actor=handler,
    )
    services.support_review(
        item=v, still_needed=True, next_review_on=date(2026, 10, 1), actor=handler
    )
    assert Vulnerability.objects.get().review_on == date(2026, 10, 1)
    refused(
        lambda: services.support_review(item=v, still_needed=True, actor=handler),
        services.REVIEW_DATE_REQUIRED,
    )
    services.support_review(item=v, still_needed=False, actor=handler)
    assert not Vulnerability.objects.get().active


# --- contact restrictions --------------------------------------------------------------------

RESTRICTION = {
    "reason": "Repeated abusive calls to the repairs team.",
    "evidence": "Call recordings 3, 5 and 9 February 2026.",
    "restricts": ContactRestriction.Restricts.SINGLE_POINT_OF_CONTACT,
    "proportionality": "A single contact keeps the service open while protecting staff.",
    "equality_act_considered": "No disability disclosed; asked whether support is needed.",
}


def restrict(rosa, handler, monday, **overrides):
    values = {
        **RESTRICTION,
        "resident": rosa,
        "starts_on": monday,
        "review_on": monday + timedelta(days=90),
        "actor": handler,
    }
    values.update(overrides)
    return services.restriction_add(**values)


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("reason", services.RESTRICTION_REASON),
        ("evidence", services.RESTRICTION_EVIDENCE),
        ("proportionality", services.RESTRICTION_PROPORTIONALITY),
        ("equality_act_considered", services.RESTRICTION_EQUALITY),
    ],
)
def test_a_restriction_must_record_its_reason_evidence_proportionality_and_equality_act(
    rosa, handler, monday, field, message
):
    error = refused(lambda: restrict(rosa, handler, monday, **{field: "  "}), message)
    assert error.field == field
    assert ContactRestriction.objects.count() == 0


def test_a_restriction_must_be_reviewed_after_it_starts(rosa, handler, monday):
    refused(lambda: restrict(rosa, handler, monday, review_on=monday), services.REVIEW_BEFORE_START)
    refused(
        lambda: restrict(rosa, handler, monday, restricts="silence"), services.UNKNOWN_RESTRICTION
    )


def test_a_restriction_review_renews_or_lifts_it(rosa, handler, monday):
    x = restrict(rosa, handler, monday)
    services.restriction_review(
        restriction=x, keep=True, next_review_on=date(2026, 9, 1), actor=handler
    )
    x.refresh_from_db()
    assert (x.review_on, x.last_reviewed_on, x.active) == (date(2026, 9, 1), monday, True)
    services.restriction_review(restriction=x, keep=False, actor=handler)
    x.refresh_from_db()
    assert not x.active
    refused(
        lambda: services.restriction_review(restriction=x, keep=False, actor=handler),
        services.ALREADY_ENDED,
    )


# --- reminders -------------------------------------------------------------------------------


def test_reviews_due_within_a_fortnight_are_listed_and_emailed(
    rosa, handler, monday, rosas_daughter, django_capture_on_commit_callbacks
):
    services.adjustment_add(
        resident=rosa,
        kind="large_print",
        consent_given=True,
        review_on=monday + timedelta(days=10),
        actor=handler,
    )
    services.adjustment_add(
        resident=rosa,
        kind="easy_read",
        consent_given=True,
        review_on=monday + timedelta(days=60),
        actor=handler,
    )
    restrict(rosa, handler, monday, review_on=monday + timedelta(days=3))
    rosas_daughter.expires_on = monday + timedelta(days=5)
    rosas_daughter.save()

    due = reviews_due(on=monday)
    assert [a.kind for a in due.adjustments] == ["large_print"]
    assert len(due.restrictions) == 1
    assert len(due.representatives_expiring) == 1
    assert due.count == 3

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_review_reminders")
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Large print" in body
    assert "Easy read" not in body
    assert "Ruth Bell" in body
    # Through the outbox (retried, Notify when configured), and once a day at most.
    from putright.letters.models import Letter

    reminder = Letter.objects.get(kind="staff_reminder")
    assert reminder.delivery.status == "sent"
    assert mail.outbox[0].extra_headers["Message-ID"] == reminder.message_id
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_review_reminders")
    assert len(mail.outbox) == 1


def test_no_reminder_is_sent_when_nothing_is_due(db, monday, capsys):
    call_command("send_review_reminders")
    assert mail.outbox == []


def test_a_resident_is_recorded_with_a_name_and_a_tidy_email(handler):
    from putright.people.services import RESIDENT_NEEDS_NAME, resident_add

    with pytest.raises(InvalidInput, match=RESIDENT_NEEDS_NAME):
        resident_add(full_name="  ", actor=handler)
    resident = resident_add(full_name=" Rosa Bell ", email=" Rosa@Example.org ", actor=handler)
    assert (resident.full_name, resident.email) == ("Rosa Bell", "rosa@example.org")


def test_a_new_resident_is_indexed_without_looking_for_complaints(handler):
    """Nobody's complaints can be indexed by a resident just added (the complaints received
    for them index themselves), so adding one writes their search row and nothing else."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from putright.people.models import ResidentSearch
    from putright.people.services import resident_add

    with CaptureQueriesContext(connection) as queries:
        resident = resident_add(full_name="Rosa Bell", email="rosa@example.org", actor=handler)
    assert ResidentSearch.objects.get(resident=resident).email == "rosa@example.org"
    assert not [q["sql"] for q in queries if "complaints_complaint" in q["sql"]]
