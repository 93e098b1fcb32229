"""The annual report and MRC pack as the governing body reads them: the Code's 8.1 letters,
clear states instead of blanks, the MRC named, part-years "to date", overdue Ombudsman orders,
non-compliance findings under 8.1c, exceptional circumstances with and without, money."""

from datetime import date

import pytest
from django.urls import reverse

from putright.complaints import services as complaint_services
from putright.complaints.models import ExceptionalPeriod, ExceptionalStatus
from putright.letters.tests.conftest import pdf_text
from putright.reporting import reports, selectors, services
from putright.reporting.constants import OrderKind
from putright.reporting.tests.conftest import REPORT_DAY


@pytest.fixture
def referral(year_2025, officer):
    return complaint_services.ombudsman_referral_record(
        complaint=year_2025.A, referred_on=date(2025, 7, 1), actor=officer
    )


def _page(client, user, year=2025):
    client.force_login(user)
    return client.get(reverse("reporting:annual", kwargs={"year": year})).content.decode()


def test_the_sections_carry_the_codes_8_1_letters_and_say_what_is_missing(
    client, year_2025, viewer
):
    page = _page(client, viewer)
    assert "1. Self-assessment against the Code (8.1a)" in page
    assert "3. Complaints we did not accept (8.1b)" in page
    assert "non-compliance with the Code (8.1c)" in page
    assert "5. Service improvements from learning (8.1d)" in page
    assert "The Ombudsman's annual report on our performance (8.1e)" in page
    assert "(8.1f)" in page
    assert "Not added yet" not in page
    assert "No annual report from the Ombudsman about our performance in 2025/26" in page
    assert "Awaiting the governing body's response." in page
    # Code 9.5: the designated member is named; 1 Aug 2025 is part-way through 2025/26.
    assert "Member Responsible for Complaints (Code 9.5): <strong>Vera Mills</strong>" in page
    assert "2025/26 to date (1 Aug 2025)" in page
    assert reports.annual_report(2024, on=REPORT_DAY).period_label == "2024/25"


def test_the_pdf_says_what_is_missing_instead_of_not_added_yet(client, year_2025, viewer, tmp_path):
    client.force_login(viewer)
    response = client.get(reverse("reporting:annual_pdf", kwargs={"year": 2025}))
    path = tmp_path / "annual.pdf"
    path.write_bytes(response.content)
    text = pdf_text(path)
    assert "Not added yet" not in text
    assert "Awaiting the governing body's response." in text
    assert "None recorded for 2025/26." in text


def test_an_overdue_ombudsman_order_shows_how_many_days_overdue(referral, officer, year_2025):
    services.ombudsman_order_add(
        referral=referral,
        kind=OrderKind.ORDER,
        description="Apologise",
        due_on=date(2025, 7, 1),
        actor=officer,
    )
    services.ombudsman_order_add(
        referral=referral,
        kind=OrderKind.ORDER,
        description="Pay £200",
        due_on=date(2025, 9, 1),
        actor=officer,
    )
    report = reports.annual_report(2025, on=REPORT_DAY)
    assert [o.state for o in report.orders] == ["Overdue by 31 days", "Not yet due"]
    pack = reports.mrc_pack(2025, 2, on=REPORT_DAY)
    assert [o.state for o in pack.orders] == ["Overdue by 31 days", "Not yet due"]
    # The quarter is not over on 1 August: its column says so; the quarters before do not.
    assert pack.columns[-1].label == "2025/26 Q2 to date (1 Aug 2025)"
    assert pack.columns[-2].label == "2025/26 Q1"


def test_non_compliance_with_the_code_is_recorded_per_case_and_reported_under_8_1c(
    client, referral, officer, viewer
):
    url = reverse("reporting:ombudsman_case", kwargs={"pk": referral.pk})
    client.force_login(officer)
    response = client.post(
        url,
        {
            "form": "code_finding",
            "code_finding-provisions": "6.2, 6.3",
            "code_finding-description": "Stage 1 acknowledged and answered late.",
            "code_finding-found_on": "2025-07-30",
        },
    )
    assert response.status_code == 302
    report = reports.annual_report(2025, on=REPORT_DAY)
    assert [(f.referral, f.provisions) for f in report.code_findings] == [(referral, "6.2, 6.3")]
    page = _page(client, viewer)
    assert "Stage 1 acknowledged and answered late." in page


def test_exceptional_circumstances_are_reported_with_and_without_the_affected_complaints(
    client, year_2025, officer, senior_lead, viewer
):
    period = ExceptionalPeriod.objects.create(
        reason="Cyber incident: the repairs system was down.",
        starts_on=date(2025, 6, 2),
        expected_end_on=date(2025, 6, 30),
        ended_on=date(2025, 6, 30),
        all_complaints=True,
        status=ExceptionalStatus.ENDED,
        declared_by=officer,
        decided_by=senior_lead,
    )
    period.affected.add(year_2025.C)  # C was answered 2 working days late
    effect = reports.annual_report(2025, on=REPORT_DAY).exceptional
    assert effect.affected == 1
    # Stage 1: H, A, B on time, C late. Nothing is hidden: both figures are shown.
    assert effect.timeliness[0] == (1, "75.0% (3 of 4)", "100.0% (3 of 3)")
    page = _page(client, viewer)
    assert "Cyber incident: the repairs system was down." in page
    assert "Leaving out those affected" in page


def test_money_is_shown_with_thousands_separators(db, time_machine, handler, viewer, client):
    from putright.complaints.tests.stories import (
        acknowledged,
        compensation,
        received,
        responded,
        travel,
    )
    from putright.people.factories import ResidentFactory

    travel(time_machine, date(2025, 6, 2))
    first = acknowledged(received(resident=ResidentFactory(), actor=handler), actor=handler)
    travel(time_machine, date(2025, 6, 9))
    responded(first, actor=handler, remedies=[compensation("18815.00")])
    travel(time_machine, REPORT_DAY)
    assert "£18,815.00" in _page(client, viewer)


def test_the_pdf_carries_the_ombudsmans_reports_and_the_governing_bodys_response_when_written(
    client, year_2025, officer, board_member, viewer, tmp_path
):
    services.annual_note_save(
        year=2025,
        actor=officer,
        ombudsman_annual_letter="Our landlord performance report: 2 findings of maladministration.",
        ombudsman_other_reports="Spotlight on damp and mould: we are named twice.",
    )
    services.governing_body_response_save(
        year=2025,
        response="The board accepts the report and asks for damp surveys within 5 days.",
        approved_on=date(2025, 7, 31),
        actor=board_member,
    )
    client.force_login(viewer)
    path = tmp_path / "annual.pdf"
    path.write_bytes(client.get(reverse("reporting:annual_pdf", kwargs={"year": 2025})).content)
    text = " ".join(pdf_text(path).split())
    assert "Not added yet" not in text
    assert "Awaiting the governing body's response." not in text
    assert "None recorded for 2025/26." not in text
    assert "2 findings of maladministration." in text  # 8.1e
    assert "Spotlight on damp and mould: we are named twice." in text  # 8.1f
    assert "asks for damp surveys within 5 days." in text  # 8.2
    assert "Approved by the governing body on 31 July 2025." in text


def test_every_earlier_wording_of_the_annual_reports_own_text_is_kept(client, year_2025, officer):
    services.annual_note_save(year=2025, actor=officer, commentary="Fewer complaints.")
    services.annual_note_save(
        year=2025,
        actor=officer,
        commentary="Fewer repairs complaints than last year.",
        ombudsman_other_reports="Spotlight report.",
    )
    versions = [
        (v.field, v.previous, v.text, v.changed_by)
        for v in selectors.text_history("annual:2025").order_by("pk")
    ]
    assert versions == [
        ("commentary", "", "Fewer complaints.", officer),
        ("commentary", "Fewer complaints.", "Fewer repairs complaints than last year.", officer),
        ("ombudsman_other_reports", "", "Spotlight report.", officer),
    ]
    client.force_login(officer)
    page = client.get(reverse("reporting:annual_notes", kwargs={"year": 2025})).content.decode()
    assert "Fewer complaints." in page  # the wording before, on the page that changes it


def test_the_mrc_pack_names_the_mrc_and_shows_overdue_orders_and_the_exceptional_period(
    client, referral, officer, senior_lead, viewer, year_2025, tmp_path
):
    services.ombudsman_order_add(
        referral=referral,
        kind=OrderKind.ORDER,
        description="Apologise in writing",
        due_on=date(2025, 7, 1),
        actor=officer,
    )
    period = ExceptionalPeriod.objects.create(
        reason="Cyber incident: the repairs system was down.",
        starts_on=date(2025, 6, 2),
        expected_end_on=date(2025, 6, 30),
        ended_on=date(2025, 6, 30),
        all_complaints=True,
        status=ExceptionalStatus.ENDED,
        declared_by=officer,
        decided_by=senior_lead,
    )
    period.affected.add(year_2025.C)
    client.force_login(viewer)
    page = client.get(reverse("reporting:mrc", kwargs={"year": 2025, "number": 2})).content.decode()
    assert "Member Responsible for Complaints (Code 9.5): <strong>Vera Mills</strong>" in page
    assert "This quarter is not over: its figures are <strong>to date</strong>." in page
    assert "2025/26 Q2 to date (1 Aug 2025)" in page
    assert '<td class="govuk-table__cell">1 July 2025</td>' in page  # the order's due date
    assert '<strong class="govuk-tag govuk-tag--red">Overdue by 31 days</strong>' in page
    path = tmp_path / "mrc.pdf"
    path.write_bytes(
        client.get(reverse("reporting:mrc_pdf", kwargs={"year": 2025, "number": 1})).content
    )
    text = " ".join(pdf_text(path).split())
    assert "Member Responsible for Complaints (Code 9.5): Vera Mills" in text
    # Q1 ended on 30 June, the day before the order fell due: its pack says so as at then.
    assert "Not yet due at quarter end" in text
    # Q1 (April-June) holds the period: both figures, nothing hidden.
    assert "Cyber incident: the repairs system was down." in text
    assert "Leaving out those affected" in text


def test_the_reports_track_the_return_to_compliance_and_the_ombudsmans_notification(
    client, year_2025, officer, senior_lead, viewer
):
    period = ExceptionalPeriod.objects.create(
        reason="Cyber incident: the repairs system was down.",
        starts_on=date(2025, 6, 2),
        expected_end_on=date(2025, 6, 30),
        ended_on=date(2025, 6, 30),
        all_complaints=True,
        status=ExceptionalStatus.ENDED,
        declared_by=officer,
        decided_by=senior_lead,
    )
    period.affected.add(year_2025.C, year_2025.G)  # C answered; G acknowledged, not answered
    page = " ".join(_page(client, viewer).split())
    assert "Affected: All complaints, 2 complaints, 1 still open: not yet back to compliance." in (
        page
    )
    assert "<strong>The Ombudsman has not been told yet.</strong>" in page
    period.affected.remove(year_2025.G)
    period.ombudsman_notified_on = date(2025, 6, 3)
    period.save()
    page = " ".join(_page(client, viewer).split())
    assert "1 complaint, none still open: back to compliance." in page
    assert "The Ombudsman was told on 3 June 2025." in page
    mrc = client.get(reverse("reporting:mrc", kwargs={"year": 2025, "number": 1})).content
    assert "none still open: back to compliance" in mrc.decode()


def test_the_charts_label_a_period_not_over_to_date_as_the_tables_do(
    monkeypatch, year_2025, viewer
):
    from putright.reporting import charts, documents

    drawn = []
    for name in ("grouped_bars", "percentage_bars"):
        real = getattr(charts, name)

        def spy(labels, *args, _real=real, **kwargs):
            drawn.append((list(labels), args))
            return _real(labels, *args, **kwargs)

        monkeypatch.setattr(charts, name, spy)
    documents.mrc_document(2025, 2)
    volumes, timeliness = drawn
    assert volumes[0][-2:] == ["2025/26 Q1", "2025/26 Q2 to date"]
    assert timeliness[0][-1] == "2025/26 Q2 to date"
    drawn.clear()
    documents.annual_document(2025)
    titles_and_legends = repr(drawn)
    assert "Complaints received by month, 2025/26 to date (1 Aug 2025)" in titles_and_legends
    assert "Responses within the Code's timescales, 2025/26 to date (1 Aug 2025)" in (
        titles_and_legends
    )
    assert "('2025/26 to date (1 Aug 2025)', '2024/25')" in titles_and_legends  # the legend


def test_a_finished_years_report_counts_an_open_order_overdue_to_the_year_end(referral, officer):
    """The 2025/26 report read in June 2026 says how late the order was on 31 March 2026, not
    today; read while the year runs, it counts to the day it is read."""
    services.ombudsman_order_add(
        referral=referral,
        kind=OrderKind.ORDER,
        description="Apologise",
        due_on=date(2026, 3, 1),
        actor=officer,
    )
    running = reports.annual_report(2025, on=date(2026, 3, 11))
    assert [o.state for o in running.orders] == ["Overdue by 10 days"]
    finished = reports.annual_report(2025, on=date(2026, 6, 30))
    assert [o.state for o in finished.orders] == ["Overdue by 30 days at year end"]
    quarter = reports.mrc_pack(2025, 4, on=date(2026, 6, 30))
    assert [o.state for o in quarter.orders] == ["Overdue by 30 days at quarter end"]
