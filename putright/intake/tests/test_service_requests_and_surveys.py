"""Service requests (Code 1.4-1.5), survey follow-ups (Code 1.6)."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from putright.complaints.models import Complaint
from putright.core.errors import AlreadyDone, InvalidInput, RuleBroken
from putright.intake.constants import FollowUpStatus, ServiceRequestStatus
from putright.intake.models import FollowUpTask, IntakeItem, ServiceRequest, SurveyResponse
from putright.intake.services import items, surveys
from putright.intake.services import service_requests as sr

pytestmark = pytest.mark.django_db


@pytest.fixture
def boiler_request(monday, rosa, handler):
    return sr.service_request_create(
        resident=rosa,
        summary="Boiler not heating water",
        requested_on=monday - timedelta(days=7),
        due_on=monday + timedelta(days=3),
        owner=handler,
        actor=handler,
    )


def test_a_service_request_is_recorded_with_due_date_owner_and_trail(boiler_request, handler):
    assert boiler_request.status == ServiceRequestStatus.OPEN
    assert boiler_request.owner == handler
    assert boiler_request.updates.order_by("id").first().summary == "Request recorded"


def test_the_resident_is_told_the_timescale_of_their_request(
    monday, rosa, handler, mailoutbox, django_capture_on_commit_callbacks
):
    # Policy 4.2: "customers will be given clear timescales for when the request will be
    # resolved" (issue 18).
    with django_capture_on_commit_callbacks(execute=True):
        request = sr.service_request_create(
            resident=rosa,
            summary="Boiler not heating water",
            requested_on=monday,
            due_on=date(2026, 3, 5),
            actor=handler,
        )
    (sent,) = [m for m in mailoutbox if "Your request" in m.subject]
    assert sent.to == [rosa.email]
    assert "We aim to complete it by 5 March 2026." in sent.body
    assert sr.TOLD_BY_EMAIL.format(due="5 March 2026") in [u.summary for u in request.updates.all()]


def test_a_resident_who_prefers_post_is_not_emailed_and_staff_are_told_to_tell_them(
    monday, rosa, handler, mailoutbox, django_capture_on_commit_callbacks
):
    from putright.people.models import Adjustment, ContactChannel

    Adjustment.objects.create(
        resident=rosa, kind=Adjustment.Kind.PREFERRED_CHANNEL, channel=ContactChannel.POST
    )
    with django_capture_on_commit_callbacks(execute=True):
        request = sr.service_request_create(
            resident=rosa,
            summary="Boiler not heating water",
            requested_on=monday,
            due_on=date(2026, 3, 5),
            actor=handler,
        )
    assert not [m for m in mailoutbox if "Your request" in m.subject]
    assert sr.TELL_BY_OTHER_MEANS.format(due="5 March 2026", why="prefers post") in [
        u.summary for u in request.updates.all()
    ]


def test_a_service_request_is_not_a_complaint(boiler_request):
    assert Complaint.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"summary": " "}, sr.SUMMARY_REQUIRED),
        ({"due_on": date(2026, 2, 1)}, sr.DUE_BEFORE_REQUEST),
        (
            {"requested_on": date(2026, 3, 3), "due_on": date(2026, 3, 9)},
            "The date cannot be in the future.",
        ),
    ],
)
def test_a_bad_service_request_is_refused_and_nothing_is_written(
    monday, rosa, handler, overrides, message
):
    values = {
        "resident": rosa,
        "summary": "Fence down",
        "requested_on": monday,
        "due_on": monday + timedelta(days=5),
        "actor": handler,
        **overrides,
    }
    with pytest.raises(InvalidInput) as exc:
        sr.service_request_create(**values)
    assert exc.value.message == message
    assert ServiceRequest.objects.count() == 0


def test_a_viewer_cannot_record_a_service_request(monday, rosa, viewer):
    with pytest.raises(InvalidInput, match="Only a complaint handler"):
        sr.service_request_create(
            resident=rosa, summary="x", requested_on=monday, due_on=monday, actor=viewer
        )


def test_a_service_request_is_monitored_through_status_due_date_and_owner(
    boiler_request, handler, second_handler
):
    sr.service_request_update(
        request=boiler_request,
        status=ServiceRequestStatus.IN_PROGRESS,
        due_on=boiler_request.due_on + timedelta(days=2),
        owner=second_handler,
        note="Engineer booked",
        actor=handler,
    )
    boiler_request.refresh_from_db()
    assert boiler_request.status == "in_progress"
    assert boiler_request.owner == second_handler
    assert boiler_request.updates.first().summary.startswith("Changed status in progress, due")
    with pytest.raises(InvalidInput, match="Change the status"):
        sr.service_request_update(request=boiler_request, actor=handler)
    sr.service_request_update(request=boiler_request, status="completed", actor=handler)
    boiler_request.refresh_from_db()
    assert boiler_request.completed_on is not None


def test_an_update_locks_the_request_and_a_stale_copy_cannot_set_a_status_twice(
    boiler_request, handler, second_handler
):
    stale = ServiceRequest.objects.get(pk=boiler_request.pk)  # a page loaded while it was open
    with CaptureQueriesContext(connection) as queries:
        sr.service_request_update(request=boiler_request, status="completed", actor=handler)
    if connection.features.has_select_for_update:  # PostgreSQL; SQLite locks the whole file
        assert any(
            "FOR UPDATE" in q["sql"] and "intake_servicerequest" in q["sql"] for q in queries
        )
    trail = boiler_request.updates.count()
    # The second submit, from the copy that still says "open", is refused by name.
    with pytest.raises(AlreadyDone) as exc:
        sr.service_request_update(request=stale, status="completed", actor=second_handler)
    assert exc.value.message == sr.ALREADY_IN_STATUS.format(status="completed")
    assert boiler_request.updates.count() == trail
    # A closed request's due date or owner changes only if it is reopened in the same change.
    boiler_request.refresh_from_db()
    with pytest.raises(RuleBroken) as exc:
        sr.service_request_update(request=boiler_request, owner=second_handler, actor=handler)
    assert exc.value.message == sr.REQUEST_CLOSED.format(status="completed")
    boiler_request.refresh_from_db()
    assert (boiler_request.owner, boiler_request.updates.count()) == (handler, trail)
    sr.service_request_update(
        request=boiler_request, status="in_progress", owner=second_handler, actor=handler
    )
    boiler_request.refresh_from_db()
    assert (boiler_request.status, boiler_request.owner, boiler_request.completed_on) == (
        "in_progress",
        second_handler,
        None,
    )


def test_dissatisfaction_raises_a_linked_complaint_and_the_request_carries_on(
    boiler_request, handler
):
    sr.service_request_update(request=boiler_request, status="in_progress", actor=handler)
    complaint = sr.service_request_dissatisfied(
        request=boiler_request,
        what_is_wrong="Three missed appointments; still no hot water.",
        actor=handler,
    )
    boiler_request.refresh_from_db()
    assert complaint.channel == "service_request"
    assert list(boiler_request.complaints.all()) == [complaint]
    # The request's handling must not stop (Code 1.5).
    assert boiler_request.status == "in_progress"
    assert boiler_request.owner == handler
    codes = list(complaint.events.order_by("id").values_list("code", flat=True))
    assert codes == ["complaint.received", "intake.service_request_linked"]
    assert "still no hot water" in complaint.description


def test_a_note_that_reads_as_a_complaint_goes_to_the_intake_inbox_for_a_person_to_decide(
    boiler_request, rosa, handler
):
    sr.service_request_update(
        request=boiler_request, note="Engineer booked for Thursday morning", actor=handler
    )
    assert not IntakeItem.objects.exists()  # a routine note is not a message to decide on
    sr.service_request_update(
        request=boiler_request,
        note="Tenant rang: third time I've chased this, not good enough",
        actor=handler,
    )
    item = IntakeItem.objects.get()
    assert (item.channel, item.service_request, item.suggested_label) == (
        "service_request",
        boiler_request,
        "complaint",
    )
    assert item.decision == ""  # not a complaint until a person decides
    assert Complaint.objects.count() == 0
    # Decided a complaint: the request's resident's, linked to the request, which carries on.
    complaint = items.item_decide_complaint(item=item, actor=handler)
    assert complaint.resident == rosa
    assert complaint.channel == "service_request"
    assert list(boiler_request.complaints.all()) == [complaint]
    assert "intake.service_request_linked" in complaint.events.values_list("code", flat=True)
    boiler_request.refresh_from_db()
    assert boiler_request.status == ServiceRequestStatus.OPEN


def test_dissatisfaction_needs_words_and_writes_nothing_without_them(boiler_request, handler):
    with pytest.raises(InvalidInput) as exc:
        sr.service_request_dissatisfied(request=boiler_request, what_is_wrong="", actor=handler)
    assert exc.value.message == sr.DISSATISFACTION_REQUIRED
    assert Complaint.objects.count() == 0


# --- surveys ---------------------------------------------------------------------------------

CSV = """response_id,responded_on,score,resident_id,email,name,comment
R1,2026-02-20,1,{rosa},,,"Nobody came to fix the door"
R2,2026-02-21,5,,someone@example.org,Someone,"Great service"
R3,2026-02-22,2,,unknown@example.org,Pat Jones,"Slow"
"""


def test_dissatisfied_survey_answers_get_a_follow_up_to_tell_them_how_to_complain(
    monday, rosa, handler
):
    result = surveys.survey_import_csv(
        text=CSV.format(rosa=rosa.pk), survey="Repairs Q4", actor=handler
    )
    assert (result.created, result.follow_ups, result.errors) == (3, 2, [])
    # Dissatisfaction in a survey is not a complaint (Code 1.6).
    assert Complaint.objects.count() == 0
    tasks = FollowUpTask.objects.order_by("survey_response__response_id")
    assert [t.survey_response.response_id for t in tasks] == ["R1", "R3"]
    assert tasks[0].survey_response.resident == rosa
    assert tasks[0].due_on == date(2026, 3, 9)  # 5 working days
    assert all(t.status == FollowUpStatus.OPEN for t in tasks)
    # Each dissatisfied comment is in the intake inbox for a person to decide on.
    items = IntakeItem.objects.order_by("survey_response__response_id")
    assert [(i.channel, i.body, i.survey_response.response_id) for i in items] == [
        ("survey", "Nobody came to fix the door", "R1"),
        ("survey", "Slow", "R3"),
    ]
    assert items[0].suggested_resident == rosa
    assert str(items[0].received_at.date()) == "2026-02-20"


def test_a_survey_comment_that_reads_as_a_complaint_goes_to_the_inbox_whatever_its_score(
    monday, rosa, handler
):
    text = """response_id,responded_on,score,resident_id,email,name,comment
R1,2026-02-20,5,{rosa},,,"Fixed in the end but the engineer was rude and I want to complain"
R2,2026-02-21,5,,someone@example.org,Someone,"Great service, thank you"
"""
    result = surveys.survey_import_csv(
        text=text.format(rosa=rosa.pk), survey="Repairs Q4", actor=handler
    )
    assert (result.created, result.follow_ups) == (2, 0)
    item = IntakeItem.objects.get()  # the praise is survey data, not a message to decide on
    assert item.survey_response.response_id == "R1"
    assert (item.channel, item.suggested_label) == ("survey", "complaint")


def test_a_follow_up_is_tracked_to_done(monday, rosa, handler):
    surveys.survey_import_csv(text=CSV.format(rosa=rosa.pk), survey="Repairs Q4", actor=handler)
    task = FollowUpTask.objects.filter(survey_response__response_id="R1").get()
    with pytest.raises(InvalidInput) as exc:
        surveys.follow_up_complete(task=task, how_told="", actor=handler)
    assert exc.value.message == surveys.HOW_TOLD_REQUIRED
    surveys.follow_up_complete(
        task=task, how_told="Phoned; sent the complaints leaflet", actor=handler
    )
    task.refresh_from_db()
    assert (task.status, task.done_on, task.done_by) == ("done", monday, handler)
    with pytest.raises(InvalidInput, match="already done"):
        surveys.follow_up_complete(task=task, how_told="again", actor=handler)


def test_a_survey_comment_decided_a_complaint_closes_its_follow_up_linked_to_the_complaint(
    monday, rosa, handler, second_handler
):
    surveys.survey_import_csv(text=CSV.format(rosa=rosa.pk), survey="Repairs Q4", actor=handler)
    item = IntakeItem.objects.get(survey_response__response_id="R1")
    complaint = items.item_decide_complaint(item=item, confirm_match=True, actor=second_handler)
    task = FollowUpTask.objects.get(survey_response__response_id="R1")
    # Done in the decision, by whoever decided it: there is no one left to tell how to complain.
    assert (task.status, task.complaint, task.done_by, task.done_on) == (
        "done",
        complaint,
        second_handler,
        monday,
    )
    assert task.how_told == surveys.DONE_BY_COMPLAINT.format(
        item=item.reference, complaint=complaint.reference
    )
    # Added to an existing case: the same. One told how to complain first keeps how they were
    # told and gains the link.
    slow = FollowUpTask.objects.get(survey_response__response_id="R3")
    surveys.follow_up_complete(task=slow, how_told="Phoned", actor=handler)
    item = IntakeItem.objects.get(survey_response__response_id="R3")
    items.item_add_to_case(item=item, reference=complaint.reference, actor=second_handler)
    slow.refresh_from_db()
    assert (slow.status, slow.complaint, slow.done_by, slow.how_told) == (
        "done",
        complaint,
        handler,
        "Phoned",
    )


def test_reimporting_a_survey_file_creates_nothing_twice(monday, rosa, handler):
    text = CSV.format(rosa=rosa.pk)
    surveys.survey_import_csv(text=text, survey="Repairs Q4", actor=handler)
    again = surveys.survey_import_csv(text=text, survey="Repairs Q4", actor=handler)
    assert (again.created, again.already_imported, again.follow_ups) == (0, 3, 0)
    assert SurveyResponse.objects.count() == 3
    assert FollowUpTask.objects.count() == 2


def test_a_survey_file_with_a_bad_row_imports_nothing_and_says_which_row(monday, rosa, handler):
    text = CSV.format(rosa=rosa.pk) + "R4,yesterday,9,,,,\n"
    result = surveys.survey_import_csv(text=text, survey="Repairs Q4", actor=handler)
    assert result.errors == [
        "Row 5: responded_on must be a date like 2026-03-02; score must be a whole number from 1 to 5."
    ]
    assert SurveyResponse.objects.count() == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("response_id,score\nR1,3\n", surveys.MISSING_COLUMNS.format(columns="responded_on")),
        ("response_id,responded_on,score\n", surveys.EMPTY_FILE),
    ],
)
def test_a_survey_file_without_the_right_columns_is_refused(monday, handler, text, message):
    with pytest.raises(InvalidInput) as exc:
        surveys.survey_import_csv(text=text, survey="Q", actor=handler)
    assert exc.value.message == message


def test_a_survey_row_for_an_unknown_resident_is_refused(monday, handler):
    result = surveys.survey_import_csv(
        text="response_id,responded_on,score,resident_id\nR1,2026-02-01,1,99999\n",
        survey="Q",
        actor=handler,
    )
    assert result.errors == ["No resident with id 99999."]
    assert SurveyResponse.objects.count() == 0


def test_import_surveys_command(monday, rosa, tmp_path):
    path = tmp_path / "q4.csv"
    path.write_text(CSV.format(rosa=rosa.pk), encoding="utf-8")
    out = StringIO()
    call_command("import_surveys", str(path), "--survey", "Repairs Q4", stdout=out)
    assert "3 imported, 0 already imported, 2 follow-up(s) created." in out.getvalue()
    path.write_text("response_id,responded_on,score\nR9,nope,1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Row 2"):
        call_command("import_surveys", str(path), "--survey", "Repairs Q4")
