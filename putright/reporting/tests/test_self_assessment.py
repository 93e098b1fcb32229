"""The self-assessment: one row per provision, measured evidence, contradictions, approval."""

from datetime import date

import pytest

from putright.core.errors import InvalidInput, RuleBroken
from putright.reporting import services
from putright.reporting.constants import Comply, Trigger
from putright.reporting.models import SelfAssessment
from putright.rules.profile import HOUSING_OMBUDSMAN_2024


def _row(assessment, provision):
    return assessment.rows.get(provision=provision)


def test_a_new_self_assessment_has_one_row_per_provision_in_the_forms_order(year_2025, officer):
    assessment = services.self_assessment_start(year=2025, actor=officer)
    provisions = list(assessment.rows.values_list("provision", flat=True))
    assert provisions == [p.number for p in HOUSING_OMBUDSMAN_2024.provisions]
    assert provisions[0] == "1.2"
    assert provisions[-1] == "9.8"
    assert (assessment.version, assessment.trigger) == (1, Trigger.ANNUAL)


def test_acknowledgement_within_five_working_days_is_measured_for_6_2(year_2025, officer):
    assessment = services.self_assessment_start(year=2025, actor=officer)
    row = _row(assessment, "6.2")
    # Stage 1 acknowledgements in 2025/26: A, B, C on the day; G on 10 Jun, a day late.
    # 3 of 4 = 75.0%.
    assert "75.0% (3 of 4)" in row.measured
    assert row.shortfall is True


def test_stage_two_by_a_different_person_is_measured_for_6_13(year_2025, officer):
    row = _row(services.self_assessment_start(year=2025, actor=officer), "6.13")
    # A's stage 2 was handled by Hannah, stage 1 by Hamid. PutRight refuses the same person, so
    # the measure cannot fail: it says so and names the control rather than showing "100%".
    assert "enforced by PutRight" in row.measured
    assert "Code 6.13" in row.measured
    assert "1 in 2025/26" in row.measured
    assert "100.0%" not in row.measured
    assert row.shortfall is False


def test_extensions_with_the_resident_told_in_time_are_measured_for_6_5(year_2025, officer):
    assessment = services.self_assessment_start(year=2025, actor=officer)
    # B's extension: told 13 Jun, before the 16 Jun due date. 1 of 1.
    assert "100.0% (1 of 1)" in _row(assessment, "6.5").measured
    assert "within the Code's cap" in _row(assessment, "6.4").measured
    assert "none in 2025/26" in _row(assessment, "6.16").measured


def test_remedies_completed_on_time_are_measured_for_7_3(year_2025, officer):
    row = _row(services.self_assessment_start(year=2025, actor=officer), "7.3")
    # Apologies due before 1 Aug: H 21 Apr (done 21 Apr), A 23 Jun (done 20 Jun), C 25 Jun,
    # B 4 Jul, A stage 2 22 Jul (none done). 2 of 5 = 40.0%.
    assert "40.0% (2 of 5)" in row.measured
    assert row.shortfall is True


def test_a_yes_the_data_contradicts_is_flagged(year_2025, officer):
    assessment = services.self_assessment_start(year=2025, actor=officer)
    row = services.self_assessment_row_update(
        row=_row(assessment, "6.2"),
        comply=Comply.YES,
        evidence="Policy 5.2",
        commentary="",
        actor=officer,
    )
    assert row.contradicted is True
    agreed = services.self_assessment_row_update(
        row=_row(assessment, "6.13"),
        comply=Comply.YES,
        evidence="Allocation rule",
        commentary="",
        actor=officer,
    )
    assert agreed.contradicted is False


def test_a_no_needs_the_action_and_the_date_to_comply(year_2025, officer):
    row = _row(services.self_assessment_start(year=2025, actor=officer), "6.2")
    with pytest.raises(InvalidInput) as refused:
        services.self_assessment_row_update(
            row=row, comply=Comply.NO, evidence="", commentary="", actor=officer
        )
    assert (refused.value.message, refused.value.field) == (services.ACTION_NEEDED, "action")
    row.refresh_from_db()
    assert row.comply == ""
    saved = services.self_assessment_row_update(
        row=row,
        comply=Comply.NO,
        evidence="",
        commentary="Late in June.",
        action="Daily acknowledgement check",
        action_due=date(2025, 9, 30),
        actor=officer,
    )
    assert (saved.comply, saved.action_due) == (Comply.NO, date(2025, 9, 30))


def test_the_next_version_carries_the_answers_over(year_2025, officer):
    first = services.self_assessment_start(year=2025, actor=officer)
    services.self_assessment_row_update(
        row=_row(first, "1.2"),
        comply=Comply.YES,
        evidence="Policy 3.1",
        commentary="Same words",
        actor=officer,
    )
    second = services.self_assessment_start(year=2025, actor=officer)
    after_ombudsman = services.self_assessment_start(
        year=2025, trigger=Trigger.OMBUDSMAN, actor=officer
    )
    assert second.version == 2
    assert after_ombudsman.version == 1
    assert _row(second, "1.2").evidence == "Policy 3.1"
    assert _row(after_ombudsman, "1.2").comply == Comply.YES


def _answer_all(assessment, actor):
    for row in assessment.rows.all():
        services.self_assessment_row_update(
            row=row, comply=Comply.YES, evidence="Policy", commentary="", actor=actor
        )


def test_the_governing_body_approves_only_a_complete_assessment(year_2025, officer, viewer):
    assessment = services.self_assessment_start(year=2025, actor=officer)
    with pytest.raises(RuleBroken) as refused:
        services.self_assessment_approve(
            assessment=assessment, approved_on=date(2025, 8, 1), minute="Minute 12", actor=viewer
        )
    assert refused.value.message == services.NOT_ALL_ANSWERED
    _answer_all(assessment, officer)
    approved = services.self_assessment_approve(
        assessment=assessment, approved_on=date(2025, 8, 1), minute="Minute 12", actor=viewer
    )
    assert (approved.approved_by, approved.approved_on) == (viewer, date(2025, 8, 1))


def test_only_the_governing_body_or_an_admin_records_approval(year_2025, officer):
    assessment = services.self_assessment_start(year=2025, actor=officer)
    _answer_all(assessment, officer)
    with pytest.raises(RuleBroken) as refused:
        services.self_assessment_approve(
            assessment=assessment, approved_on=date(2025, 8, 1), minute="M", actor=officer
        )
    assert refused.value.message == services.APPROVER_ROLE
    assert SelfAssessment.objects.get(pk=assessment.pk).approved_on is None


def test_an_approved_version_cannot_change(year_2025, officer, administrator):
    assessment = services.self_assessment_start(year=2025, actor=officer)
    _answer_all(assessment, officer)
    services.self_assessment_approve(
        assessment=assessment, approved_on=date(2025, 8, 1), minute="M", actor=administrator
    )
    with pytest.raises(RuleBroken) as refused:
        services.self_assessment_row_update(
            row=_row(assessment, "1.2"),
            comply=Comply.NO,
            evidence="",
            commentary="",
            action="x",
            action_due=date(2025, 9, 1),
            actor=officer,
        )
    assert refused.value.message == services.ALREADY_APPROVED
