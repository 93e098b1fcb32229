"""Survey answers: dissatisfaction is not a complaint, but the resident is told how to
complain (Code 1.6) — a follow-up task tracked to done."""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db import transaction
from django.utils import timezone

from putright.complaints.calendar import landlord_calendar
from putright.complaints.models import Complaint
from putright.core.errors import InvalidInput
from putright.core.validation import require_text
from putright.intake.constants import (
    RECOGNISED_CHARS,
    SURVEY_DISSATISFIED_AT_OR_BELOW,
    SURVEY_FOLLOW_UP_WORKING_DAYS,
    FollowUpStatus,
    IntakeChannel,
)
from putright.intake.models import FollowUpTask, SurveyResponse
from putright.intake.services.items import item_receive
from putright.people.models import Resident
from putright.rules.calendar import add_working_days
from putright.rules.recognition import recognise

REQUIRED_COLUMNS = ("response_id", "responded_on", "score")
MISSING_COLUMNS = "The file is missing the column(s): {columns}."
NOT_CSV = "The file is not a CSV file we can read (save it as CSV, UTF-8)."
EMPTY_FILE = "The file has no survey answers."
SURVEY_NAME_REQUIRED = "Give the survey a name, e.g. “Repairs satisfaction 2026 Q1”."
HOW_TOLD_REQUIRED = "Say how the resident was told how to complain (call, letter, email)."
ALREADY_DONE = "This follow-up is already done."
# The resident's comment was decided a complaint: they need not be told how to make one.
DONE_BY_COMPLAINT = (
    "Not needed: their survey comment ({item}) was decided a complaint ({complaint})"
)


@dataclass
class SurveyImportResult:
    created: int = 0
    already_imported: int = 0
    follow_ups: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Row:
    response_id: str
    responded_on: date
    score: int
    comment: str
    name: str
    email: str
    resident_id: int | None


def _read(text: str) -> tuple[list[_Row], list[str]]:
    try:
        reader = csv.DictReader(io.StringIO(text))
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error:
        raise InvalidInput(NOT_CSV, field="file") from None
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise InvalidInput(MISSING_COLUMNS.format(columns=", ".join(missing)), field="file")
    reader.fieldnames = header
    rows, errors = [], []
    try:
        raw_rows = list(reader)
    except csv.Error:
        raise InvalidInput(NOT_CSV, field="file") from None
    if not raw_rows:
        raise InvalidInput(EMPTY_FILE, field="file")
    for line, raw in enumerate(raw_rows, start=2):
        values = {k: (v or "").strip() for k, v in raw.items() if k}
        problems = []
        if not values.get("response_id"):
            problems.append("no response_id")
        try:
            responded_on = date.fromisoformat(values.get("responded_on", ""))
            if responded_on > timezone.localdate():
                problems.append("responded_on is in the future")
        except ValueError:
            responded_on = None
            problems.append("responded_on must be a date like 2026-03-02")
        try:
            score = int(values.get("score", ""))
            if not 1 <= score <= 5:
                raise ValueError
        except ValueError:
            score = 0
            problems.append("score must be a whole number from 1 to 5")
        resident_id = None
        if values.get("resident_id"):
            try:
                resident_id = int(values["resident_id"])
            except ValueError:
                problems.append("resident_id must be a number")
        if problems:
            errors.append(f"Row {line}: " + "; ".join(problems) + ".")
            continue
        rows.append(
            _Row(
                response_id=values["response_id"][:100],
                responded_on=responded_on,  # type: ignore[arg-type]
                score=score,
                comment=values.get("comment", ""),
                name=values.get("name", "")[:200],
                email=values.get("email", "").lower()[:254],
                resident_id=resident_id,
            )
        )
    return rows, errors


def _resident(row: _Row, by_id: dict[int, Resident]) -> Resident | None:
    if row.resident_id is not None:
        return by_id.get(row.resident_id)
    if row.email:
        matches = list(Resident.objects.filter(email__iexact=row.email)[:2])
        if len(matches) == 1:
            return matches[0]
    return None


@transaction.atomic
def survey_import_csv(*, text: str, survey: str, actor: Any) -> SurveyImportResult:
    """Import survey answers; all rows are checked first and a file with errors imports
    nothing. Re-importing the same file creates nothing twice."""
    survey = require_text(survey, "survey", SURVEY_NAME_REQUIRED)[:100]
    rows, errors = _read(text)
    if errors:
        return SurveyImportResult(errors=errors)
    ids = {r.resident_id for r in rows if r.resident_id is not None}
    by_id = Resident.objects.in_bulk(ids)
    unknown = sorted(ids - set(by_id))
    if unknown:
        return SurveyImportResult(errors=[f"No resident with id {', '.join(map(str, unknown))}."])
    seen = set(SurveyResponse.objects.filter(survey=survey).values_list("response_id", flat=True))
    result = SurveyImportResult()
    cal = landlord_calendar()
    due_on = add_working_days(timezone.localdate(), SURVEY_FOLLOW_UP_WORKING_DAYS, calendar=cal)
    for row in rows:
        if row.response_id in seen:
            result.already_imported += 1
            continue
        seen.add(row.response_id)
        dissatisfied = row.score <= SURVEY_DISSATISFIED_AT_OR_BELOW
        response = SurveyResponse.objects.create(
            survey=survey,
            response_id=row.response_id,
            resident=_resident(row, by_id),
            respondent_name=row.name,
            respondent_email=row.email,
            responded_on=row.responded_on,
            score=row.score,
            comment=row.comment,
            dissatisfied=dissatisfied,
        )
        result.created += 1
        if dissatisfied:
            FollowUpTask.objects.create(survey_response=response, due_on=due_on)
            result.follow_ups += 1
        if row.comment.strip() and (
            dissatisfied or recognise(row.comment[:RECOGNISED_CHARS]).label == "complaint"
        ):
            # A dissatisfied comment may be a complaint (Code 1.6), whatever score came with
            # it ("5/5 but the engineer was rude"): a person decides, in the intake inbox.
            item_receive(
                channel=IntakeChannel.SURVEY,
                received_at=timezone.make_aware(datetime.combine(row.responded_on, time(12))),
                body=row.comment,
                subject=f"Survey {survey}: {row.score}/5",
                sender_name=row.name,
                sender_email=row.email,
                suggested_resident=response.resident,
                survey_response=response,
                actor=actor,
            )
    return result


def _lock_task(task: FollowUpTask) -> FollowUpTask:
    return FollowUpTask.objects.select_for_update().get(pk=task.pk)


@transaction.atomic
def follow_up_complete(
    *, task: FollowUpTask, how_told: str, actor: Any, complaint: Complaint | None = None
) -> FollowUpTask:
    """The resident was told how to complain (and, if they chose to, their complaint logged)."""
    if not getattr(actor, "can_handle_cases", False):
        raise InvalidInput(
            "Only a complaint handler or complaints officer can do this.", field="actor"
        )
    task = _lock_task(task)
    if task.status == FollowUpStatus.DONE:
        raise InvalidInput(ALREADY_DONE, field="how_told")
    task.how_told = require_text(how_told, "how_told", HOW_TOLD_REQUIRED)[:200]
    task.status = FollowUpStatus.DONE
    task.done_on = timezone.localdate()
    task.done_by = actor
    task.complaint = complaint
    task.save(update_fields=["how_told", "status", "done_on", "done_by", "complaint"])
    return task


def follow_up_done_by_complaint(
    *, response: SurveyResponse, complaint: Complaint, item_reference: str, actor: Any
) -> FollowUpTask | None:
    """The survey comment was decided a complaint (new, or added to a case): its follow-up is
    linked to the complaint and, if still to do, done by whoever decided it, today. Called
    inside the decision's transaction, so both happen or neither. A follow-up already done (the
    resident was told how to complain first) keeps how they were told and gains the link."""
    task = FollowUpTask.objects.select_for_update().filter(survey_response=response).first()
    if task is None:  # a comment that read as a complaint with a good score has no follow-up
        return None
    fields = []
    if task.complaint_id is None:
        task.complaint = complaint
        fields.append("complaint")
    if task.status != FollowUpStatus.DONE:
        task.status = FollowUpStatus.DONE
        task.done_on = timezone.localdate()
        task.done_by = actor
        task.how_told = DONE_BY_COMPLAINT.format(
            item=item_reference, complaint=complaint.reference
        )[:200]
        fields += ["status", "done_on", "done_by", "how_told"]
    if fields:
        task.save(update_fields=fields)
    return task
