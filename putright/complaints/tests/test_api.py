"""The JSON API, driven as another system would: token auth, 400s, 409s, no partial writes."""

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from rest_framework.test import APIClient

from putright.accounts.services import api_token_create
from putright.complaints.models import CaseEvent, Complaint, Extension, Response, Stage
from putright.complaints.services import stages as stage_rules
from putright.people.models import Resident

LONDON = ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _monday_morning(time_machine):
    # Monday 2 March 2026: no bank holidays for weeks either side.
    time_machine.move_to(datetime(2026, 3, 2, 9, 30, tzinfo=LONDON), tick=False)


def client_for(user) -> APIClient:
    client = APIClient()
    _token, key = api_token_create(
        user=user, name="Tests", days=30, actor=user, two_step_verified=True
    )
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def rosa(db):
    return Resident.objects.create(full_name="Rosa Bell", email="rosa@example.org")


@pytest.fixture
def api(handler):
    return client_for(handler)


def receive(api, rosa, **extra) -> dict:
    body = {
        "resident": rosa.pk,
        "channel": "phone",
        "received_on": "2026-02-27",
        "description": "Black mould in the bathroom since the roof leak in January.",
        "outcome_wanted": "Fix the roof and treat the mould.",
        **extra,
    }
    response = api.post("/api/v1/complaints/", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


ACK = {
    "points": ["The roof leak was not repaired", "Mould in the bathroom was not treated"],
    "outcomes_sought": "Roof repaired, mould treated, compensation",
    "responsible_for": "Roof repairs and mould treatment",
}


def respond(api, reviewer, ref: str, body: dict) -> dict:
    """Draft the response, then a colleague approves it: the API's two steps (policy 6.4)."""
    drafted = api.post(f"/api/v1/complaints/{ref}/respond/", body, format="json")
    assert drafted.status_code == 202, drafted.json()
    draft = drafted.json()["response_drafts"][0]
    assert draft["status"] == "in_review"
    approved = reviewer.post(f"/api/v1/drafts/{draft['id']}/approve/", {}, format="json")
    assert approved.status_code == 200, approved.json()
    return api.get(f"/api/v1/complaints/{ref}/").json()


def decisions(*outcomes: str) -> list[dict]:
    return [
        {"point": i, "outcome": o, "reasons": "Our repair records show the delay."}
        for i, o in enumerate(outcomes, start=1)
    ]


# A stage 1 taken through: the extension agreed on 2 March, and the response to both points.
EXTENSION = {
    "new_due": "2026-03-23",
    "reason": "Waiting for the roofer's report",
    "resident_informed_on": "2026-03-02",
    "update_interval_days": 5,
}
RESPONSE = {
    "summary": "We did not repair the roof in time.",
    "decisions": decisions("upheld", "partly_upheld"),
    "remedies": [
        {"remedy_type": "apology", "description": "We apologise.", "due_on": "2026-03-02"},
        {
            "remedy_type": "financial",
            "description": "Compensation for delay",
            "due_on": "2026-03-16",
            "amount": "150.00",
            "band": "distress",
        },
    ],
    "actions": [
        {"description": "Treat the mould", "due_on": "2026-03-20", "owner_name": "Repairs team"}
    ],
    "learning": "Roof leaks need a follow-up inspection.",
}


def test_a_complaint_goes_through_both_stages_over_the_api(api, rosa, second_handler, officer):
    olivia = client_for(officer)
    created = receive(api, rosa)
    ref = created["reference"]
    assert ref.startswith("CMP-2026-")
    stage1 = created["stages"][0]
    # Received Friday 27 Feb: 5 working days later is Friday 6 March (Code 6.2).
    assert stage1["ack_due"] == "2026-03-06"
    assert stage1["acknowledgement_deadline"]["status"] == "on_track"

    doc = api.post(f"/api/v1/complaints/{ref}/acknowledge/", ACK, format="json").json()
    assert doc["status"] == "stage1_open"
    assert doc["stages"][0]["response_due"] == "2026-03-16"  # 10 WD after 2 March (6.3)

    doc = api.post(f"/api/v1/complaints/{ref}/extend/", EXTENSION, format="json").json()
    assert doc["stages"][0]["response_due_original"] == "2026-03-16"
    assert doc["stages"][0]["response_due"] == "2026-03-23"
    assert doc["stages"][0]["extensions"][0]["working_days"] == 5

    doc = respond(api, olivia, ref, RESPONSE)
    assert doc["status"] == "stage1_responded"
    assert doc["stages"][0]["response_deadline"]["status"] == "met"
    assert doc["stages"][0]["response"]["decisions"][1]["outcome"] == "partly_upheld"

    doc = api.post(f"/api/v1/complaints/{ref}/escalate/", {}, format="json").json()
    assert doc["status"] == "stage2_requested"
    assert doc["handler"] is None

    # Assigning is for the complaints officer (the permission matrix), not the handler.
    doc = olivia.post(
        f"/api/v1/complaints/{ref}/assign/",
        {"handler": "hannah", "conflict": "none"},
        format="json",
    ).json()
    assert doc["stages"][1]["handler"] == "hannah"

    doc = api.post(
        f"/api/v1/complaints/{ref}/acknowledge/", {**ACK, "points": []}, format="json"
    ).json()
    assert doc["status"] == "stage2_open"
    assert doc["stages"][1]["response_due"] == "2026-03-30"  # 20 WD (6.14)

    final = {
        **RESPONSE,
        "remedies": [],
        "actions": [],
        "no_remedy_reason": "Stage 1 remedies were fair.",
        "decisions": decisions("upheld", "upheld"),
    }
    hannah = client_for(second_handler)
    doc = respond(hannah, olivia, ref, final)
    assert doc["status"] == "stage2_responded"

    doc = api.post(
        f"/api/v1/complaints/{ref}/close/", {"reason": "Final response sent"}, format="json"
    ).json()
    assert doc["status"] == "closed"

    record = api.get(f"/api/v1/complaints/{ref}/record/").json()["results"]
    assert [e["code"] for e in reversed(record)] == [
        "complaint.received",
        "stage.acknowledged",
        "stage.extended",
        "response.submitted",
        "stage.responded",
        "response.approved",
        "complaint.escalated",
        "stage.assigned",
        "stage.acknowledged",
        "response.submitted",
        "stage.responded",
        "response.approved",
        "complaint.closed",
    ]


def test_bad_input_gets_field_errors_and_writes_nothing(api, rosa):
    before = Complaint.objects.count()
    response = api.post(
        "/api/v1/complaints/", {"resident": rosa.pk, "channel": "pigeon"}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_input"
    assert set(body["fields"]) >= {"channel", "received_on", "description"}
    assert Complaint.objects.count() == before


def test_a_date_in_the_future_is_a_field_error(api, rosa):
    response = api.post(
        "/api/v1/complaints/",
        {
            "resident": rosa.pk,
            "channel": "email",
            "received_on": "2026-03-03",
            "description": "Leak",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {"received_on": ["The date cannot be in the future."]}
    assert not Complaint.objects.exists()


def test_a_transition_not_allowed_is_a_409_with_the_rule(api, rosa):
    ref = receive(api, rosa)["reference"]
    response = api.post(
        f"/api/v1/complaints/{ref}/respond/",
        {"summary": "x", "decisions": decisions("upheld")},
        format="json",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "transition_refused"
    assert body["detail"].startswith("Cannot respond")
    assert not Response.objects.exists()
    assert CaseEvent.objects.filter(complaint__reference=ref).count() == 1


def test_stage_two_refuses_the_stage_one_handler_with_the_code_provision(
    api, rosa, handler, officer
):
    ref = receive(api, rosa)["reference"]
    api.post(f"/api/v1/complaints/{ref}/acknowledge/", ACK, format="json")
    respond(
        api,
        client_for(officer),
        ref,
        {
            "summary": "Answer",
            "decisions": decisions("upheld", "upheld"),
            "no_remedy_reason": "Repair done",
        },
    )
    api.post(f"/api/v1/complaints/{ref}/escalate/", {}, format="json")
    response = client_for(officer).post(
        f"/api/v1/complaints/{ref}/assign/",
        {"handler": handler.username, "conflict": "none"},
        format="json",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["detail"] == stage_rules.SAME_HANDLER
    assert body["provision"] == "6.13"
    assert body["fields"] == {"handler": [stage_rules.SAME_HANDLER]}
    assert Stage.objects.get(complaint__reference=ref, number=2).handler is None


def test_an_extension_beyond_the_cap_needs_a_good_reason(api, rosa):
    ref = receive(api, rosa)["reference"]
    api.post(f"/api/v1/complaints/{ref}/acknowledge/", ACK, format="json")
    body = {
        "new_due": "2026-04-01",
        "reason": "Complex",
        "resident_informed_on": "2026-03-02",
        "update_interval_days": 5,
    }
    response = api.post(f"/api/v1/complaints/{ref}/extend/", body, format="json")
    assert response.status_code == 409
    assert response.json()["provision"] == "6.4"
    assert not Extension.objects.exists()
    response = api.post(
        f"/api/v1/complaints/{ref}/extend/",
        {**body, "good_reason": "Structural survey needed"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["stages"][0]["extensions"][0]["beyond_cap"] is True


def test_a_response_missing_a_point_is_refused_whole(api, rosa):
    ref = receive(api, rosa)["reference"]
    api.post(f"/api/v1/complaints/{ref}/acknowledge/", ACK, format="json")
    response = api.post(
        f"/api/v1/complaints/{ref}/respond/",
        {
            "summary": "Answer",
            "decisions": decisions("upheld"),
            "remedies": [
                {"remedy_type": "apology", "description": "Sorry", "due_on": "2026-03-02"}
            ],
        },
        format="json",
    )
    assert response.status_code == 409
    assert "Missing: point 2" in response.json()["detail"]
    complaint = Complaint.objects.get(reference=ref)
    assert complaint.status == "stage1_open"
    assert not complaint.remedies.exists()


def test_correspondence_with_an_attachment_and_a_refused_upload(api, rosa):
    ref = receive(api, rosa)["reference"]
    photo = SimpleUploadedFile("mould.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "image/png")
    response = api.post(
        f"/api/v1/complaints/{ref}/correspondence/",
        {
            "direction": "in",
            "channel": "email",
            "counterpart": "Rosa Bell",
            "subject": "Photos",
            "files": [photo],
        },
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    items = api.get(f"/api/v1/complaints/{ref}/correspondence-list/").json()
    assert items[0]["attachments"][0]["original_name"] == "mould.png"

    bad = SimpleUploadedFile("virus.exe", b"MZ...", "application/octet-stream")
    response = api.post(
        f"/api/v1/complaints/{ref}/correspondence/",
        {"direction": "in", "channel": "email", "counterpart": "Rosa Bell", "files": [bad]},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "files"
    assert len(api.get(f"/api/v1/complaints/{ref}/correspondence-list/").json()) == 1


def test_anonymous_callers_are_refused(rosa):
    assert APIClient().get("/api/v1/complaints/").status_code in {401, 403}
    assert APIClient().post("/api/v1/complaints/", {}).status_code in {401, 403}


def test_the_read_only_role_can_read_but_not_change(api, rosa, viewer):
    ref = receive(api, rosa)["reference"]
    vera = client_for(viewer)
    assert vera.get(f"/api/v1/complaints/{ref}/").status_code == 200
    response = vera.post(f"/api/v1/complaints/{ref}/acknowledge/", ACK, format="json")
    assert response.status_code == 403
    assert Complaint.objects.get(reference=ref).status == "received"


def test_the_list_filters_and_orders_by_next_deadline(api, rosa):
    late = receive(api, rosa, received_on="2026-02-16")["reference"]
    recent = receive(api, rosa)["reference"]
    rows = api.get("/api/v1/complaints/?open=true").json()["results"]
    assert [r["reference"] for r in rows] == [late, recent]
    overdue = api.get("/api/v1/complaints/?overdue=true").json()["results"]
    assert [r["reference"] for r in overdue] == [late]


def test_the_detail_page_costs_a_fixed_number_of_queries(api, rosa, django_assert_max_num_queries):
    ref = receive(api, rosa)["reference"]
    api.post(f"/api/v1/complaints/{ref}/acknowledge/", ACK, format="json")
    # 21: the complaint with its stages, points, follow-ups and referrals, the landlord
    # calendar, and its response drafts; none of it grows with the number of rows.
    with django_assert_max_num_queries(21):
        assert api.get(f"/api/v1/complaints/{ref}/").status_code == 200


def test_a_create_answers_what_reading_the_complaint_back_gives_in_fewer_queries(
    api, handler, django_assert_max_num_queries
):
    """The 201's document is built from the complaint just written (selectors'
    complaint_detail_received), not read back: it must equal the document a GET returns, for a
    complaint with a home, a category and every optional field, and one with none of them."""
    from putright.complaints.models import Category
    from putright.people.factories import ResidentFactory

    category = Category.objects.create(code="repairs", name="Repairs")
    with_home = ResidentFactory(email="tenant@example.org")
    assert with_home.home_id is not None
    bare = Resident.objects.create(full_name="No Home", email="nohome@example.org")
    receive(api, bare)  # the year's counter row, and "last used" written, before counting
    full = {
        "category": "repairs",
        "issue_started_on": "2026-01-05",
        "became_aware_on": "2026-01-06",
        "spoken_to": "The repairs team",
        "heard_by": "Front desk",
        "channel": "contractor",
    }
    for resident, extra in ((with_home, full), (bare, {})):
        # On PostgreSQL one more: the resident held while its facts are read
        # (people.services.residents_facts_read).
        with django_assert_max_num_queries(13 + (connection.vendor == "postgresql")) as counted:
            created = receive(api, resident, **extra)
        sql = [q["sql"] for q in counted.captured_queries]
        assert not [q for q in sql if '"letters_responsedraft"' in q or "_extension" in q]
        read_back = api.get(f"/api/v1/complaints/{created['reference']}/").json()
        assert created == read_back
    assert created["stages"][0]["response"] is None
    assert category.complaints.count() == 1


def test_a_resident_that_is_not_there_or_not_an_id_is_a_400_naming_the_field(api, rosa):
    """The resident is read by SQL built once (serializers.ResidentWithHomeField), with DRF's
    own errors: an unknown id, text or a true/false is refused, nothing received; an id as
    digits is read as the ORM reads it; each id gets its own resident and home."""
    from putright.people.factories import ResidentFactory

    bad = {
        rosa.pk + 1000: f'Invalid pk "{rosa.pk + 1000}" - object does not exist.',
        "rosa": "Incorrect type. Expected pk value, received str.",
        True: "Incorrect type. Expected pk value, received bool.",
        "": "This field may not be null.",
    }
    for resident, message in bad.items():
        body = {"resident": resident, "channel": "phone", "received_on": "2026-02-27"}
        response = api.post("/api/v1/complaints/", {**body, "description": "Mould"}, format="json")
        assert response.status_code == 400, resident
        assert response.json()["fields"]["resident"] == [message]
    assert not Complaint.objects.exists()
    other = ResidentFactory()
    assert receive(api, rosa, resident=str(other.pk))["resident"]["id"] == other.pk
    assert receive(api, rosa)["resident"]["id"] == rosa.pk
    assert Complaint.objects.get(resident=other).home_id == other.home_id


def test_a_calendar_edit_is_seen_by_the_next_create(api, rosa, handler):
    """The calendar is built once for the closures read and kept (complaints.calendar): a
    closure added, then withdrawn, must move the very next create's deadlines each time."""
    from putright.complaints.services import closures

    def ack_due() -> str:
        return receive(api, rosa, received_on="2026-03-02")["stages"][0]["ack_due"]

    assert ack_due() == "2026-03-09"  # 5 working days after Monday 2 March (Code 6.2)
    closure = closures.closure_add(day=date(2026, 3, 4), reason="Training day", actor=handler)
    assert ack_due() == "2026-03-10"
    closures.closure_remove(closure=closure, actor=handler)
    assert ack_due() == "2026-03-09"


def test_the_shared_document_writer_answers_what_a_fresh_serializer_gives(
    api, rosa, second_handler, officer
):
    """Every document is written by one serializer instance per process
    (serializers.complaint_document): for complaints at different points, read in turn, it
    must give what a ComplaintSerializer made afresh for each gives (nothing carried over)."""
    from rest_framework.renderers import JSONRenderer

    from putright.complaints import selectors
    from putright.complaints.api import clocks_of
    from putright.complaints.serializers import ComplaintSerializer

    received_only = receive(api, rosa)["reference"]
    drafted = receive(api, rosa)["reference"]
    api.post(f"/api/v1/complaints/{drafted}/acknowledge/", ACK, format="json")
    api.post(f"/api/v1/complaints/{drafted}/extend/", EXTENSION, format="json")
    answer = api.post(f"/api/v1/complaints/{drafted}/respond/", RESPONSE, format="json")
    assert answer.status_code == 202, answer.json()
    escalated = receive(api, rosa)["reference"]
    api.post(f"/api/v1/complaints/{escalated}/acknowledge/", ACK, format="json")
    respond(api, client_for(officer), escalated, RESPONSE)
    doc = api.post(f"/api/v1/complaints/{escalated}/escalate/", {}, format="json").json()
    assert [st["number"] for st in doc["stages"]] == [1, 2]

    for reference in (escalated, received_only, drafted, escalated, received_only):
        shared = api.get(f"/api/v1/complaints/{reference}/").json()
        complaint = selectors.complaint_detail(reference)
        fresh = ComplaintSerializer(complaint, context={"clocks": clocks_of(complaint)}).data
        assert shared == json.loads(JSONRenderer().render(fresh)), reference
    assert shared["response_drafts"] == []
    assert doc["response_drafts"]
    assert doc["stages"][0]["response"]


def test_a_response_is_not_issued_until_a_colleague_approves_it(api, rosa, handler, officer):
    ref = receive(api, rosa)["reference"]
    api.post(f"/api/v1/complaints/{ref}/acknowledge/", ACK, format="json")
    body = {
        "summary": "Answer",
        "decisions": decisions("upheld", "upheld"),
        "no_remedy_reason": "Repaired the same day",
    }
    doc = api.post(f"/api/v1/complaints/{ref}/respond/", body, format="json").json()
    assert doc["status"] == "stage1_open"
    draft = doc["response_drafts"][0]["id"]

    own = api.post(f"/api/v1/drafts/{draft}/approve/", {}, format="json")
    assert own.status_code == 409
    assert "not by the person who drafted it" in own.json()["detail"]
    assert Complaint.objects.get(reference=ref).status == "stage1_open"

    olivia = client_for(officer)
    returned = olivia.post(
        f"/api/v1/drafts/{draft}/return/", {"comments": "Say which day."}, format="json"
    )
    assert returned.json()["status"] == "returned"
    assert olivia.post(f"/api/v1/drafts/{draft}/approve/", {}, format="json").status_code == 409
    assert not Response.objects.exists()


def test_the_api_is_documented(api):
    schema = api.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/complaints/{reference}/extend/" in schema.content
    assert api.get("/api/docs/").status_code == 200


def test_the_profile_endpoint_serves_the_code_as_data(api):
    profile = api.get("/api/v1/profile/").json()
    assert [s["ack_limit"] for s in profile["stages"]] == [5, 5]
    assert [s["response_limit"] for s in profile["stages"]] == [10, 20]
    assert date.fromisoformat(profile["effective_from"]) == date(2024, 4, 1)


@pytest.mark.parametrize(
    ("persona", "status"), [("handler", 403), ("viewer", 403), ("officer", 200)]
)
def test_only_officers_and_administrators_assign_through_the_api(
    request, api, rosa, second_handler, persona, status
):
    """The API reads the permission matrix: a handler may not assign, as on the web."""
    ref = receive(api, rosa)["reference"]
    response = client_for(request.getfixturevalue(persona)).post(
        f"/api/v1/complaints/{ref}/assign/",
        {"handler": second_handler.username, "conflict": "none"},
        format="json",
    )
    assert response.status_code == status, response.json()
    stage = Stage.objects.get(complaint__reference=ref, number=1)
    assert (stage.handler == second_handler) is (status == 200)
