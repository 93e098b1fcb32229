"""Every report page: who may read it, who may change it, and what it shows."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from putright.complaints import services as complaint_services
from putright.reporting import services
from putright.reporting.constants import Comply, Finding, OrderKind
from putright.reporting.figures import CH02_RULE
from putright.reporting.models import (
    HomesCount,
    OmbudsmanFinding,
    SelfAssessment,
    SelfAssessmentRow,
    ServiceImprovement,
)

READ_ONLY_PAGES = [
    ("reporting:index", {}),
    ("reporting:tsm", {"year": 2025}),
    ("reporting:tsm_export", {"year": 2025, "fmt": "csv"}),
    ("reporting:tsm_export", {"year": 2025, "fmt": "xlsx"}),
    ("reporting:figure", {"year": 2025, "key": "ch02-stage1-extension"}),
    ("reporting:homes", {}),
    ("reporting:self_assessments", {}),
    ("reporting:annual", {"year": 2025}),
    ("reporting:annual_pdf", {"year": 2025}),
    ("reporting:mrc", {"year": 2025, "number": 1}),
    ("reporting:mrc_pdf", {"year": 2025, "number": 1}),
    ("reporting:themes", {"year": 2025, "number": 1}),
    ("reporting:learning", {}),
    ("reporting:ombudsman_cases", {}),
]


@pytest.fixture
def assessment(year_2025, officer):
    return services.self_assessment_start(year=2025, actor=officer)


@pytest.fixture
def referral(year_2025, officer):
    return complaint_services.ombudsman_referral_record(
        complaint=year_2025.A,
        referred_on=date(2025, 7, 30),
        actor=officer,
        ombudsman_reference="HOS-202512345",
    )


def _as(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize(("name", "kwargs"), READ_ONLY_PAGES)
def test_the_governing_body_reads_every_report(client, viewer, year_2025, name, kwargs):
    response = _as(client, viewer).get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200


@pytest.mark.parametrize(("name", "kwargs"), READ_ONLY_PAGES)
def test_a_complaint_handler_cannot_read_reports(client, handler, year_2025, name, kwargs):
    assert _as(client, handler).get(reverse(name, kwargs=kwargs)).status_code == 403


@pytest.mark.parametrize(("name", "kwargs"), READ_ONLY_PAGES)
def test_reports_need_signing_in(client, db, name, kwargs):
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_self_assessment_pages_and_exports_are_readable(client, viewer, officer, assessment):
    client = _as(client, viewer)
    for fmt in ("docx", "pdf"):
        response = client.get(
            reverse("reporting:self_assessment_export", kwargs={"pk": assessment.pk, "fmt": fmt})
        )
        assert response.status_code == 200
        assert response["Content-Disposition"].endswith(f'.{fmt}"')
    page = client.get(reverse("reporting:self_assessment", kwargs={"pk": assessment.pk}))
    assert page.status_code == 200
    assert "Acknowledged within 5 working days".lower() in page.content.decode().lower()


def test_the_tsm_page_states_which_ch02_figure_the_return_uses(client, officer, year_2025):
    HomesCount.objects.create(year=2025, lcra_homes=2000, lcho_homes=500, recorded_by=officer)
    page = (
        _as(client, officer).get(reverse("reporting:tsm", kwargs={"year": 2025})).content.decode()
    )
    assert "The return uses" in page
    assert "within the original limit or a Code-compliant extension" in page
    # CH02 stage 1: 2 of 4 within the original limit, 3 of 4 with extensions (see conftest).
    assert "50.0%" in page
    assert "75.0%" in page
    assert reverse("reporting:figure", kwargs={"year": 2025, "key": "ch01-stage1-lcra"}) in page


def test_the_csv_export_carries_numerators_and_denominators(client, officer, year_2025):
    HomesCount.objects.create(year=2025, lcra_homes=2000, lcho_homes=500, recorded_by=officer)
    response = _as(client, officer).get(
        reverse("reporting:tsm_export", kwargs={"year": 2025, "fmt": "csv"})
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    # The rule CH02 is counted by heads the file, before the column headers.
    assert rows[1] == [CH02_RULE]
    assert rows[2][:5] == ["Measure", "Key", "Numerator", "Denominator", "Value"]
    by_key = {row[1]: row for row in rows[3:]}
    # key: numerator, denominator, value, unit, used in the return
    assert by_key["ch01-stage1-lcra"][2:7] == ["2", "2000", "1.0", "per 1,000 homes", "yes"]
    assert by_key["ch02-stage1-original"][2:7] == ["2", "4", "50.0", "%", "no"]
    assert by_key["ch02-stage1-extension"][2:7] == ["3", "4", "75.0", "%", "yes"]
    # B answered within its in-cap extension: 1 of 4; H, A and B were also acknowledged on
    # the day they were received: 3 of 4 (neither part is the return's figure).
    assert by_key["ch02-stage1-extended"][2:7] == ["1", "4", "25.0", "%", "no"]
    assert by_key["ch02-stage1-ack-on-time"][2:7] == ["3", "4", "75.0", "%", "no"]


def test_the_xlsx_export_opens_with_the_same_figures(client, officer, year_2025):
    from openpyxl import load_workbook

    response = _as(client, officer).get(
        reverse("reporting:tsm_export", kwargs={"year": 2025, "fmt": "xlsx"})
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value == CH02_RULE
    rows = {row[1]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert rows["ch02-stage1-extension"][2:5] == (3, 4, 75.0)


def test_a_drill_down_lists_the_complaints_behind_a_figure(client, viewer, year_2025):
    page = (
        _as(client, viewer)
        .get(reverse("reporting:figure", kwargs={"year": 2025, "key": "ch02-stage1-outside"}))
        .content.decode()
    )
    # Only C was answered outside the Code's timescales.
    assert year_2025.C.reference in page
    assert year_2025.A.reference not in page


def test_an_unknown_figure_is_not_found(client, viewer, year_2025):
    response = _as(client, viewer).get(
        reverse("reporting:figure", kwargs={"year": 2025, "key": "ch99"})
    )
    assert response.status_code == 404


# --- who may change what -------------------------------------------------------------------


def test_an_officer_enters_the_homes_counts(client, officer, year_2025):
    response = _as(client, officer).post(
        reverse("reporting:homes"), {"year": 2025, "lcra_homes": 2000, "lcho_homes": 500}
    )
    assert response.status_code == 302
    assert HomesCount.objects.get(year=2025).lcra_homes == 2000


def test_the_governing_body_cannot_change_the_homes_counts(client, viewer, db):
    response = _as(client, viewer).post(
        reverse("reporting:homes"), {"year": 2025, "lcra_homes": 1, "lcho_homes": 1}
    )
    assert response.status_code == 403
    assert not HomesCount.objects.exists()


def test_bad_homes_counts_are_refused_field_by_field(client, officer, db):
    response = _as(client, officer).post(
        reverse("reporting:homes"), {"year": 2025, "lcra_homes": -5, "lcho_homes": ""}
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"lcra_homes", "lcho_homes"}
    assert not HomesCount.objects.exists()


def test_an_officer_starts_and_answers_a_self_assessment(client, officer, year_2025):
    client = _as(client, officer)
    response = client.post(
        reverse("reporting:self_assessments"), {"year": 2025, "trigger": "annual"}
    )
    assessment = SelfAssessment.objects.get()
    assert response["Location"] == reverse(
        "reporting:self_assessment", kwargs={"pk": assessment.pk}
    )
    url = reverse("reporting:self_assessment_row", kwargs={"pk": assessment.pk, "provision": "6.2"})
    refused = client.post(url, {"comply": "no", "evidence": "", "commentary": ""})
    assert refused.status_code == 400
    assert services.ACTION_NEEDED in refused.content.decode()
    saved = client.post(
        url, {"comply": "yes", "evidence": "Policy 5.2", "commentary": "Daily checks"}
    )
    assert saved.status_code == 302
    row = SelfAssessmentRow.objects.get(assessment=assessment, provision="6.2")
    assert (row.comply, row.contradicted) == (Comply.YES, True)


@pytest.mark.parametrize("persona", ["viewer", "handler"])
def test_only_officers_and_admins_answer_the_self_assessment(client, request, persona, assessment):
    user = request.getfixturevalue(persona)
    url = reverse("reporting:self_assessment_row", kwargs={"pk": assessment.pk, "provision": "1.2"})
    assert _as(client, user).post(url, {"comply": "yes"}).status_code == 403
    assert (
        _as(client, user)
        .post(reverse("reporting:self_assessments"), {"year": 2025, "trigger": "annual"})
        .status_code
        == 403
    )
    assert (
        _as(client, user)
        .post(reverse("reporting:self_assessment_measure", kwargs={"pk": assessment.pk}))
        .status_code
        == 403
    )
    assert SelfAssessmentRow.objects.get(assessment=assessment, provision="1.2").comply == ""


def _answer_all(assessment, officer):
    for row in assessment.rows.all():
        services.self_assessment_row_update(
            row=row, comply="yes", evidence="Policy", commentary="", actor=officer
        )


def test_the_governing_body_records_its_approval(client, viewer, officer, assessment):
    _answer_all(assessment, officer)
    url = reverse("reporting:self_assessment_approve", kwargs={"pk": assessment.pk})
    response = _as(client, viewer).post(
        url, {"approved_on": "2025-08-01", "minute": "Board minute 7"}
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.approved_by, assessment.approval_minute) == (viewer, "Board minute 7")


def test_an_officer_cannot_record_the_governing_bodys_approval(client, officer, assessment):
    _answer_all(assessment, officer)
    url = reverse("reporting:self_assessment_approve", kwargs={"pk": assessment.pk})
    assert (
        _as(client, officer).post(url, {"approved_on": "2025-08-01", "minute": "M"}).status_code
        == 403
    )
    assessment.refresh_from_db()
    assert assessment.approved_on is None


def test_approval_of_an_unfinished_assessment_is_refused_with_the_reason(
    client, administrator, assessment
):
    url = reverse("reporting:self_assessment_approve", kwargs={"pk": assessment.pk})
    response = _as(client, administrator).post(url, {"approved_on": "2025-08-01", "minute": "M"})
    assert response.status_code == 400
    assert services.NOT_ALL_ANSWERED in response.content.decode()


def test_an_officer_writes_the_annual_reports_text_but_not_the_boards_response(
    client, officer, viewer, year_2025
):
    url = reverse("reporting:annual_notes", kwargs={"year": 2025})
    assert _as(client, viewer).post(url, {"commentary": "x"}).status_code == 403
    response = _as(client, officer).post(
        url, {"commentary": "Fewer repairs complaints.", "ombudsman_other_reports": "Spotlight."}
    )
    assert response.status_code == 302
    page = client.get(reverse("reporting:annual", kwargs={"year": 2025})).content.decode()
    assert "Fewer repairs complaints." in page
    assert "Spotlight." in page
    assert "Awaiting the governing body" in page
    response_url = reverse("reporting:governing_body_response", kwargs={"year": 2025})
    assert client.post(response_url, {"response": "x"}).status_code == 403


def test_the_governing_body_writes_and_approves_its_response(
    client, board_member, officer, year_2025
):
    url = reverse("reporting:governing_body_response", kwargs={"year": 2025})
    client = _as(client, board_member)
    assert client.post(url, {"response": "A first draft."}).status_code == 302
    page = client.get(reverse("reporting:annual", kwargs={"year": 2025})).content.decode()
    assert "A first draft." in page
    assert "Draft: not yet approved by the governing body." in page
    assert (
        client.post(
            url, {"response": "We accept the findings.", "approved_on": "2025-07-31"}
        ).status_code
        == 302
    )
    page = client.get(reverse("reporting:annual", kwargs={"year": 2025})).content.decode()
    assert "We accept the findings." in page
    assert "Approved by the governing body on 31 July 2025." in page
    # Every wording is kept: who changed it, when, and the text before.
    history = client.get(url).content.decode()
    assert "A first draft." in history
    assert "Gita Rao" in history


def test_an_officer_records_a_service_improvement_from_complaints(
    client, officer, viewer, year_2025
):
    data = {
        "title": "Damp surveys within 5 days",
        "description": "Book the damp survey at acknowledgement.",
        "status": "in_progress",
        "owner_name": "Repairs",
        "references": f"{year_2025.B.reference}, {year_2025.G.reference}",
    }
    assert _as(client, viewer).post(reverse("reporting:improvement_new"), data).status_code == 403
    assert _as(client, officer).post(reverse("reporting:improvement_new"), data).status_code == 302
    improvement = ServiceImprovement.objects.get()
    assert set(improvement.complaints.all()) == {year_2025.B, year_2025.G}
    bad = client.post(
        reverse("reporting:improvement_new"), {**data, "references": "CMP-1999-000001"}
    )
    assert bad.status_code == 400
    assert "CMP-1999-000001" in bad.content.decode()
    assert ServiceImprovement.objects.count() == 1


def test_ombudsman_casework_is_recorded_by_an_officer(client, officer, viewer, referral):
    url = reverse("reporting:ombudsman_case", kwargs={"pk": referral.pk})
    finding = {
        "form": "finding",
        "finding-element": "The landlord's handling of the leak",
        "finding-finding": Finding.SERVICE_FAILURE,
        "finding-determined_on": "2025-07-31",
    }
    assert _as(client, viewer).get(url).status_code == 200
    assert _as(client, viewer).post(url, finding).status_code == 403
    assert _as(client, officer).post(url, finding).status_code == 302
    assert OmbudsmanFinding.objects.get().finding == Finding.SERVICE_FAILURE
    order = {
        "form": "order",
        "order-kind": OrderKind.ORDER,
        "order-description": "Pay £200",
        "order-due_on": "2025-08-29",
    }
    assert client.post(url, order).status_code == 302
    request = {
        "form": "request",
        "request-requested_on": "2025-07-30",
        "request-due_on": "2025-07-20",
        "request-description": "The repair log",
    }
    refused = client.post(url, request)
    assert refused.status_code == 400
    assert services.DUE_BEFORE_REQUEST in refused.content.decode()
    saved = referral.orders.get()
    done = client.post(
        reverse("reporting:ombudsman_order_complete", kwargs={"pk": saved.pk}),
        {"completed_on": "2025-08-01", "evidence": "Payment confirmation sent"},
    )
    assert done.status_code == 302
    saved.refresh_from_db()
    assert saved.completed_on == date(2025, 8, 1)
    page = client.get(url).content.decode()
    assert "Service failure" in page
    assert "Payment confirmation sent" in page


@pytest.fixture
def casework(referral, officer):
    request = services.ombudsman_information_request_add(
        referral=referral,
        requested_on=date(2025, 7, 30),
        due_on=date(2025, 8, 13),
        description="The repair log",
        actor=officer,
    )
    order = services.ombudsman_order_add(
        referral=referral,
        kind=OrderKind.ORDER,
        description="Pay £200",
        due_on=date(2025, 8, 29),
        actor=officer,
    )
    improvement = services.improvement_create(
        data=services.ImprovementInput(title="Call-backs", description="Call back in a day"),
        actor=officer,
    )
    return request, order, improvement


def _editor_posts(casework, assessment):
    request, order, improvement = casework
    return [
        (
            reverse("reporting:ombudsman_request_sent", kwargs={"pk": request.pk}),
            {"sent_on": "2025-08-01"},
        ),
        (
            reverse("reporting:ombudsman_order_complete", kwargs={"pk": order.pk}),
            {"completed_on": "2025-08-01", "evidence": "Receipt"},
        ),
        (
            reverse("reporting:improvement_edit", kwargs={"pk": improvement.pk}),
            {
                "title": "Call-backs",
                "description": "Within a day",
                "status": "done",
                "completed_on": "2025-08-01",
            },
        ),
        (reverse("reporting:self_assessment_measure", kwargs={"pk": assessment.pk}), {}),
        (
            reverse("reporting:annual_notes", kwargs={"year": 2025}),
            {"commentary": "Fewer repairs complaints"},
        ),
    ]


@pytest.mark.parametrize("persona", ["viewer", "handler"])
def test_only_officers_and_admins_change_reporting_records(
    client, request, persona, casework, assessment
):
    client.force_login(request.getfixturevalue(persona))
    for url, data in _editor_posts(casework, assessment):
        assert client.post(url, data).status_code == 403, url
    information, order, improvement = casework
    information.refresh_from_db()
    order.refresh_from_db()
    improvement.refresh_from_db()
    assert (information.sent_on, order.completed_on, improvement.status) == (None, None, "proposed")


def test_an_officer_records_information_sent_and_improvements_done(
    client, officer, casework, assessment
):
    client.force_login(officer)
    for url, data in _editor_posts(casework, assessment):
        assert client.post(url, data).status_code == 302, url
    information, _order, improvement = casework
    information.refresh_from_db()
    improvement.refresh_from_db()
    assert information.sent_on == date(2025, 8, 1)
    assert (improvement.status, improvement.completed_on) == ("done", date(2025, 8, 1))


def test_a_future_date_sent_is_refused(client, officer, casework):
    client.force_login(officer)
    information = casework[0]
    url = reverse("reporting:ombudsman_request_sent", kwargs={"pk": information.pk})
    response = client.post(url, {"sent_on": "2030-01-01"})
    assert response.status_code == 400
    assert response.content.decode() == services.DATE_IN_FUTURE
    information.refresh_from_db()
    assert information.sent_on is None


def test_the_ombudsman_case_page_asks_its_dates_as_day_month_year(client, officer, casework):
    request, _order, _improvement = casework
    url = reverse("reporting:ombudsman_case", kwargs={"pk": request.referral_id})
    page = _as(client, officer).get(url).content.decode()
    assert 'type="date"' not in page
    for name in ("sent_on", "completed_on"):  # "mark sent", "record compliance"
        for part in ("day", "month", "year"):
            assert f'name="{name}_{part}"' in page
    sent = client.post(
        reverse("reporting:ombudsman_request_sent", kwargs={"pk": request.pk}),
        {"sent_on_day": "1", "sent_on_month": "8", "sent_on_year": "2025"},
    )
    assert sent.status_code == 302
    request.refresh_from_db()
    assert request.sent_on == date(2025, 8, 1)


def test_the_mrc_follows_the_ombudsman_casework_and_the_oversight_dashboard(
    client, viewer, board_member, referral
):
    case = reverse("reporting:ombudsman_case", kwargs={"pk": referral.pk})
    _as(client, viewer)
    dashboard = client.get(reverse("complaints:dashboard"))
    assert dashboard.status_code == 200
    assert "HOS-202512345" in client.get(reverse("reporting:ombudsman_cases")).content.decode()
    assert "HOS-202512345" in client.get(case).content.decode()
    # Reading is not recording: the officer records the casework (Code 9.5, 9.7).
    assert client.post(case, {"form": "finding"}).status_code == 403
    # The wider governing body reads the reports' summary, not each case.
    _as(client, board_member)
    assert client.get(case).status_code == 403
    assert client.get(reverse("complaints:dashboard")).status_code == 200
