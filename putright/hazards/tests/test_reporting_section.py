"""Awaab's Law compliance per clock in the annual report and the MRC pack."""

import re

from putright.hazards import services
from putright.hazards.tests.stories import london, raised
from putright.letters.tests.conftest import pdf_text


def _cells(page: str, label: str) -> list[str]:
    """The numbers in the hazard section's row for the clock labelled `label`."""
    section = page[page.index('id="hazards"') :]
    row = re.search(re.escape(label) + r"</th>(.*?)</tr>", section, re.S)
    assert row, label
    return re.findall(r'numeric">([^<]*)</td>', row.group(1))


def _two_reports(handler):
    """Monday 2 March 2026, 10:00. Gas (emergency, aware 08:00) investigated at 09:00, no
    hazard: the 24-hour investigation clock is met. Mould (significant, aware 09:00): its
    10-working-day investigation is still open."""
    gas = raised(
        actor=handler,
        hazard="uncombusted_gas",
        assessment="emergency",
        aware_at=london(2026, 3, 2, 8),
    )
    services.hazard_investigation_record(
        report=gas,
        investigator="Gas engineer",
        concluded_at=london(2026, 3, 2, 9),
        findings="Loose fitting, tightened.",
        hazard_found=False,
        further_work_needed=False,
        actor=handler,
    )
    raised(actor=handler, aware_at=london(2026, 3, 2, 9))


def test_the_annual_report_has_a_hazard_section_per_clock(client, monday, handler, viewer):
    _two_reports(handler)
    client.force_login(viewer)
    page = client.get("/reports/annual/2025/").content.decode()
    # met, missed, open, of which overdue, stopped, met on time
    assert _cells(page, "Investigate the emergency hazard (24 hours)") == [
        "1",
        "0",
        "0",
        "0",
        "0",
        "100%",
    ]
    assert _cells(page, "Investigate the significant hazard (10 working days)") == [
        "0",
        "0",
        "1",
        "0",
        "0",
        "–",
    ]
    assert "/hazards/compliance/?start=2025-04-01&amp;end=2026-03-31" in page


def test_the_mrc_pack_counts_only_its_quarter(client, monday, handler, viewer):
    _two_reports(handler)
    client.force_login(viewer)
    q4 = client.get("/reports/mrc/2025/q4/").content.decode()
    assert _cells(q4, "Investigate the emergency hazard (24 hours)")[0] == "1"
    q3 = client.get("/reports/mrc/2025/q3/").content.decode()
    assert "No hazard reports in this period." in q3[q3.index('id="hazards"') :]


def test_the_annual_report_pdf_has_the_hazard_section(client, monday, handler, viewer, tmp_path):
    _two_reports(handler)
    client.force_login(viewer)
    response = client.get("/reports/annual/2025/report.pdf")
    path = tmp_path / "annual.pdf"
    path.write_bytes(response.content)
    text = pdf_text(path)
    assert "Awaab's Law: hazard clocks" in text or "Awaab’s Law: hazard clocks" in text
    assert "Investigate the emergency hazard" in text
