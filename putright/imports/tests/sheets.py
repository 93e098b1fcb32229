"""Building import files for tests: a complete row to vary, as CSV or XLSX bytes."""

import csv
import io
from typing import Any

from django.apps import apps

from putright.imports.columns import COLUMN_NAMES

# Received Monday 7 April 2025; Good Friday (18 April) and Easter Monday (21 April) fall inside
# the stage 1 response clock, so the bank-holiday calendar is exercised.
ROW: dict[str, str] = {
    "legacy_reference": "OLD-1001",
    "resident_id": "T-0042",
    "resident_name": "Rosa Bell",
    "resident_email": "rosa@example.org",
    "tenure": "lcra",
    "property_ref": "100023",
    "address_line_1": "1 High Street",
    "town": "Exampleton",
    "postcode": "EX1 1AA",
    "channel": "phone",
    "category": "repairs",
    "received_on": "2025-04-07",
    "description": "Water coming through the kitchen ceiling.",
    "outcome_wanted": "Fix the leak.",
    "s1_acknowledged_on": "2025-04-09",
    "s1_handler": "hamid",
    "s1_points": "Leak not repaired | Nobody called back",
    "s1_responded_on": "2025-04-17",
    "s1_decision": "partly upheld",
    "s1_remedies": "apology; financial:150",
    "closed_on": "2025-04-22",
}


def row(**changes: Any) -> dict[str, str]:
    """ROW with some values changed; None removes a value."""
    out = dict(ROW)
    for key, value in changes.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = str(value)
    return out


def received_only(**changes: Any) -> dict[str, str]:
    """ROW received and nothing since (stage 1 open: no acknowledgement, response, decision,
    remedy or closure), with some values changed."""
    blank = {"s1_acknowledged_on", "s1_responded_on", "s1_decision", "s1_remedies", "closed_on"}
    return row(**dict.fromkeys(blank, ""), **changes)


def csv_bytes(*rows: dict[str, str], columns: tuple[str, ...] = COLUMN_NAMES) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    for r in rows:
        writer.writerow(r)
    return out.getvalue().encode("utf-8")


def xlsx_bytes(
    *rows: dict[str, str],
    correspondence: list[dict[str, str]] | None = None,
    hazards: list[dict[str, str]] | None = None,
) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Complaints"
    ws.append(list(COLUMN_NAMES))
    for r in rows:
        ws.append([r.get(c, None) for c in COLUMN_NAMES])
    if correspondence is not None:
        corr = wb.create_sheet("Correspondence")
        names = [
            "legacy_reference",
            "date",
            "direction",
            "channel",
            "counterpart",
            "subject",
            "summary",
        ]
        corr.append(names)
        for item in correspondence:
            corr.append([item.get(c) for c in names])
    if hazards is not None:
        from putright.imports.columns import HAZARD_NAMES

        sheet = wb.create_sheet("Hazards")
        sheet.append(list(HAZARD_NAMES))
        for item in hazards:
            sheet.append([item.get(c) for c in HAZARD_NAMES])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


DUMPED_APPS = ("complaints", "people", "imports", "accounts")
# The batch log records each run (who, when, counts): it is the one table a re-run adds to.
NOT_DUMPED = {"ImportBatch"}
VOLATILE = {"recorded_at", "created_at", "logged_at", "last_login"}


def dump() -> dict[str, list[dict[str, Any]]]:
    """Every row of every PutRight table, to compare the database before and after."""
    out = {}
    for app in DUMPED_APPS:
        for model in apps.get_app_config(app).get_models():
            if model.__name__ in NOT_DUMPED:
                continue
            out[model.__name__] = list(model.objects.order_by("pk").values())
    return out
