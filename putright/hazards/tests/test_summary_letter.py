"""The written summary goes out as a letter through the letters gate and is kept in the record."""

from datetime import date

import pytest

from putright.complaints.models import CaseEvent, Correspondence
from putright.hazards import services
from putright.hazards.tests.stories import investigated, raised
from putright.letters.constants import LetterKind
from putright.letters.context import hazard_summary_context
from putright.letters.gate import LetterIncomplete, missing_from_data
from putright.letters.models import Letter
from putright.letters.requirements import required_elements
from putright.letters.services.letters import letters_issue
from putright.letters.tests.conftest import pdf_text
from putright.rules.profile import HOUSING_OMBUDSMAN_2024


def summarised(complaint, handler, capture, *, found: bool = True):
    report = investigated(raised(actor=handler, complaint=complaint), actor=handler, found=found)
    with capture(execute=True):
        services.hazard_summary_record(report=report, sent_on=date(2026, 3, 2), actor=handler)
    return report


def test_recording_the_summary_sends_the_summary_letter_and_files_it(
    complaint, handler, django_capture_on_commit_callbacks, mailoutbox
):
    summarised(complaint, handler, django_capture_on_commit_callbacks)
    letter = Letter.objects.get(kind=LetterKind.HAZARD_SUMMARY)
    text = pdf_text(letter.pdf.path)
    assert "Condensation mould from a failed extractor fan." in text
    assert "Yes. The investigation found a hazard" in text
    # Investigation concluded Mon 2 Mar 2026: safety work within 5 working days, by 9 March.
    assert "within 5 working days of the investigation, by 9 March 2026" in text
    assert "You can make a complaint" in text
    kept = Correspondence.objects.get(complaint=complaint, subject=letter.subject)
    assert kept.direction == "out"
    codes = list(complaint.events.order_by("id").values_list("code", flat=True))
    assert codes[-3:] == ["hazard.summary_sent", "letter.issued", "correspondence.sent"]
    assert [m.to for m in mailoutbox] == [["rosa.bell@example.org"]]


def test_a_summary_finding_no_hazard_says_so(
    complaint, handler, django_capture_on_commit_callbacks
):
    summarised(complaint, handler, django_capture_on_commit_callbacks, found=False)
    text = pdf_text(Letter.objects.get(kind=LetterKind.HAZARD_SUMMARY).pdf.path)
    assert "No. The investigation did not find" in text
    assert "No work is needed" in text


def test_the_gate_refuses_a_summary_that_found_a_hazard_but_lists_no_work(complaint, handler):
    context = hazard_summary_context(
        {"findings": "Mould.", "hazard_found": True, "work": [], "hazard_label": "Damp"}
    )
    elements = required_elements(LetterKind.HAZARD_SUMMARY, profile=HOUSING_OMBUDSMAN_2024)
    missing = missing_from_data(context, elements)
    assert [(m.element.key, m.detail) for m in missing] == [
        ("work", "no work is listed although a hazard was found")
    ]
    with pytest.raises(LetterIncomplete):
        letters_issue(
            complaint=complaint, kind=LetterKind.HAZARD_SUMMARY, context=context, actor=handler
        )
    assert not Letter.objects.filter(kind=LetterKind.HAZARD_SUMMARY).exists()
    assert not CaseEvent.objects.filter(code="letter.issued").exists()


def test_a_report_with_no_complaint_sends_its_summary_to_the_resident_on_it(
    monday, resident, handler, django_capture_on_commit_callbacks, mailoutbox
):
    """Raised directly for Rosa (no complaint): the summary goes to Rosa through the gate and
    the outbox, and the report's own record says it was issued."""
    report = investigated(
        raised(actor=handler, resident=resident, source="staff"), actor=handler, found=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.hazard_summary_record(report=report, sent_on=date(2026, 3, 2), actor=handler)
    letter = Letter.objects.get(kind=LetterKind.HAZARD_SUMMARY)
    assert letter.complaint is None
    assert letter.resident == resident
    text = pdf_text(letter.pdf.path)
    assert "Condensation mould from a failed extractor fan." in text
    assert "within 5 working days of the investigation, by 9 March 2026" in text
    assert [m.to for m in mailoutbox] == [["rosa.bell@example.org"]]
    last = report.steps.order_by("id").last()
    assert last.kind == "letter"
    assert last.summary == f"{LetterKind.HAZARD_SUMMARY.label} issued to Rosa Bell"
    assert not CaseEvent.objects.filter(code__startswith="hazard.").exists()


def test_a_report_with_only_an_address_records_that_no_summary_letter_went(
    monday, handler, django_capture_on_commit_callbacks
):
    report = investigated(raised(actor=handler, source="staff"), actor=handler, found=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.hazard_summary_record(report=report, sent_on=date(2026, 3, 2), actor=handler)
    assert not Letter.objects.filter(kind=LetterKind.HAZARD_SUMMARY).exists()
    last = report.steps.order_by("id").last()
    assert last.summary.endswith("not produced: staff action needed")
    assert last.data["reason"] == "The report names no resident to send the written summary to."


def test_an_emergency_summary_gives_the_24_hour_safety_timescale_and_the_further_work(
    complaint, handler, django_capture_on_commit_callbacks
):
    """Gas smelt in the kitchen, aware Monday 2 March 2026 08:00, investigated 09:00: a hazard,
    further work needed. Safety work is owed within 24 hours of becoming aware (by Tuesday 3
    March), not 5 working days; further work begins within 5 working days of the
    investigation (Tue 3, Wed 4, Thu 5, Fri 6, Mon 9 March) and physically starts within 12
    weeks of 2 March (25 May 2026)."""
    from putright.hazards.tests.stories import london

    report = raised(
        actor=handler,
        complaint=complaint,
        hazard="uncombusted_gas",
        assessment="emergency",
        aware_at=london(2026, 3, 2, 8),
    )
    report = investigated(
        report, actor=handler, concluded_at=london(2026, 3, 2, 9), findings="A leaking joint."
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.hazard_summary_record(report=report, sent_on=date(2026, 3, 2), actor=handler)
    work = CaseEvent.objects.get(complaint=complaint, code="hazard.summary_sent").data["work"]
    assert [w["timescale"] for w in work] == [
        "within 24 hours of us becoming aware of it",
        "begin within 5 working days and physically start within 12 weeks of the investigation",
    ]
    assert work[1]["begin_by"] == "2026-03-09"
    assert work[1]["due_on"] == "2026-05-25"
    text = pdf_text(Letter.objects.get(kind=LetterKind.HAZARD_SUMMARY).pdf.path)
    assert "within 24 hours of us becoming aware of it, by 3 March 2026" in text
    assert "We will begin it by 9 March 2026." in text
    assert "The investigation finished on 2 March 2026." in text
    assert "within 5 working days of the investigation" not in text
