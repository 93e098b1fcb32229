"""TSM CH01 and CH02 on a hand-built year: every expected value worked out in the comments."""

from datetime import date

from putright.reporting import reference
from putright.reporting.figures import ch01, ch02, reporting_year
from putright.reporting.tests.conftest import REPORT_DAY

HOMES = {"lcra": 2000, "lcho": 500}


def _figures(year_2025, homes=HOMES):
    facts = reference.stage_facts(reporting_year(2025), on=REPORT_DAY, stored=True)
    return {f.key: f for f in ch01(facts, 2025, homes) + ch02(facts, 2025)}


def test_ch01_counts_stage_one_complaints_received_in_the_year_per_thousand_homes(year_2025):
    figures = _figures(year_2025)
    # LCRA stage 1 received 1 Apr 2025-31 Mar 2026: A and B. H came in on 31 March (last year);
    # D was refused. 2 × 1000 ÷ 2000 homes = 1.00.
    lcra = figures["ch01-stage1-lcra"]
    assert (lcra.numerator, lcra.denominator, lcra.value) == (2, 2000, 1.0)
    assert set(lcra.complaint_ids) == {year_2025.A.pk, year_2025.B.pk}
    # LCHO: C only. 1 × 1000 ÷ 500 = 2.00. G is a leaseholder, in neither figure.
    lcho = figures["ch01-stage1-lcho"]
    assert (lcho.numerator, lcho.denominator, lcho.value) == (1, 500, 2.0)
    assert lcho.complaint_ids == (year_2025.C.pk,)


def test_ch01_counts_stage_two_complaints_separately(year_2025):
    figures = _figures(year_2025)
    # Only A escalated: 1 × 1000 ÷ 2000 = 0.5 for LCRA; none for LCHO.
    assert (figures["ch01-stage2-lcra"].numerator, figures["ch01-stage2-lcra"].value) == (1, 0.5)
    assert figures["ch01-stage2-lcra"].complaint_ids == (year_2025.A.pk,)
    assert (figures["ch01-stage2-lcho"].numerator, figures["ch01-stage2-lcho"].value) == (0, 0.0)


def test_ch01_is_not_available_until_the_homes_are_entered(year_2025):
    figures = _figures(year_2025, homes=None)
    assert figures["ch01-stage1-lcra"].numerator == 2
    assert figures["ch01-stage1-lcra"].value is None
    assert figures["ch01-stage1-lcra"].display == "not available"


def test_ch02_stage_one_shows_original_limit_and_code_compliant_extension(year_2025):
    figures = _figures(year_2025)
    # Stage 1 responses issued in the year: H (14 Apr, original), A (original), B (within its
    # extension), C (late). Original: 2 of 4 = 50.0%. With extensions: 3 of 4 = 75.0%.
    original = figures["ch02-stage1-original"]
    assert (original.numerator, original.denominator, original.value) == (2, 4, 50.0)
    assert set(original.complaint_ids) == {year_2025.H.pk, year_2025.A.pk}
    extension = figures["ch02-stage1-extension"]
    assert (extension.numerator, extension.denominator, extension.value) == (3, 4, 75.0)
    outside = figures["ch02-stage1-outside"]
    assert (outside.numerator, outside.complaint_ids) == (1, (year_2025.C.pk,))


def test_ch02_stage_two_counts_responses_in_the_year(year_2025):
    figures = _figures(year_2025)
    # A's stage 2: acknowledged 17 Jun, answered 15 Jul = 17 Jun + 20 WD: 1 of 1 = 100.0%.
    assert figures["ch02-stage2-original"].value == 100.0
    assert figures["ch02-stage2-extension"].denominator == 1
    assert figures["ch02-stage2-outside"].numerator == 0


def test_ch02_states_the_response_limits_of_the_profile(year_2025):
    from dataclasses import replace

    from putright.rules.profile import get_profile

    code = get_profile()
    stages = (replace(code.stage(1), response_limit=15), replace(code.stage(2), response_limit=30))
    facts = reference.stage_facts(reporting_year(2025), on=REPORT_DAY, stored=True)
    figures = {f.key: f for f in ch02(facts, 2025, profile=replace(code, stages=stages))}
    assert "within the original 15 working days" in figures["ch02-stage1-original"].label
    assert "within the original 30 working days" in figures["ch02-stage2-original"].label


def test_a_year_with_no_responses_reports_no_percentage(year_2025):
    facts = reference.stage_facts(reporting_year(2024), on=REPORT_DAY, stored=True)
    figures = {f.key: f for f in ch02(facts, 2024)}
    # 2024/25 ended 31 Mar 2025: H was received then, but nothing was answered in that year.
    assert figures["ch02-stage1-original"].denominator == 0
    assert figures["ch02-stage1-original"].display == "not available"


def test_report_timeliness_is_the_case_pages_timeliness_for_every_stage(year_2025):
    from putright.complaints.calendar import landlord_history
    from putright.complaints.deadlines import stage_clocks
    from putright.complaints.models import Stage
    from putright.rules.profile import get_profile
    from putright.rules.workflow import State

    facts = {
        (f.complaint_id, f.stage): f
        for f in reference.stage_facts(reporting_year(2025), on=REPORT_DAY, stored=True)
    }
    calendar, profile = landlord_history(), get_profile("hos-2024")
    stages = Stage.objects.select_related("complaint").filter(requested_on__gte=date(2025, 4, 1))
    assert stages.count() == 6  # A (two stages), B, C, D, G
    for stage in stages:
        clocks = stage_clocks(
            stage,
            state=State(stage.complaint.status),
            on=REPORT_DAY,
            history=calendar,
            profile=profile,
        )
        fact = facts[(stage.complaint_id, stage.number)]
        assert fact.ack_timeliness == clocks.acknowledgement.timeliness
        assert fact.response_timeliness == clocks.response.timeliness
