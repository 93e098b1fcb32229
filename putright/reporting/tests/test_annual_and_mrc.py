"""The annual report (Code 8.1 a-f, 8.2), the MRC pack (9.6-9.7) and the themes view, on the
hand-built year in conftest. Expected values are counted by hand from that table."""

from datetime import date

import pytest

from putright.complaints import services as complaint_services
from putright.reporting import reports, services
from putright.reporting.constants import Finding
from putright.reporting.figures import previous_quarters, quarter, reporting_year
from putright.reporting.tests.conftest import REPORT_DAY


def test_the_annual_report_counts_volumes_against_last_year(year_2025):
    report = reports.annual_report(2025, on=REPORT_DAY)
    # Stage 1 received in 2025/26: A, B, C, G (D refused); in 2024/25: H.
    assert report.stages[1]["received"].numerator == 4
    assert report.previous_stages[1]["received"].numerator == 1
    assert report.stages[2]["received"].numerator == 1
    # Stage 1 answered in 2025/26: H, A, B, C. B was extended.
    assert report.stages[1]["responded"].numerator == 4
    assert report.stages[1]["extended"].complaint_ids == (year_2025.B.pk,)


def test_the_annual_report_counts_outcomes_by_stage(year_2025):
    report = reports.annual_report(2025, on=REPORT_DAY)
    # Every story response upholds every point.
    assert report.stages[1]["upheld"].numerator == 4
    assert report.stages[1]["not_upheld"].numerator == 0
    assert report.stages[2]["upheld"].numerator == 1


def test_the_annual_report_compares_categories_with_last_year(year_2025):
    report = reports.annual_report(2025, on=REPORT_DAY)
    # Repairs: A and C this year, H last year. Damp and mould: B and G this year.
    assert report.categories == [("Repairs", 2, 1), ("Damp and mould", 2, 0)]
    june = {month: (one, two) for month, one, two in report.monthly}["Jun 2025"]
    assert june == (4, 1)
    assert len(report.monthly) == 12


def test_the_annual_report_summarises_refusals_and_remedies(year_2025):
    report = reports.annual_report(2025, on=REPORT_DAY)
    # D was refused as already considered (8.1c).
    assert report.refusals == [("Already considered in a previous complaint", 1)]
    # Five responses in the year (H, A, C, B, A stage 2), each with one apology; no money.
    assert report.remedies == [("Apology", 5)]
    assert report.compensation == 0


def test_the_annual_report_lists_ombudsman_findings_and_the_approved_assessment(
    year_2025, officer, viewer
):
    referral = complaint_services.ombudsman_referral_record(
        complaint=year_2025.A, referred_on=date(2025, 7, 20), actor=officer
    )
    services.ombudsman_finding_add(
        referral=referral,
        element="Handling of the leak",
        finding=Finding.MALADMINISTRATION,
        determined_on=date(2025, 7, 31),
        actor=officer,
    )
    assessment = services.self_assessment_start(year=2025, actor=officer)
    for row in assessment.rows.all():
        services.self_assessment_row_update(
            row=row, comply="yes", evidence="Policy", commentary="", actor=officer
        )
    services.self_assessment_approve(
        assessment=assessment, approved_on=REPORT_DAY, minute="Board 12", actor=viewer
    )
    report = reports.annual_report(2025, on=REPORT_DAY)
    assert [(f.element, f.finding) for f in report.findings] == [
        ("Handling of the leak", Finding.MALADMINISTRATION)
    ]
    assert report.assessment == assessment


def test_quarters_run_april_to_june_and_count_back_across_years():
    assert quarter(2025, 1).start == date(2025, 4, 1)
    assert quarter(2025, 1).end == date(2025, 6, 30)
    assert quarter(2025, 4).start == date(2026, 1, 1)
    assert quarter(2025, 4).end == date(2026, 3, 31)
    assert [p.label for p in previous_quarters(2025, 1, 3)] == [
        "2024/25 Q2",
        "2024/25 Q3",
        "2024/25 Q4",
    ]
    assert reporting_year(2025).end == date(2026, 3, 31)


def test_the_mrc_pack_shows_the_quarter_beside_the_three_before(year_2025):
    pack = reports.mrc_pack(2025, 1, on=REPORT_DAY)
    last_quarter, this_quarter = pack.columns[-2], pack.columns[-1]
    # Q1 2025/26 (Apr-Jun): stage 1 received A, B, C, G; stage 2 A.
    assert (this_quarter.received[1], this_quarter.received[2]) == (4, 1)
    # Answered in Q1: H (14 Apr), A, C, B; C was late: 3 of 4 = 75.0%.
    assert this_quarter.responded[1] == 4
    assert this_quarter.on_time[1] == 75.0
    # Q4 2024/25 (Jan-Mar 2025): H received on 31 March; nothing answered.
    assert last_quarter.received[1] == 1
    assert last_quarter.on_time[1] is None


def test_received_stages_are_counted_only_by_resident_estate_and_block(year_2025):
    """The one question behind repeat complainants and hotspots counts by those three; asking
    for anything else is a mistake said plainly, not a figure counted without it."""
    from putright.reporting import selectors

    period = quarter(2025, 1)
    counts = selectors.stage_counts(period, on=REPORT_DAY)
    assert sum(g.n for g in counts.received_by(period, 1, ("estate", "block"))) == 4
    with pytest.raises(ValueError, match="not counted by"):
        counts.received_by(period, 1, ("handler_id",))


def test_themes_show_categories_by_month_and_hotspots(year_2025):
    pack = reports.mrc_pack(2025, 1, on=REPORT_DAY)
    assert pack.months == ["Apr 2025", "May 2025", "Jun 2025"]
    assert dict(pack.category_months) == {"Repairs": [0, 0, 2], "Damp and mould": [0, 0, 2]}
    # Rosa (A) and Bob (B) live in Alder House on Riverside; nowhere else has two.
    assert pack.hotspots == [("Riverside", "Alder House", 2)]
    assert pack.repeats == []


def test_a_resident_who_complains_twice_in_a_quarter_is_a_repeat_complainant(
    year_2025, handler, time_machine
):
    from putright.complaints.tests.stories import received, travel

    travel(time_machine, date(2025, 6, 30))
    again = received(resident=year_2025.A.resident, actor=handler)
    pack = reports.mrc_pack(2025, 1, on=REPORT_DAY)
    assert pack.repeats == [("Rosa Bell", (year_2025.A.pk, again.pk))]


def test_financial_remedies_are_totalled_for_the_year(db, time_machine, handler):
    from putright.complaints.tests.stories import (
        acknowledged,
        apology,
        compensation,
        received,
        responded,
        travel,
    )
    from putright.people.factories import ResidentFactory

    travel(time_machine, date(2025, 6, 2))
    first = acknowledged(received(resident=ResidentFactory(), actor=handler), actor=handler)
    second = acknowledged(received(resident=ResidentFactory(), actor=handler), actor=handler)
    travel(time_machine, date(2025, 6, 9))
    responded(first, actor=handler, remedies=[apology(), compensation("150.00")])
    responded(second, actor=handler, remedies=[compensation("75.50")])
    report = reports.annual_report(2025, on=date(2025, 8, 1))
    # Two financial remedies (£150.00 + £75.50 = £225.50) and one apology.
    assert report.remedies == [("Financial remedy", 2), ("Apology", 1)]
    assert str(report.compensation) == "225.50"
    # Both answered within 10 working days of 2 June (due 16 June): 6.3 met in 2 of 2.
    six_three = next(m for m in report.measures if m.provision == "6.3")
    assert (six_three.figure.numerator, six_three.figure.denominator) == (2, 2)
