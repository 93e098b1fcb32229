"""The hazards API: each role, the clocks in the document, steps and the one error shape."""

from rest_framework.test import APIClient

from putright.accounts.services import api_token_create
from putright.complaints.models import CaseEvent
from putright.hazards.models import HazardReport
from putright.hazards.tests.stories import investigated, raised
from putright.rules.hazards import CITATIONS, INSTRUMENT, STATUS_LABELS, ClockKey, ClockStatus

RAISE = {
    "address": "12 Canal Street",
    "aware_at": "2026-03-02T08:30:00+00:00",
    "source": "complaint",
    "told_by": "Rosa Bell",
    "hazard": "damp_mould",
    "assessment": "significant",
    "description": "Black mould in the bedroom.",
}


def client_for(user) -> APIClient:
    client = APIClient()
    _token, key = api_token_create(
        user=user, name="Tests", days=30, actor=user, two_step_verified=True
    )
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_handler_raises_a_report_on_a_complaint_and_gets_its_clocks(complaint, handler):
    response = client_for(handler).post(
        "/api/v1/hazards/", {**RAISE, "complaint": complaint.reference}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["complaint"] == complaint.reference
    clock = body["clocks"][0]
    assert clock["key"] == "investigation"
    assert clock["due_on"] == "2026-03-16"
    assert clock["working_days_left"] == 10
    assert CaseEvent.objects.filter(complaint=complaint, code="hazard.raised").count() == 1


def test_each_clock_gives_its_status_in_the_pages_words_and_its_citation(monday, handler):
    report = raised(actor=handler)
    body = client_for(handler).get(f"/api/v1/hazards/{report.pk}/").json()
    clock = body["clocks"][0]
    assert clock["key"] == "investigation"
    assert clock["status"] == "on_track"
    assert clock["status_label"] == STATUS_LABELS[ClockStatus.ON_TRACK] == "On track"
    cited = CITATIONS[ClockKey.INVESTIGATION]
    assert clock["citation"] == {
        "duty": cited.duty,
        "instrument": INSTRUMENT,
        "regulation": "6",
        "verified": False,
        "source": cited.source,
    }
    summary = body["clocks"][1]
    assert (summary["key"], summary["status_label"]) == ("summary", "Waiting")
    assert summary["citation"]["regulation"] == "9"


def test_a_viewer_reads_but_cannot_raise_or_record(monday, handler, viewer):
    report = raised(actor=handler)
    api = client_for(viewer)
    assert api.get("/api/v1/hazards/").status_code == 200
    assert api.get(f"/api/v1/hazards/{report.pk}/").status_code == 200
    assert api.post("/api/v1/hazards/", RAISE, format="json").status_code == 403
    response = api.post(f"/api/v1/hazards/{report.pk}/summary/", {"sent_on": "2026-03-02"})
    assert response.status_code == 403
    assert HazardReport.objects.count() == 1


def test_anonymous_requests_are_refused(monday, handler):
    raised(actor=handler)
    assert APIClient().get("/api/v1/hazards/").status_code in {401, 403}


def test_bad_input_is_a_400_with_the_field_and_writes_nothing(monday, officer):
    response = client_for(officer).post(
        "/api/v1/hazards/", {**RAISE, "aware_at": "2026-03-09T09:00:00+00:00"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "aware_at"
    assert not HazardReport.objects.exists()


def test_steps_through_the_api_and_a_refused_step_is_a_409(complaint, officer):
    report = raised(actor=officer, complaint=complaint)
    api = client_for(officer)
    refused = api.post(f"/api/v1/hazards/{report.pk}/summary/", {"sent_on": "2026-03-02"})
    assert refused.status_code == 409
    assert refused.json()["error"] == "rule_broken"
    investigated(report, actor=officer)
    done = api.post(
        f"/api/v1/hazards/{report.pk}/safety-work/",
        {"done_at": "2026-03-02T09:45:00+00:00", "detail": "Mould wash"},
        format="json",
    )
    assert done.status_code == 200
    statuses = {c["key"]: c["status"] for c in done.json()["clocks"]}
    assert statuses["safety_work"] == "met"
    stop = api.post(
        f"/api/v1/hazards/{report.pk}/stop/",
        {"reason": "decanted", "at": "2026-03-02T09:50:00+00:00"},
        format="json",
    )
    assert stop.status_code == 200
    assert HazardReport.objects.get().decanted_at is not None
    assert HazardReport.objects.get().summary_sent_on is None
