"""Reports as files: TSM as CSV and XLSX, the self-assessment as DOCX, any report as PDF."""

import csv
import io

from django.template.loader import render_to_string
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from openpyxl import Workbook
from openpyxl.styles import Font

from putright.reporting.models import SelfAssessment
from putright.reporting.reports import TsmReturn
from putright.rules.profile import get_profile

TSM_HEADER = [
    "Measure",
    "Key",
    "Numerator",
    "Denominator",
    "Value",
    "Unit",
    "Used in return",
    "How it is calculated",
]
A4_LONG, A4_SHORT = Cm(29.7), Cm(21.0)
# Provision, requirement, comply, evidence, commentary: 26.7 cm between 1.5 cm margins.
COLUMN_WIDTHS_CM = (2.1, 8.0, 2.8, 7.1, 6.7)
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_TYPE = "application/pdf"


def _tsm_rows(tsm: TsmReturn) -> list[list[object]]:
    rows = []
    for figure in tsm.figures:
        used = figure.key.startswith("ch01") or figure.key.endswith(f"-{tsm.basis}")
        rows.append(
            [
                figure.label,
                figure.key,
                figure.numerator,
                "" if figure.denominator is None else figure.denominator,
                "" if figure.value is None else figure.value,
                figure.unit,
                "yes" if used else "no",
                figure.explanation,
            ]
        )
    return rows


def tsm_csv(tsm: TsmReturn) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([f"Tenant Satisfaction Measures {tsm.period.label}"])
    writer.writerow([tsm.rule])
    writer.writerow(TSM_HEADER)
    writer.writerows(_tsm_rows(tsm))
    # A byte-order mark so Excel opens the file as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def tsm_xlsx(tsm: TsmReturn) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = f"TSM {tsm.period.label.replace('/', '-')}"
    sheet.append([f"Tenant Satisfaction Measures {tsm.period.label}"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([tsm.rule])
    sheet.append(TSM_HEADER)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in _tsm_rows(tsm):
        sheet.append(row)
    for column, width in zip("ABCDEFGH", (60, 26, 12, 14, 10, 16, 14, 90), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _row_property(row, name: str) -> None:
    """Switch on a table row property (w:tblHeader, w:cantSplit), which python-docx lacks."""
    properties = row._tr.get_or_add_trPr()
    flag = OxmlElement(name)
    flag.set(qn("w:val"), "true")
    properties.append(flag)


def self_assessment_docx(assessment: SelfAssessment, landlord: str) -> bytes:
    """Laid out like the Ombudsman's Appendix A form: a table per section."""
    profile = get_profile(assessment.profile_code)
    requirements = {p.number: p.requirement for p in profile.provisions}
    document = Document()
    section = document.sections[0]
    # A4 landscape (python-docx starts from US Letter): the Ombudsman's form is A4.
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = A4_LONG, A4_SHORT
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    document.styles["Normal"].font.size = Pt(9)
    document.add_heading("Appendix A: Self-assessment form", level=0)
    document.add_paragraph(
        f"{landlord} — {assessment} ({assessment.get_trigger_display()}), "
        f"measured from the case record on {assessment.measured_on:%d %B %Y}."
    )
    if assessment.is_approved:
        document.add_paragraph(
            f"Approved by the governing body on {assessment.approved_on:%d %B %Y}: "
            f"{assessment.approval_minute}"
        )
    else:
        document.add_paragraph("Draft: not yet approved by the governing body.")
    rows = list(assessment.rows.all())
    for number, title in profile.sections:
        document.add_heading(f"Section {number}: {title}", level=1)
        table = document.add_table(rows=1, cols=5)
        table.style = "Table Grid"
        for cell, text in zip(
            table.rows[0].cells,
            (
                "Code provision",
                "Code requirement",
                "Comply: Yes / No / N/A",
                "Evidence",
                "Commentary / explanation",
            ),
            strict=True,
        ):
            cell.text = text
            cell.paragraphs[0].runs[0].bold = True
        _row_property(table.rows[0], "w:tblHeader")  # repeated at the top of every page
        for row in (r for r in rows if r.section == number):
            added = table.add_row()
            _row_property(added, "w:cantSplit")  # a provision is read whole, on one page
            cells = added.cells
            cells[0].text = row.provision
            cells[1].text = requirements.get(row.provision, "")
            cells[2].text = row.get_comply_display() if row.comply else "Not answered"
            # The same evidence flags as the page and the PDF: the governing body signs this.
            flags = ["Record shows exceptions"] if row.shortfall else []
            if row.contradicted:
                flags.append('"Yes" needs review')
            for text in flags:
                flag = cells[2].add_paragraph().add_run(text)
                flag.bold = True
                flag.font.color.rgb = RGBColor(0x94, 0x25, 0x14)
            evidence = row.evidence
            if row.measured:
                evidence = f"{evidence}\n\nFrom the case record:\n{row.measured}".strip()
            cells[3].text = evidence
            commentary = row.commentary
            if row.comply == "no":
                commentary = (
                    f"{commentary}\n\nAction to comply: {row.action}\nBy: {row.action_due:%d %B %Y}"
                ).strip()
            cells[4].text = commentary
        # Every cell's width, with autofit off, or Word and LibreOffice split the page evenly.
        table.autofit = False
        for column, width in zip(table.columns, COLUMN_WIDTHS_CM, strict=True):
            column.width = Cm(width)  # the table grid, which LibreOffice reads
            for cell in column.cells:
                cell.width = Cm(width)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf(template: str, context: dict, *, base_url: str = "") -> bytes:
    """Render a report template to PDF with WeasyPrint."""
    from weasyprint import HTML

    html = render_to_string(template, context)
    return HTML(string=html, base_url=base_url or ".").write_pdf()
