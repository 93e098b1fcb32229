"""Self-assessment answers: N/A with a reason, every earlier wording kept, the GOV.UK form
with its error summary and next/previous, and the governing body's own approval."""

from datetime import date

import pytest
from django.urls import reverse

from putright.core.errors import InvalidInput, RuleBroken
from putright.reporting import selectors, services
from putright.reporting.constants import Comply
from putright.reporting.models import ReportTextVersion


@pytest.fixture
def assessment(db, time_machine, officer):
    time_machine.move_to(date(2025, 8, 1))
    return services.self_assessment_start(year=2025, actor=officer)


def _row(assessment, provision):
    return assessment.rows.get(provision=provision)


def test_na_is_an_answer_but_only_with_the_reason_it_does_not_apply(assessment, officer):
    row = _row(assessment, "5.4")
    with pytest.raises(InvalidInput) as refused:
        services.self_assessment_row_update(
            row=row, comply=Comply.NA, evidence="", commentary="  ", actor=officer
        )
    assert refused.value.message == services.NA_REASON_NEEDED
    assert _row(assessment, "5.4").comply == ""
    services.self_assessment_row_update(
        row=row,
        comply=Comply.NA,
        evidence="",
        commentary="We have two stages only; there is no third stage to refer to.",
        actor=officer,
    )
    assert _row(assessment, "5.4").get_comply_display() == "N/A"


def test_every_change_to_an_answer_is_kept_with_who_and_the_text_before(
    assessment, officer, administrator
):
    row = _row(assessment, "1.2")
    services.self_assessment_row_update(
        row=row, comply=Comply.YES, evidence="Policy 3.1", commentary="First.", actor=officer
    )
    services.self_assessment_row_update(
        row=row, comply=Comply.YES, evidence="Policy 3.2", commentary="First.", actor=administrator
    )
    history = list(selectors.text_history(f"self-assessment-row:{row.pk}"))
    latest = history[0]
    assert (latest.field, latest.previous, latest.text) == ("evidence", "Policy 3.1", "Policy 3.2")
    assert latest.changed_by == administrator
    # The first save wrote comply, evidence and commentary; the second only what changed.
    assert len(history) == 4
    assert not ReportTextVersion.objects.filter(field="action").exists()


def test_an_improvements_wording_is_kept_when_it_changes(db, officer):
    improvement = services.improvement_create(
        data=services.ImprovementInput(title="Call back", description="Within a day."),
        actor=officer,
    )
    services.improvement_update(
        improvement=improvement,
        data=services.ImprovementInput(title="Call back", description="Within one working day."),
        actor=officer,
    )
    (version,) = selectors.text_history(f"improvement:{improvement.pk}")
    assert (version.previous, version.text) == ("Within a day.", "Within one working day.")


def test_the_answer_form_shows_an_error_summary_and_leads_to_the_next_provision(
    client, assessment, officer
):
    client.force_login(officer)
    url = reverse("reporting:self_assessment_row", kwargs={"pk": assessment.pk, "provision": "1.2"})
    page = client.get(url).content.decode()
    assert 'rel="next"' in page
    assert "Provision 1.3" in page
    assert 'rel="prev"' not in page  # 1.2 is the first provision
    response = client.post(url, {"comply": "na", "commentary": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert f'href="#id_commentary">{services.NA_REASON_NEEDED}' in page
    response = client.post(url, {"comply": "yes", "evidence": "Policy", "then": "next"})
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "reporting:self_assessment_row", kwargs={"pk": assessment.pk, "provision": "1.3"}
    )
    # The next provision leads back to the one before it, and on to the one after.
    page = client.get(response["Location"]).content.decode()
    assert f'href="{url}" rel="prev"' in page
    assert "Provision 1.2" in page
    assert 'rel="next"' in page


def test_a_governing_body_member_approves_the_assessment_and_the_senior_lead_cannot(
    assessment, officer, board_member, senior_lead
):
    for row in assessment.rows.all():
        services.self_assessment_row_update(
            row=row, comply=Comply.YES, evidence="Policy", commentary="", actor=officer
        )
    with pytest.raises(RuleBroken) as refused:
        services.self_assessment_approve(
            assessment=assessment, approved_on=date(2025, 8, 1), minute="M", actor=senior_lead
        )
    assert refused.value.message == services.APPROVER_ROLE
    approved = services.self_assessment_approve(
        assessment=assessment, approved_on=date(2025, 8, 1), minute="Board 9", actor=board_member
    )
    assert approved.approved_by == board_member


def test_the_word_file_and_the_pdf_carry_the_evidence_flags_and_the_na_reason(
    client, assessment, officer, tmp_path
):
    import io
    import subprocess

    from docx import Document

    # 6.2: answered "Yes" while the case record shows late acknowledgements (measured and
    # stored when the assessment was started; set here so the test needs no year of cases).
    assessment.rows.filter(provision__in=["6.2", "6.3"]).update(shortfall=True)
    services.self_assessment_row_update(
        row=_row(assessment, "6.2"),
        comply=Comply.YES,
        evidence="Policy",
        commentary="",
        actor=officer,
    )
    services.self_assessment_row_update(
        row=_row(assessment, "6.3"),
        comply=Comply.NO,
        evidence="",
        actor=officer,
        commentary="Some late.",
        action="Recruit a handler.",
        action_due=date(2025, 12, 1),
    )
    services.self_assessment_row_update(
        row=_row(assessment, "5.4"),
        comply=Comply.NA,
        evidence="",
        commentary="We have two stages only; there is no third stage to refer to.",
        actor=officer,
    )
    client.force_login(officer)

    def export(fmt):
        url = reverse("reporting:self_assessment_export", kwargs={"pk": assessment.pk, "fmt": fmt})
        return client.get(url).content

    rows = {
        row.cells[0].text: [cell.text for cell in row.cells]
        for table in Document(io.BytesIO(export("docx"))).tables
        for row in table.rows[1:]
    }
    assert rows["6.2"][2] == 'Yes\nRecord shows exceptions\n"Yes" needs review'
    assert rows["6.3"][2] == "No\nRecord shows exceptions"
    assert rows["5.4"][2] == "N/A"
    assert rows["5.4"][4] == "We have two stages only; there is no third stage to refer to."
    path = tmp_path / "self-assessment.pdf"
    path.write_bytes(export("pdf"))
    # In content order (pdftotext -raw): the narrow "Comply" column wraps each flag.
    raw = subprocess.run(  # noqa: S603
        ["pdftotext", "-raw", str(path), "-"],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    text = " ".join(raw.split())
    assert text.count("Record shows exceptions") == 2
    assert text.count('"Yes" needs review') == 1
    assert "We have two stages only; there is no third stage to refer to." in text
