"""Subject-access export (UK GDPR Art. 15): everything held about one resident, as a ZIP.

The ZIP has README.txt, index.html and index.csv at the top, the personal data held
(resident.json), and per complaint its details, record, correspondence, letters and files.
"""

import csv
import io
import json
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import get_valid_filename

from putright.complaints.models import Attachment, Complaint
from putright.intake.models import ServiceRequest, SurveyResponse
from putright.letters.models import Letter
from putright.people.models import Resident
from putright.privacy.constants import AuditKind
from putright.privacy.models import AuditEntry
from putright.privacy.selectors import residents_hazard_reports
from putright.privacy.services import clean_reason, require_administrator

README = """Subject-access export from PutRight, {landlord}
Resident number {resident_id}, produced on {day:%d %B %Y}.

This archive holds the personal data the landlord keeps about the resident in its complaints
system, and every complaint they made, with its full record.

  index.html        start here: everything in this archive, with links
  index.csv         the same list as a spreadsheet
  resident.json     the personal data held: contact details, tenancies, adjustments,
                    vulnerabilities, representatives, contact restrictions, service requests,
                    survey answers
  complaints/REF/   one folder per complaint:
      complaint.json      the complaint, its stages, definition, responses, decisions,
                          remedies and outstanding actions
      record.csv          the case record (every entry, oldest first)
      correspondence.csv  letters, emails, calls and messages in and out
      letters/            the letters sent, as PDFs
      files/              the documents kept with the complaint
  letters/          letters not tied to one complaint
  hazards/          one file per hazard report about the resident's home (Awaab's Law):
                    who reported it, the occupiers, the investigation, the work and every
                    step recorded

Text replaced by "[removed ...]" was removed under the retention policy or an earlier request.
"""


@dataclass
class SubjectAccessExport:
    """The ZIP (a temporary file, at position 0), its download name and the audit entry."""

    file: IO[bytes]
    filename: str
    audit: AuditEntry
    files: int


def _json(data: Any) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


def _fields(obj: Any) -> dict[str, Any]:
    """Every stored field of a row (files by name), including those no form edits."""
    data = {}
    for f in obj._meta.concrete_fields:
        value = getattr(obj, f.attname)
        data[f.attname] = value.name if isinstance(value, FieldFile) else value
    return data


def _rows(objs) -> list[dict]:
    return [_fields(o) for o in objs]


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return out.getvalue()


def _resident_data(resident: Resident) -> dict:
    return {
        "resident": _fields(resident),
        "home": str(resident.home) if resident.home else "",
        "tenancies": [
            {**_fields(t), "home": str(t.home)} for t in resident.tenancies.select_related("home")
        ],
        "adjustments": _rows(resident.adjustments.all()),
        "vulnerabilities": _rows(resident.vulnerabilities.all()),
        "representatives": _rows(resident.representatives.all()),
        "contact_restrictions": _rows(resident.contact_restrictions.all()),
        "service_requests": _rows(ServiceRequest.objects.filter(resident=resident)),
        "survey_responses": _rows(SurveyResponse.objects.filter(resident=resident)),
    }


def _complaint_data(complaint: Complaint) -> dict:
    stages = []
    for stage in complaint.stages.all():
        response = getattr(stage, "response", None)
        stages.append(
            {
                **_fields(stage),
                "extensions": _rows(stage.extensions.all()),
                "response": {
                    **_fields(response),
                    "decisions": _rows(response.decisions.all()),
                }
                if response
                else None,
            }
        )
    return {
        "complaint": {
            **_fields(complaint),
            "category": str(complaint.category or ""),
            "home": str(complaint.home or ""),
        },
        "points": _rows(complaint.points.all()),
        "stages": stages,
        "remedies": _rows(complaint.remedies.all()),
        "outstanding_actions": _rows(complaint.outstanding_actions.all()),
        "exclusions": _rows(complaint.exclusions.all()),
        "ombudsman_referrals": _rows(complaint.ombudsman_referrals.all()),
    }


def _hazard_data(report: Any) -> dict:
    return {
        "hazard_report": {
            **_fields(report),
            "hazard_label": report.get_hazard_display(),
            "complaint_reference": report.complaint.reference if report.complaint else "",
        },
        "steps": _rows(report.steps.all()),
    }


def _add_file(archive: zipfile.ZipFile, field_file, path: str) -> bool:
    if not field_file:
        return False
    try:
        with field_file.open("rb") as handle:
            archive.writestr(path, handle.read())
    except OSError:
        return False
    return True


def resident_export(*, resident: Resident, reason: str, actor: Any) -> SubjectAccessExport:
    """Build the resident's subject-access ZIP; the reason and counts go to the audit log."""
    require_administrator(actor)
    reason = clean_reason(reason, resident)
    today: date = timezone.localdate()
    index: list[dict[str, str]] = []
    files = 0
    target = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115 (returned)
    complaints = list(
        Complaint.objects.filter(resident=resident)
        .select_related("category", "home")
        .order_by("id")
    )
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("resident.json", _json(_resident_data(resident)))
        index.append({"section": "Personal data", "item": "Details held", "path": "resident.json"})
        for complaint in complaints:
            folder = f"complaints/{complaint.reference}"
            archive.writestr(f"{folder}/complaint.json", _json(_complaint_data(complaint)))
            index.append(
                {
                    "section": complaint.reference,
                    "item": f"Complaint received {complaint.received_on:%d %B %Y}",
                    "path": f"{folder}/complaint.json",
                }
            )
            events = complaint.events.order_by("recorded_at", "id").values(
                "recorded_at", "happened_on", "code", "stage", "summary", "actor_label", "data"
            )
            archive.writestr(f"{folder}/record.csv", _csv(list(events)))
            index.append(
                {
                    "section": complaint.reference,
                    "item": "Case record",
                    "path": f"{folder}/record.csv",
                }
            )
            mail = complaint.correspondence.order_by("occurred_at", "id").values(
                "occurred_at", "direction", "channel", "counterpart", "subject", "body"
            )
            archive.writestr(f"{folder}/correspondence.csv", _csv(list(mail)))
            index.append(
                {
                    "section": complaint.reference,
                    "item": "Correspondence",
                    "path": f"{folder}/correspondence.csv",
                }
            )
            for attachment in Attachment.objects.filter(complaint=complaint).order_by("id"):
                path = (
                    f"{folder}/files/{attachment.pk}-{get_valid_filename(attachment.original_name)}"
                )
                if _add_file(archive, attachment.file, path):
                    files += 1
                    index.append(
                        {
                            "section": complaint.reference,
                            "item": attachment.original_name,
                            "path": path,
                        }
                    )
        for letter in (
            Letter.objects.filter(resident=resident).select_related("complaint").order_by("id")
        ):
            folder = f"complaints/{letter.complaint.reference}" if letter.complaint else ""
            path = f"{folder}/letters/{letter.pk}-{letter.kind}.pdf".lstrip("/")
            if _add_file(archive, letter.pdf, path):
                files += 1
                index.append(
                    {
                        "section": letter.complaint.reference if letter.complaint else "Letters",
                        "item": f"{letter.get_kind_display()} to {letter.recipient_name}",
                        "path": path,
                    }
                )
        for report in (
            residents_hazard_reports(resident)
            .select_related("complaint")
            .prefetch_related("steps")
            .order_by("id")
        ):
            path = f"hazards/hazard-report-{report.pk}.json"
            archive.writestr(path, _json(_hazard_data(report)))
            index.append(
                {
                    "section": "Hazard reports",
                    "item": f"Hazard report {report.pk}: {report.get_hazard_display()}, "
                    f"reported {timezone.localtime(report.aware_at):%d %B %Y}",
                    "path": path,
                }
            )
        archive.writestr(
            "README.txt",
            README.format(landlord=_landlord(), resident_id=resident.pk, day=today),
        )
        archive.writestr("index.csv", _csv(index))
        archive.writestr(
            "index.html",
            render_to_string(
                "privacy/export_index.html",
                {"resident": resident, "index": index, "day": today, "landlord": _landlord()},
            ),
        )
    target.seek(0)
    with transaction.atomic():
        audit = AuditEntry.objects.create(
            kind=AuditKind.SUBJECT_ACCESS,
            actor=actor,
            at=timezone.now(),
            resident_id_number=resident.pk,
            complaint_references=[c.reference for c in complaints],
            reason=reason,
            files_exported=files,
        )
    return SubjectAccessExport(
        file=target,  # type: ignore[arg-type]
        filename=f"subject-access-resident-{resident.pk}-{today:%Y%m%d}.zip",
        audit=audit,
        files=files,
    )


def _landlord() -> str:
    from django.conf import settings

    return settings.PUTRIGHT_LANDLORD_NAME
