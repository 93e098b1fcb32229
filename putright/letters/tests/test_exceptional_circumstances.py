"""Exceptional circumstances (Code 8.5), end to end: an officer declares, the senior lead
approves, the affected resident is written to through the letters' one door, the queue and
the case page flag the complaint, and its deadlines still run."""

from datetime import date

import pytest
from django.urls import reverse

from putright.complaints.factories import CategoryFactory
from putright.complaints.models import ExceptionalStatus
from putright.complaints.services import exceptional as services
from putright.complaints.tests.stories import received, reload
from putright.core.errors import AlreadyDone, InvalidInput, RuleBroken
from putright.letters.constants import LetterKind
from putright.letters.models import Letter
from putright.letters.tests.conftest import pdf_text
from putright.people.factories import ResidentFactory

REASON = "A fire at our repairs depot destroyed our records and the team's vans."


@pytest.fixture
def declared(open_complaint, officer):
    return services.exceptional_declare(
        reason=REASON,
        starts_on=date(2026, 3, 2),
        expected_end_on=date(2026, 4, 30),
        all_complaints=True,
        actor=officer,
    )


def approve(period, actor, capture):
    with capture(execute=True):
        return services.exceptional_approve(period=period, actor=actor)


def test_a_declared_period_needs_a_reason_dates_in_order_and_a_scope(db, officer):
    def declare(**overrides):
        data = {
            "reason": REASON,
            "starts_on": date(2026, 3, 2),
            "expected_end_on": date(2026, 4, 30),
            "all_complaints": True,
            "actor": officer,
        } | overrides
        with pytest.raises(InvalidInput) as refused:
            services.exceptional_declare(**data)
        return refused.value.message

    assert declare(reason="Fire.") == services.REASON_NEEDED
    assert declare(expected_end_on=date(2026, 3, 1)) == services.END_BEFORE_START
    assert declare(all_complaints=False) == services.SCOPE_NEEDED


def test_only_the_senior_lead_approves_and_not_their_own_declaration(
    declared, officer, handler, administrator, senior_lead, django_capture_on_commit_callbacks
):
    for who in (officer, handler):
        with pytest.raises(RuleBroken) as refused:
            services.exceptional_approve(period=declared, actor=who)
        assert refused.value.message == services.NOT_SENIOR_LEAD
    own = services.exceptional_declare(
        reason=REASON,
        starts_on=date(2026, 3, 2),
        expected_end_on=date(2026, 3, 9),
        all_complaints=True,
        actor=administrator,
    )
    with pytest.raises(RuleBroken) as refused:
        services.exceptional_approve(period=own, actor=administrator)
    assert refused.value.message == services.OWN_DECLARATION
    assert not declared.affected.exists()  # nothing happens before approval
    approve(declared, senior_lead, django_capture_on_commit_callbacks)
    with pytest.raises(AlreadyDone):
        services.exceptional_approve(period=declared, actor=senior_lead)


def test_approval_writes_to_the_affected_resident_once_about_the_delay_and_the_ombudsman(
    declared, open_complaint, senior_lead, django_capture_on_commit_callbacks
):
    approve(declared, senior_lead, django_capture_on_commit_callbacks)
    letter = Letter.objects.get(kind=LetterKind.EXCEPTIONAL_DELAY)
    assert letter.complaint == open_complaint
    text = pdf_text(letter.pdf.path)
    assert REASON in text
    assert "30 April 2026" in text
    assert "You can go to the Housing Ombudsman" in text
    assert "Housing Ombudsman Service" in text
    # The daily job runs again: the same complaint is never written to twice.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.exceptional_apply(period=declared) == 0
    assert Letter.objects.filter(kind=LetterKind.EXCEPTIONAL_DELAY).count() == 1


def test_a_complaint_received_during_the_period_keeps_its_deadlines_and_is_flagged(
    declared, open_complaint, senior_lead, handler, client, django_capture_on_commit_callbacks
):
    approve(declared, senior_lead, django_capture_on_commit_callbacks)
    later = received(resident=ResidentFactory(), actor=handler)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.exceptional_apply(period=declared) == 1
    later = reload(later)
    assert later.next_due is not None  # Code 6.2's clock is not suspended
    assert later.stages.get().ack_due == date(2026, 3, 9)
    client.force_login(handler)
    queue = client.get(reverse("complaints:queue") + "?scope=all").content.decode()
    assert queue.count("Exceptional circumstances") == 2
    case = client.get(reverse("complaints:case", args=[later.reference])).content.decode()
    assert "Affected by exceptional circumstances (Code 8.5)" in case
    assert "deadlines below still run" in case


def test_a_period_for_one_category_leaves_other_complaints_alone(
    open_complaint, officer, senior_lead, handler, django_capture_on_commit_callbacks
):
    damp = CategoryFactory(code="damp", name="Damp and mould")
    period = services.exceptional_declare(
        reason=REASON,
        starts_on=date(2026, 3, 2),
        expected_end_on=date(2026, 4, 30),
        categories=[damp],
        actor=officer,
    )
    approve(period, senior_lead, django_capture_on_commit_callbacks)
    assert not period.affected.exists()
    assert not Letter.objects.filter(kind=LetterKind.EXCEPTIONAL_DELAY).exists()


def test_the_return_to_compliance_is_tracked(
    declared, open_complaint, senior_lead, officer, handler, django_capture_on_commit_callbacks
):
    from putright.complaints.selectors import exceptional_periods
    from putright.complaints.tests.stories import responded

    approve(declared, senior_lead, django_capture_on_commit_callbacks)
    services.exceptional_end(period=declared, ended_on=date(2026, 3, 2), actor=officer)
    (progress,) = exceptional_periods()
    assert progress.period.status == ExceptionalStatus.ENDED
    assert (progress.affected, progress.still_open, progress.back_to_compliance) == (1, 1, False)
    responded(reload(open_complaint), actor=handler)
    (progress,) = exceptional_periods()
    assert (progress.still_open, progress.back_to_compliance) == (0, True)
