"""Every lifecycle action as a staff form: it works, and bad input changes nothing."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from putright.complaints.models import (
    Attachment,
    CaseEvent,
    Complaint,
    OmbudsmanReferral,
    ResponseDraft,
)
from putright.complaints.services.stages import BEYOND_CAP, SAME_HANDLER
from putright.complaints.tests.stories import (
    compensation,
    escalated,
    last_event,
    reload,
    responded,
    roof_repair,
    snapshot,
    stage_of,
)

pytestmark = pytest.mark.django_db


def url(complaint, action: str) -> str:
    return f"/complaints/{complaint.reference}/{action}/"


def post(client, complaint, action: str, data: dict, **extra):
    return client.post(url(complaint, action), data, **extra)


def assert_refused(client, complaint, action: str, data: dict, message: str) -> None:
    """The form comes back with `message` in the error summary, and nothing was written."""
    before = snapshot(complaint)
    response = post(client, complaint, action, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page.replace("&#x27;", "'")
    assert snapshot(complaint) == before


@pytest.fixture
def hamid(client, handler):
    client.force_login(handler)
    return handler


# --- acknowledge, add points, extend --------------------------------------------------------


def test_acknowledging_defines_the_complaint_and_starts_the_response_clock(
    client, hamid, complaint, monday
):
    response = post(
        client,
        complaint,
        "acknowledge",
        {
            "points": "The leak.\nNo call back.",
            "outcomes_sought": "Fix it.",
            "responsible_for": "The roof.",
            "acknowledged_on": monday.isoformat(),
        },
    )
    assert response.status_code == 302
    complaint = reload(complaint)
    assert complaint.status == "stage1_open"
    assert list(complaint.points.values_list("text", flat=True)) == ["The leak.", "No call back."]
    page = client.get(response.url).content.decode()
    assert "Stage 1 acknowledged. The response is due 16 March 2026." in page


def test_acknowledging_without_outcomes_is_refused(client, hamid, complaint, monday):
    assert_refused(
        client,
        complaint,
        "acknowledge",
        {"points": "The leak.", "responsible_for": "The roof.", "acknowledged_on": "2026-03-02"},
        "Record the outcomes the resident is seeking (Code 5.6).",
    )


def test_an_acknowledgement_dated_before_receipt_shows_the_services_message_on_the_field(
    client, hamid, complaint, monday
):
    before = snapshot(complaint)
    response = post(
        client,
        complaint,
        "acknowledge",
        {
            "points": "The leak.",
            "outcomes_sought": "Fix it.",
            "responsible_for": "The roof.",
            "acknowledged_on": (monday - timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["acknowledged_on"] == [
        "The acknowledgement cannot be dated before the complaint was received."
    ]
    assert snapshot(complaint) == before


def test_related_points_join_the_stage_one_definition(client, hamid, open_complaint, monday):
    response = post(
        client,
        open_complaint,
        "add-points",
        {"points": "The smell of damp.", "related": "yes", "received_on": monday.isoformat()},
    )
    assert response.status_code == 302
    assert open_complaint.points.count() == 3


def test_adding_no_points_is_refused(client, hamid, open_complaint, monday):
    assert_refused(
        client,
        open_complaint,
        "add-points",
        {"points": "", "related": "yes", "received_on": monday.isoformat()},
        "Give at least one point.",
    )


def extension(new_due, **extra):
    return {
        "new_due": new_due.isoformat(),
        "reason": "Waiting for the survey.",
        "resident_informed_on": "2026-03-02",
        "update_interval_days": "5",
        **extra,
    }


def test_extending_within_the_cap_moves_the_deadline(client, hamid, open_complaint):
    response = post(
        client, open_complaint, "extend", extension(open_complaint.next_due + timedelta(days=7))
    )
    assert response.status_code == 302
    assert reload(open_complaint).next_due.isoformat() == "2026-03-23"


def test_extending_beyond_the_cap_needs_a_good_reason(client, hamid, open_complaint):
    assert_refused(
        client,
        open_complaint,
        "extend",
        extension(open_complaint.next_due + timedelta(days=16)),  # Wednesday 1 April
        BEYOND_CAP.format(days=12, cap=10, stage=1, provision="6.4"),
    )


def test_the_extension_preview_shows_the_new_date_against_the_cap(client, hamid, open_complaint):
    base = f"/complaints/{open_complaint.reference}/extend/preview/?new_due="
    within = client.get(base + "2026-03-23", HTTP_HX_REQUEST="true").content.decode()
    assert "Within the cap" in within
    assert "Monday 23 March 2026" in within
    beyond = client.get(base + "2026-04-20").content.decode()
    assert "Beyond the cap" in beyond
    assert "30 March 2026" in beyond  # the cap: 10 working days after 16 March


def test_the_extend_form_shows_the_cap_before_anything_is_entered(client, hamid, open_complaint):
    page = client.get(url(open_complaint, "extend")).content.decode()
    assert "no later than <strong>30 March 2026</strong>" in page


# --- respond --------------------------------------------------------------------------------


def respond_data(**extra):
    data = {
        "summary": "We are sorry.",
        "outcome_1": "upheld",
        "reasons_1": "We did not repair it.",
        "outcome_2": "not_upheld",
        "reasons_2": "We did call back.",
        "remedy_0_type": "apology",
        "remedy_0_description": "A written apology.",
        "remedy_0_due_on": "2026-03-09",
        "action_0_description": "Replace the tiles.",
        "action_0_due_on": "2026-03-20",
        "action_0_owner_name": "Roofing contractor",
        "learning": "Book roofers sooner.",
    }
    data.update(extra)
    return data


def test_a_drafted_response_waits_for_a_colleague_then_is_issued(
    client, hamid, open_complaint, officer
):
    response = post(client, open_complaint, "respond", respond_data())
    assert response.status_code == 302
    complaint = reload(open_complaint)
    assert complaint.status == "stage1_open"  # nothing is sent before review (policy 6.4)
    draft = ResponseDraft.objects.get(stage__complaint=complaint)
    page = client.get(f"/complaints/{complaint.reference}/").content.decode()
    assert "waiting for review by a colleague" in page
    assert url(complaint, "respond") not in page  # one version at a time

    client.force_login(officer)
    approved = client.post(f"/letters/reviews/{draft.pk}/", {"decision": "approve"})
    assert approved.status_code == 302

    complaint = reload(open_complaint)
    assert complaint.status == "stage1_responded"
    answer = stage_of(complaint, 1).response
    assert answer.author == hamid
    assert [d.outcome for d in answer.decisions.all()] == ["upheld", "not_upheld"]
    assert answer.remedies.get().description == "A written apology."
    assert answer.outstanding_actions.get().owner_name == "Roofing contractor"
    assert answer.learning == "Book roofers sooner."


def test_a_returned_draft_comes_back_into_the_form_with_the_reviewers_comments(
    client, hamid, open_complaint, officer
):
    post(client, open_complaint, "respond", respond_data())
    draft = ResponseDraft.objects.get()
    client.force_login(officer)
    client.post(
        f"/letters/reviews/{draft.pk}/",
        {"decision": "return", "comments": "Say when the tiles will be replaced."},
    )

    client.force_login(hamid)
    page = client.get(url(open_complaint, "respond"))
    form = page.context["form"]
    assert "Say when the tiles will be replaced." in page.content.decode()
    assert form["summary"].value() == "We are sorry."
    assert form["outcome_2"].value() == "not_upheld"
    assert form["action_0_owner_name"].value() == "Roofing contractor"

    resubmitted = post(client, open_complaint, "respond", respond_data(learning="Book sooner."))
    assert resubmitted.status_code == 302
    assert list(ResponseDraft.objects.values_list("version", "status")) == [
        (2, "in_review"),
        (1, "superseded"),
    ]


def test_a_response_missing_reasons_on_a_point_is_refused(client, hamid, open_complaint):
    assert_refused(
        client,
        open_complaint,
        "respond",
        respond_data(reasons_2=""),
        "Give the reasons for the decision on point 2 (Code 6.7 / 6.18).",
    )


def test_a_financial_remedy_without_an_amount_is_refused_on_its_row(client, hamid, open_complaint):
    before = snapshot(open_complaint)
    response = post(
        client,
        open_complaint,
        "respond",
        respond_data(
            remedy_1_type="financial", remedy_1_description="£50", remedy_1_due_on="2026-03-09"
        ),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["remedy_1_amount"] == [
        "A financial remedy needs an amount greater than zero."
    ]
    assert snapshot(open_complaint) == before


def test_a_response_with_no_remedy_needs_a_reason(client, hamid, open_complaint):
    assert_refused(
        client,
        open_complaint,
        "respond",
        respond_data(remedy_0_type="", remedy_0_description="", remedy_0_due_on=""),
        "Offer a remedy or explain why none is offered.",
    )


# --- escalate, assign -------------------------------------------------------------------------


@pytest.fixture
def answered(open_complaint, handler):
    return responded(
        open_complaint, actor=handler, remedies=[compensation()], actions=[roof_repair()]
    )


def test_escalating_asks_for_confirmation_first(client, hamid, answered, monday):
    data = {"requested_on": monday.isoformat()}
    before = snapshot(answered)
    confirm = post(client, answered, "escalate", data)
    assert confirm.status_code == 200
    assert "Are you sure?" in confirm.content.decode()
    assert snapshot(answered) == before
    done = post(client, answered, "escalate", {**data, "confirmed": "yes"})
    assert done.status_code == 302
    assert reload(answered).status == "stage2_requested"


def test_an_escalation_dated_in_the_future_is_refused(client, hamid, answered, monday):
    assert_refused(
        client,
        answered,
        "escalate",
        {"requested_on": (monday + timedelta(days=2)).isoformat(), "confirmed": "yes"},
        "The date cannot be in the future.",
    )


def test_stage_two_refuses_the_stage_one_handler_with_a_clear_message(
    client, officer, handler, answered
):
    complaint = escalated(answered, actor=handler)
    client.force_login(officer)
    page = client.get(url(complaint, "assign")).content.decode()
    assert "Hamid Shah handled stage 1, so cannot handle stage 2 (Code 6.13)." in page
    assert_refused(
        client, complaint, "assign", {"handler": handler.pk, "conflict": "none"}, SAME_HANDLER
    )


def test_an_officer_assigns_stage_two_to_someone_else(
    client, officer, handler, second_handler, answered
):
    complaint = escalated(answered, actor=handler)
    client.force_login(officer)
    response = post(client, complaint, "assign", {"handler": second_handler.pk, "conflict": "none"})
    assert response.status_code == 302
    assert reload(complaint).handler == second_handler


# --- exclude, reinstate, withdraw, close ------------------------------------------------------


def test_not_accepting_a_complaint_needs_reasoning(client, hamid, complaint, monday):
    assert_refused(
        client,
        complaint,
        "exclude",
        {"ground": "legal_proceedings", "reasoning": "", "decided_on": monday.isoformat()},
        "Explain, for this complaint, the evidence and reasoning for not accepting it (Code 2.1).",
    )


def test_not_accepting_then_reinstating_a_complaint(client, hamid, complaint, monday):
    data = {
        "ground": "legal_proceedings",
        "reasoning": "Claim form filed at court on 1 March.",
        "decided_on": monday.isoformat(),
        "confirmed": "yes",
    }
    assert post(client, complaint, "exclude", data).status_code == 302
    assert reload(complaint).status == "excluded"
    assert (
        post(client, complaint, "reinstate", {"reason": "The claim was withdrawn."}).status_code
        == 302
    )
    assert reload(complaint).status == "received"


def test_a_withdrawal_is_confirmed_and_recorded(client, hamid, open_complaint, monday):
    data = {"reason": "Rosa rang: the roof is fixed.", "withdrawn_on": monday.isoformat()}
    assert "Are you sure?" in post(client, open_complaint, "withdraw", data).content.decode()
    assert post(client, open_complaint, "withdraw", {**data, "confirmed": "yes"}).status_code == 302
    assert reload(open_complaint).status == "withdrawn"


def test_withdrawing_without_what_the_resident_said_is_refused(client, hamid, open_complaint):
    assert_refused(
        client,
        open_complaint,
        "withdraw",
        {"reason": "", "withdrawn_on": "2026-03-02"},
        "Record what the resident said when withdrawing.",
    )


def test_closing_after_a_response(client, hamid, answered, monday):
    data = {"reason": "Resident satisfied.", "closed_on": monday.isoformat(), "confirmed": "yes"}
    assert post(client, answered, "close", data).status_code == 302
    assert reload(answered).status == "closed"


def test_closing_an_unanswered_complaint_is_refused_by_the_workflow(client, hamid, open_complaint):
    assert_refused(
        client,
        open_complaint,
        "close",
        {"reason": "Done.", "closed_on": "2026-03-02", "confirmed": "yes"},
        "Cannot close: the complaint is at Stage 1 (under investigation).",
    )


# --- the Ombudsman --------------------------------------------------------------------------


def test_recording_an_ombudsman_referral_and_its_finding(client, hamid, answered, monday):
    data = {"referred_on": monday.isoformat(), "ombudsman_reference": "HOS-123"}
    assert post(client, answered, "ombudsman", data).status_code == 302
    referral = OmbudsmanReferral.objects.get()
    response = post(
        client,
        answered,
        "ombudsman-outcome",
        {"referral": referral.pk, "outcome": "service_failure", "outcome_on": monday.isoformat()},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.outcome == "service_failure"


def test_an_ombudsman_referral_dated_in_the_future_is_refused(client, hamid, answered, monday):
    assert_refused(
        client,
        answered,
        "ombudsman",
        {"referred_on": (monday + timedelta(days=1)).isoformat()},
        "The date cannot be in the future.",
    )


# --- notes, correspondence, documents ----------------------------------------------------------


def test_a_note_goes_on_the_record(client, hamid, open_complaint):
    assert post(client, open_complaint, "note", {"text": "Rang Rosa."}).status_code == 302
    assert last_event(open_complaint).data["text"] == "Rang Rosa."


def test_an_empty_note_is_refused(client, hamid, open_complaint):
    assert_refused(client, open_complaint, "note", {"text": "  "}, "Write the note.")


def test_correspondence_with_an_attachment_goes_on_the_record(client, hamid, open_complaint):
    letter = SimpleUploadedFile("letter.pdf", b"%PDF-1.4 hello", content_type="application/pdf")
    data = {
        "direction": "in",
        "channel": "letter",
        "counterpart": "Rosa Bell",
        "subject": "Photos of the ceiling",
        "occurred_on": "2026-03-02",
        "files": letter,
    }
    assert post(client, open_complaint, "correspondence", data).status_code == 302
    attachment = Attachment.objects.get()
    page = client.get(f"/complaints/{open_complaint.reference}/").content.decode()
    assert "letter.pdf" in page
    download = client.get(f"/complaints/{open_complaint.reference}/documents/{attachment.pk}/")
    assert download.status_code == 200
    assert download["Cache-Control"] == "no-store"  # a resident's document (ASVS 8.2.1)
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_an_executable_disguised_as_a_pdf_is_refused(client, hamid, open_complaint):
    bad = SimpleUploadedFile("letter.pdf", b"MZ\x90\x00 not a pdf")
    assert_refused(
        client,
        open_complaint,
        "correspondence",
        {
            "direction": "in",
            "channel": "letter",
            "counterpart": "Rosa",
            "occurred_on": "2026-03-02",
            "files": bad,
        },
        "The file must be a PDF, image, document, spreadsheet, email or audio file.",
    )


def test_adding_documents_without_a_file_is_refused(client, hamid, open_complaint):
    assert_refused(
        client, open_complaint, "attachment", {"description": "Survey"}, "Choose a file."
    )


def test_a_document_is_added(client, hamid, open_complaint):
    photo = SimpleUploadedFile("ceiling.png", b"\x89PNG\r\n\x1a\nrest", content_type="image/png")
    response = post(client, open_complaint, "attachment", {"description": "Photo", "files": photo})
    assert response.status_code == 302
    assert Attachment.objects.get().original_name == "ceiling.png"


# --- remedies and actions ---------------------------------------------------------------------


def test_completing_a_remedy_and_an_action(client, hamid, answered, monday):
    remedy = answered.remedies.get()
    action = answered.outstanding_actions.get()
    data = {"completed_on": monday.isoformat(), "note": "Paid by BACS."}
    assert post(client, answered, "complete-remedy", {**data, "item": remedy.pk}).status_code == 302
    assert post(client, answered, "complete-action", {**data, "item": action.pk}).status_code == 302
    remedy.refresh_from_db()
    action.refresh_from_db()
    assert remedy.completed_on == monday
    assert action.completed_on == monday


def test_a_completion_dated_before_the_response_is_refused(client, hamid, answered, monday):
    remedy = answered.remedies.get()
    assert_refused(
        client,
        answered,
        "complete-remedy",
        {"item": remedy.pk, "completed_on": (monday - timedelta(days=1)).isoformat()},
        "Completion cannot be dated before the response that offered it.",
    )


# --- logging a complaint -----------------------------------------------------------------------


def log_data(**extra):
    data = {
        "channel": "phone",
        "received_on": "2026-03-02",
        "description": "The lift has been broken for a week.",
    }
    data.update(extra)
    return data


def test_logging_a_complaint_for_a_resident_found_by_name(client, hamid, resident, monday):
    assert resident.full_name in client.get("/complaints/new/?find=Rosa").content.decode()
    response = client.post("/complaints/new/", log_data(resident=resident.pk, find="Rosa"))
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.resident == resident
    assert complaint.received_on == monday
    assert "Acknowledge it by 9 March 2026" in client.get(response.url).content.decode()


SOMEONE_NEW = {
    "new_resident_name": "Sam Khan",
    "new_address_line_1": "7 Station Road",
    "new_town": "Exampleton",
    "new_postcode": "ex4 7tt",
    "new_tenure": "lcho",
}


def test_logging_a_complaint_from_someone_new(client, hamid, monday):
    response = client.post("/complaints/new/", log_data(**SOMEONE_NEW))
    assert response.status_code == 302
    resident = Complaint.objects.get().resident
    assert resident.full_name == "Sam Khan"
    # With a home and a tenure from the day received, so CH01 counts the complaint.
    assert resident.home.one_line == "7 Station Road, Exampleton, EX4 7TT"
    assert list(resident.tenancies.values_list("tenure", "start_on", "home")) == [
        ("lcho", monday, resident.home_id)
    ]


def test_a_complaint_passed_on_late_is_logged_with_a_warning(client, hamid, resident, monday):
    late = log_data(
        resident=resident.pk,
        find="Rosa",
        channel="contractor",
        received_on=(monday - timedelta(days=7)).isoformat(),
        heard_by="Ace Roofing",
    )
    response = client.post("/complaints/new/", late, follow=True)
    page = response.content.decode()
    assert "passed on 4 working days later than the 1 working day allowed" in page


def test_logging_without_a_description_or_resident_writes_nothing(client, hamid, monday):
    events = CaseEvent.objects.count()
    response = client.post("/complaints/new/", log_data(description=""))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter what is wrong." in page
    assert "Enter the resident&#x27;s full name" in page
    assert Complaint.objects.count() == 0
    assert CaseEvent.objects.count() == events


def test_logging_a_complaint_received_in_the_future_is_refused(client, hamid, monday):
    response = client.post("/complaints/new/", log_data(**SOMEONE_NEW, received_on="2026-03-05"))
    assert response.status_code == 400
    assert response.context["form"].errors["received_on"] == ["The date cannot be in the future."]
    assert Complaint.objects.count() == 0
    from putright.people.models import Resident

    assert not Resident.objects.filter(full_name="Sam Khan").exists()


def test_an_unknown_action_is_not_found(client, hamid, open_complaint):
    assert client.get(url(open_complaint, "teleport")).status_code == 404


def test_stage_two_acknowledgement_carries_the_definition_over(
    client, hamid, answered, handler, monday
):
    complaint = escalated(answered, actor=handler)
    response = post(
        client,
        complaint,
        "acknowledge",
        {
            "outcomes_sought": "Compensation.",
            "responsible_for": "The roof.",
            "acknowledged_on": monday.isoformat(),
        },
    )
    assert response.status_code == 302
    assert reload(complaint).status == "stage2_open"
