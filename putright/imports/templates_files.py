"""The downloadable import templates: a CSV and an XLSX with the columns, an example and lists."""

import csv
import io

from putright.complaints.constants import Channel, Outcome, ReferralOutcome
from putright.complaints.models import Category
from putright.core.profile import current_profile
from putright.imports.columns import (
    COLUMNS,
    CORRESPONDENCE_COLUMNS,
    CORRESPONDENCE_SHEET,
)
from putright.people.models import Tenure


def csv_template() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.name for c in COLUMNS])
    writer.writerow([c.example for c in COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


def allowed_values() -> dict[str, list[tuple[str, str]]]:
    """Every list a column draws from, code and label, for the template and the docs page."""
    profile = current_profile()
    return {
        "channel": list(Channel.choices),
        "tenure": [*Tenure.choices, ("non_customer", "Non-customer")],
        "category": list(Category.objects.filter(active=True).values_list("code", "name")),
        "s1_decision / s2_decision": list(Outcome.choices),
        "s1_remedies / s2_remedies": [(r.code, r.label) for r in profile.remedy_types],
        "exclusion_ground": [(g.code, g.label) for g in profile.exclusion_grounds],
        "ombudsman_outcome": [
            c for c in ReferralOutcome.choices if c[0] != ReferralOutcome.PENDING
        ],
    }


def xlsx_template() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Complaints"
    ws.append([c.name for c in COLUMNS])
    ws.append([c.example for c in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    corr = wb.create_sheet(CORRESPONDENCE_SHEET)
    corr.append([c.name for c in CORRESPONDENCE_COLUMNS])
    corr.append([c.example for c in CORRESPONDENCE_COLUMNS])
    for cell in corr[1]:
        cell.font = Font(bold=True)
    help_sheet = wb.create_sheet("Columns")
    help_sheet.append(["column", "required", "what it holds"])
    for c in COLUMNS:
        help_sheet.append([c.name, "yes" if c.required else "", c.description])
    lists = wb.create_sheet("Allowed values")
    lists.append(["column", "code", "label"])
    for column, pairs in allowed_values().items():
        for code, label in pairs:
            lists.append([column, code, label])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
