"""The hazard pages for each role, one round of errors, and the panel on the case page."""

import re
from datetime import date

import pytest
from django.urls import URLPattern

from putright.complaints.models import CaseEvent
from putright.hazards import services
from putright.hazards import urls as hazard_urls
from putright.hazards.models import HazardReport
from putright.hazards.tests.stories import investigated, raised

RAISE = {
    "complaint_reference": "",
    "address": "12 Canal Street",
    "aware_at": "2026-03-02 08:30",
    "source": "complaint",
    "told_by": "Rosa Bell, by phone",
    "hazard": "damp_mould",
    "assessment": "significant",
    "description": "Black mould in the bedroom.",
    "occupiers": "",
    "vulnerabilities": "",
}


def test_every_hazard_page_states_its_permission_rule():
    for pattern in hazard_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        assert getattr(pattern.callback, "permission_rule", None) in {
            "can_view_cases",
            "can_record_hazards",
            "can_read_reports",
        }, pattern.name


def test_anonymous_people_are_sent_to_sign_in(client, monday, handler):
    report = raised(actor=handler)
    for path in ["/hazards/", "/hazards/new/", f"/hazards/{report.pk}/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith("/accounts/login/"), path


@pytest.mark.parametrize("persona", ["handler", "officer", "administrator"])
def test_case_workers_raise_a_report_and_see_its_clocks(client, monday, persona, request):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    response = client.post("/hazards/new/", RAISE)
    report = HazardReport.objects.get()
    assert response.status_code == 302
    assert response.url == f"/hazards/{report.pk}/"
    page = client.get(response.url).content.decode()
    # Aware Mon 2 Mar: investigate by Mon 16 Mar.
    assert "Due 16 March 2026" in page
    assert "10 working days left." in page
    listing = client.get("/hazards/").content.decode()
    assert f"/hazards/{report.pk}/" in listing


def test_a_viewer_reads_hazards_but_cannot_raise_or_record(client, monday, handler, viewer):
    report = raised(actor=handler)
    client.force_login(viewer)
    assert client.get("/hazards/").status_code == 200
    page = client.get(f"/hazards/{report.pk}/")
    assert page.status_code == 200
    assert "Record a step" not in page.content.decode()
    assert client.get("/hazards/new/").status_code == 403
    assert client.post("/hazards/new/", RAISE).status_code == 403
    response = client.post(f"/hazards/{report.pk}/summary/", {"summary-sent_on": "2026-03-02"})
    assert response.status_code == 403
    assert HazardReport.objects.count() == 1
    assert HazardReport.objects.get().summary_sent_on is None


def test_bad_input_shows_every_error_once_and_writes_nothing(client, monday, handler):
    client.force_login(handler)
    response = client.post(
        "/hazards/new/", {**RAISE, "aware_at": "2026-03-09 09:00", "told_by": ""}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert page.count("This field is required.") == 2  # summary + field
    assert not HazardReport.objects.exists()
    # The service's own refusal comes back as a field error in the same way.
    response = client.post("/hazards/new/", {**RAISE, "aware_at": "2026-03-09 09:00"})
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()
    assert not HazardReport.objects.exists()


def test_unknown_complaint_reference_is_a_field_error(client, monday, handler):
    client.force_login(handler)
    response = client.post("/hazards/new/", {**RAISE, "complaint_reference": "PR-NOPE"})
    assert response.status_code == 400
    assert "No complaint has that reference." in response.content.decode()


def test_a_step_error_reopens_that_form_and_a_good_step_is_recorded(client, complaint, handler):
    report = raised(actor=handler, complaint=complaint)
    client.force_login(handler)
    response = client.post(f"/hazards/{report.pk}/summary/", {"summary-sent_on": "2026-03-02"})
    assert response.status_code == 400
    assert "Record the investigation first" in response.content.decode()
    investigated(report, actor=handler)
    response = client.post(f"/hazards/{report.pk}/summary/", {"summary-sent_on": "2026-03-02"})
    assert response.status_code == 302
    assert HazardReport.objects.get().summary_sent_on is not None


def test_a_step_sent_twice_acts_once(client, complaint, handler):
    report = investigated(raised(actor=handler, complaint=complaint), actor=handler)
    client.force_login(handler)
    data = {
        "safety_work-done_at": "2026-03-02 09:45",
        "safety_work-detail": "Mould wash",
        "submission_token": "3f1c2a4e-1111-4a4a-9a9a-000000000001",
    }
    assert client.post(f"/hazards/{report.pk}/safety_work/", data).status_code == 302
    assert client.post(f"/hazards/{report.pk}/safety_work/", data).status_code == 302
    assert CaseEvent.objects.filter(code="hazard.made_safe").count() == 1


def test_case_page_shows_hazard_clocks_beside_the_codes(client, complaint, handler):
    raised(actor=handler, complaint=complaint)
    client.force_login(handler)
    page = client.get(f"/complaints/{complaint.reference}/").content.decode()
    assert "Awaab&#x27;s Law hazard clocks" in page or "Awaab's Law hazard clocks" in page
    assert "Due 16 March 2026" in page


def test_a_damp_complaint_without_a_report_prompts_is_there_a_hazard(
    client, monday, resident, handler
):
    from putright.complaints.tests.stories import received

    damp = received(resident=resident, actor=handler, description="Mould behind the wardrobe.")
    client.force_login(handler)
    page = client.get(f"/complaints/{damp.reference}/").content.decode()
    assert "Is there a hazard?" in page
    assert f"/hazards/new/?complaint={damp.reference}" in page


def test_a_leak_complaint_is_not_prompted(client, complaint, handler):
    client.force_login(handler)
    page = client.get(f"/complaints/{complaint.reference}/").content.decode()
    assert "Is there a hazard?" not in page


def test_the_hazard_list_takes_the_same_queries_for_one_report_or_many(client, complaint, handler):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    raised(actor=handler, complaint=complaint)
    client.force_login(handler)
    with CaptureQueriesContext(connection) as one:
        client.get("/hazards/?show=all")
    for _ in range(4):
        raised(actor=handler, complaint=complaint)
    with CaptureQueriesContext(connection) as five:
        page = client.get("/hazards/?show=all")
    assert len(page.context["rows"]) == 5
    assert len(five) == len(one)


def test_the_report_page_offers_only_the_steps_that_can_still_be_taken(client, complaint, handler):
    """A new significant report offers the investigation, not the summary or any work; once
    investigated (a hazard found) and summarised, it offers the work and not those two again."""
    report = raised(actor=handler, complaint=complaint)
    client.force_login(handler)

    def offered() -> set[str]:
        page = client.get(f"/hazards/{report.pk}/").content.decode()
        return set(re.findall(rf'action="/hazards/{report.pk}/([a-z_]+)/"', page))

    assert offered() == {"investigation", "accommodation", "stop"}
    investigated(report, actor=handler)
    services.hazard_summary_record(report=report, sent_on=date(2026, 3, 2), actor=handler)
    assert offered() == {"safety_work", "further_work", "accommodation", "stop"}


def test_the_report_keeps_who_told_the_landlord_the_occupiers_and_their_vulnerabilities(
    client, monday, handler
):
    """What raises the risk is kept with the report and shown on it, with the moment the
    landlord became aware and who told it."""
    client.force_login(handler)
    client.post(
        "/hazards/new/",
        {
            **RAISE,
            "occupiers": "Rosa, her partner and two children",
            "vulnerabilities": "Youngest child (2) has asthma",
        },
    )
    report = HazardReport.objects.get()
    assert report.told_by == "Rosa Bell, by phone"
    assert report.occupiers == "Rosa, her partner and two children"
    assert report.vulnerabilities == "Youngest child (2) has asthma"
    page = client.get(f"/hazards/{report.pk}/").content.decode()
    assert "Rosa, her partner and two children" in page
    assert "Youngest child (2) has asthma" in page
    assert "2 March 2026, 08:30, told by Rosa Bell, by phone" in page


PROMPT = "Vulnerable occupiers are recorded, and the report is assessed as a significant hazard."


def test_vulnerable_occupiers_prompt_the_emergency_assessment_and_the_record_says_so(
    client, monday, handler, complaint
):
    client.force_login(handler)
    vulnerable = {**RAISE, "complaint_reference": complaint.reference}
    vulnerable["vulnerabilities"] = "Youngest child (2) has asthma"
    # Sent back for an error: the form warns as it comes back.
    again = client.post("/hazards/new/", {**vulnerable, "told_by": ""})
    assert again.status_code == 400
    assert PROMPT in again.content.decode()
    # Not a block: the report is raised as assessed, and its page warns until investigated.
    response = client.post("/hazards/new/", vulnerable)
    assert response.status_code == 302
    report = HazardReport.objects.get()
    assert report.assessment == "significant"
    page = client.get(response.url).content.decode()
    assert 'id="vulnerability-prompt"' in page
    assert PROMPT in page
    assert report.steps.get().data["vulnerability_prompt"] is True
    event = CaseEvent.objects.get(complaint=complaint, code="hazard.raised")
    assert event.data["vulnerability_prompt"] is True
    assert services.VULNERABLE_NOTED in event.summary
    assert "asthma" not in event.summary
    investigated(report, actor=handler)
    assert PROMPT not in client.get(response.url).content.decode()


@pytest.mark.parametrize(
    "change", [{"vulnerabilities": "None"}, {"assessment": "emergency", "hazard": "fire"}]
)
def test_no_prompt_without_vulnerable_occupiers_or_for_an_emergency(
    client, monday, handler, change
):
    client.force_login(handler)
    response = client.post("/hazards/new/", {**RAISE, "vulnerabilities": "Asthma", **change})
    assert response.status_code == 302
    assert 'id="vulnerability-prompt"' not in client.get(response.url).content.decode()
    assert "vulnerability_prompt" not in HazardReport.objects.get().steps.get().data
