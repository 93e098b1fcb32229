"""Staff pages under /people/ and /intake/: staff only, viewers read-only, fixed query counts."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from putright.complaints.tests.stories import received
from putright.intake.models import FollowUpTask, InboundEmail, ServiceRequest
from putright.intake.services import service_requests as sr
from putright.intake.services.email import email_import
from putright.people.factories import ResidentFactory
from putright.people.models import ContactRestriction, Representative

pytestmark = pytest.mark.django_db


@pytest.fixture
def boiler(monday, rosa, handler):
    return sr.service_request_create(
        resident=rosa,
        summary="Boiler",
        requested_on=monday,
        due_on=monday + timedelta(days=5),
        owner=handler,
        actor=handler,
    )


def pages(rosa, boiler, complaint):
    return [
        "/people/",
        "/people/?q=Rosa",
        f"/people/{rosa.pk}/",
        "/people/reviews/",
        "/intake/",
        f"/intake/service-requests/{boiler.pk}/",
        f"/intake/service-requests/new/{rosa.pk}/",
        "/intake/surveys/",
        "/intake/mailbox/",
        f"/intake/triage/{complaint.reference}/",
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, rosa, boiler, rosas_complaint):
    for path in pages(rosa, boiler, rosas_complaint):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/"), path


def test_every_staff_role_can_read_every_page(client, rosa, boiler, rosas_complaint, viewer):
    client.force_login(viewer)
    for path in pages(rosa, boiler, rosas_complaint):
        assert client.get(path).status_code == 200, path


def test_a_viewer_cannot_change_anything(client, rosa, boiler, rosas_complaint, viewer):
    client.force_login(viewer)
    posts = [
        f"/people/{rosa.pk}/representatives/",
        f"/people/{rosa.pk}/restrictions/",
        f"/intake/service-requests/new/{rosa.pk}/",
        f"/intake/service-requests/{boiler.pk}/update/",
        f"/intake/service-requests/{boiler.pk}/dissatisfied/",
        "/intake/surveys/",
        "/intake/follow-ups/1/done/",
        "/intake/mailbox/1/resolve/",
        f"/people/{rosa.pk}/adjustments/",
        f"/people/{rosa.pk}/vulnerabilities/",
        "/people/adjustment/1/review/",
        "/people/restrictions/1/review/",
        "/people/representatives/1/authorise/",
        "/people/representatives/1/end/",
    ]
    for path in posts:
        assert client.post(path, {}).status_code == 403, path
    page = client.get(f"/people/{rosa.pk}/").content.decode()
    assert "Add a contact restriction" not in page


def test_a_handler_adds_a_representative_from_the_resident_page(client, rosa, handler, monday):
    client.force_login(handler)
    response = client.post(
        f"/people/{rosa.pk}/representatives/",
        {
            "rep-full_name": "Ruth Bell",
            "rep-relationship": "relative",
            "rep-email": "ruth@example.org",
            "rep-form_received": "on",
            "rep-authorised_on": "2026-02-01",
            "rep-scope": "all",
            "rep-letters_to_representative": "on",
        },
    )
    assert response.status_code == 302
    rep = Representative.objects.get()
    assert rep.is_authorised_on(monday)
    assert not rep.copy_to_resident


def test_a_representative_form_error_is_shown_by_the_field(client, rosa, handler, monday):
    client.force_login(handler)
    response = client.post(
        f"/people/{rosa.pk}/representatives/",
        {
            "rep-full_name": "Ruth Bell",
            "rep-relationship": "relative",
            "rep-email": "ruth@example.org",
            "rep-authorised_on": "2026-02-01",
            "rep-scope": "all",
        },
    )
    assert response.status_code == 400
    assert "only be authorised once the authorisation form is received" in response.content.decode()
    assert Representative.objects.count() == 0


def test_a_handler_records_a_restriction_and_it_is_shown_prominently(client, rosa, handler, monday):
    client.force_login(handler)
    data = {
        "res-restricts": "written_only",
        "res-reason": "Abusive calls",
        "res-evidence": "Recordings 3 and 5 Feb",
        "res-proportionality": "Written contact keeps the service open",
        "res-equality_act_considered": "No disability disclosed",
        "res-starts_on": "2026-03-02",
        "res-review_on": "2026-06-01",
    }
    missing = client.post(
        f"/people/{rosa.pk}/restrictions/", {**data, "res-equality_act_considered": ""}
    )
    assert missing.status_code == 400
    assert "Record the Equality Act consideration" in missing.content.decode()
    assert ContactRestriction.objects.count() == 0
    assert client.post(f"/people/{rosa.pk}/restrictions/", data).status_code == 302
    page = client.get(f"/people/{rosa.pk}/").content.decode()
    assert "Written contact only" in page
    assert "never stops a complaint" in page


def test_service_request_pages_record_update_and_raise_a_complaint(client, rosa, handler, monday):
    client.force_login(handler)
    response = client.post(
        f"/intake/service-requests/new/{rosa.pk}/",
        {"summary": "Fence down", "requested_on": "2026-03-02", "due_on": "2026-03-01"},
    )
    assert response.status_code == 400
    assert "The due date cannot be before the request was made." in response.content.decode()
    response = client.post(
        f"/intake/service-requests/new/{rosa.pk}/",
        {"summary": "Fence down", "requested_on": "2026-03-02", "due_on": "2026-03-09"},
    )
    item = ServiceRequest.objects.get()
    assert response["Location"] == f"/intake/service-requests/{item.pk}/"
    client.post(
        f"/intake/service-requests/{item.pk}/update/", {"status": "in_progress", "note": "Booked"}
    )
    client.post(
        f"/intake/service-requests/{item.pk}/dissatisfied/", {"what_is_wrong": "Nobody came"}
    )
    item.refresh_from_db()
    assert item.status == "in_progress"
    assert item.complaints.count() == 1


def test_raising_a_complaint_from_a_request_sent_twice_raises_one(client, boiler, handler):
    client.force_login(handler)
    page = client.get(f"/intake/service-requests/{boiler.pk}/").content.decode()
    form_html = page.split(f'action="/intake/service-requests/{boiler.pk}/dissatisfied/"')[1]
    token = form_html.split('name="submission_token" value="')[1].split('"')[0]
    form = {"what_is_wrong": "Nobody came, twice", "submission_token": token}

    first = client.post(f"/intake/service-requests/{boiler.pk}/dissatisfied/", form)
    again = client.post(f"/intake/service-requests/{boiler.pk}/dissatisfied/", form)

    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"] == f"/intake/service-requests/{boiler.pk}/"
    assert boiler.complaints.count() == 1
    assert boiler.updates.filter(summary__startswith="Resident dissatisfied").count() == 1
    assert "Already done" in client.get(again["Location"]).content.decode()


def test_survey_import_page_creates_follow_ups_and_marks_them_done(client, rosa, handler, monday):
    client.force_login(handler)
    csv_file = SimpleUploadedFile(
        "q.csv", f"response_id,responded_on,score,resident_id\nA,2026-02-01,1,{rosa.pk}\n".encode()
    )
    response = client.post("/intake/surveys/", {"survey": "Q1", "file": csv_file})
    assert response.status_code == 200
    assert "1 follow-up created" in response.content.decode()
    task = FollowUpTask.objects.get()
    assert (
        client.post(f"/intake/follow-ups/{task.pk}/done/", {"how_told": "Phoned"}).status_code
        == 302
    )
    task.refresh_from_db()
    assert task.status == "done"
    again = client.post(f"/intake/follow-ups/{task.pk}/done/", {"how_told": "Phoned again"})
    assert again.status_code == 400
    assert "This follow-up is already done." in again.content.decode()


def test_a_survey_file_that_is_not_utf8_is_refused(client, handler, monday):
    client.force_login(handler)
    response = client.post(
        "/intake/surveys/",
        {"survey": "Q1", "file": SimpleUploadedFile("q.csv", b"\xff\xfe\x00bad")},
    )
    assert response.status_code == 400
    assert "saved as UTF-8" in response.content.decode()


def test_the_mailbox_page_shows_quarantined_mail_until_resolved(client, handler, monday):
    inbound, _ = email_import(raw=b"", source="test")
    client.force_login(handler)
    assert "The file is empty" in client.get("/intake/mailbox/").content.decode()
    client.post(f"/intake/mailbox/{inbound.pk}/resolve/", {"resolution": "Blank; ignored"})
    assert InboundEmail.objects.get().resolved_by == handler


def test_the_triage_page_shows_prompts_never_a_refusal(client, rosa, handler, monday):
    complaint = received(resident=rosa, actor=handler, issue_started_on=date(2024, 1, 1))
    client.force_login(handler)
    page = client.get(f"/intake/triage/{complaint.reference}/").content.decode()
    assert "may be more than 12 months old" in page
    assert "None of them is a reason to refuse on its own" in page


def test_staff_pages_take_a_fixed_number_of_queries(
    client,
    rosa,
    boiler,
    rosas_complaint,
    handler,
    monday,
    rosas_daughter,
    django_assert_max_num_queries,
):
    for _ in range(10):
        other = ResidentFactory()
        received(resident=other, actor=handler)
        sr.service_request_create(
            resident=other,
            summary="x",
            requested_on=monday,
            due_on=monday,
            owner=handler,
            actor=handler,
        )
    for n in range(5):
        email_import(raw=f"junk {n}".encode(), source="test")
    client.force_login(handler)
    limits = {
        "/people/": 6,
        f"/people/{rosa.pk}/": 14,
        "/people/reviews/": 9,
        "/intake/": 9,
        f"/intake/service-requests/{boiler.pk}/": 9,
        "/intake/surveys/": 6,
        "/intake/mailbox/": 7,
        f"/intake/triage/{rosas_complaint.reference}/": 12,
    }
    for path, limit in limits.items():
        with django_assert_max_num_queries(limit):
            assert client.get(path).status_code == 200


def test_a_handler_records_an_adjustment_and_a_vulnerability_with_consent(
    client, rosa, handler, monday
):
    client.force_login(handler)
    no_consent = client.post(
        f"/people/{rosa.pk}/adjustments/",
        {"adj-kind": "large_print", "adj-review_on": "2026-09-01"},
    )
    assert no_consent.status_code == 400
    assert "Record only with the resident" in no_consent.content.decode()
    ok = client.post(
        f"/people/{rosa.pk}/adjustments/",
        {"adj-kind": "large_print", "adj-consent_given": "on", "adj-review_on": "2026-09-01"},
    )
    assert ok.status_code == 302
    client.post(
        f"/people/{rosa.pk}/vulnerabilities/",
        {
            "vul-description": "Recent stroke",
            "vul-consent_given": "on",
            "vul-review_on": "2026-06-01",
        },
    )
    page = client.get(f"/people/{rosa.pk}/").content.decode()
    assert "Large print" in page
    assert "Recent stroke" in page
    assert "Needs and adjustments" in page


def test_reviews_are_recorded_from_the_resident_page(client, rosa, handler, monday):
    from putright.people import services
    from putright.people.models import Adjustment

    item = services.adjustment_add(
        resident=rosa,
        kind="easy_read",
        consent_given=True,
        review_on=date(2026, 3, 10),
        actor=handler,
    )
    client.force_login(handler)
    bad = client.post(f"/people/adjustment/{item.pk}/review/", {"keep": "yes"})
    assert bad.status_code == 400
    assert "Enter the date this will next be reviewed." in bad.content.decode()
    client.post(
        f"/people/adjustment/{item.pk}/review/", {"keep": "yes", "next_review_on": "2026-12-01"}
    )
    assert Adjustment.objects.get().review_on == date(2026, 12, 1)
    client.post(f"/people/adjustment/{item.pk}/review/", {"keep": "no"})
    assert not Adjustment.objects.get().active
    assert client.post("/people/nonsense/1/review/", {"keep": "no"}).status_code == 404


def test_a_representative_is_authorised_then_ended_from_the_resident_page(
    client, rosa, handler, monday
):
    from putright.people import services

    rep = services.representative_add(
        resident=rosa,
        full_name="Cllr Shah",
        relationship="councillor",
        email="c@example.org",
        actor=handler,
    )
    client.force_login(handler)
    client.post(f"/people/representatives/{rep.pk}/authorise/", {"authorised_on": "2026-03-01"})
    rep.refresh_from_db()
    assert rep.is_authorised_on(monday)
    client.post(f"/people/representatives/{rep.pk}/end/")
    rep.refresh_from_db()
    assert rep.ended_on == monday
    again = client.post(f"/people/representatives/{rep.pk}/end/")
    assert again.status_code == 400


def test_a_restriction_review_from_the_page(client, rosa, handler, monday):
    from putright.people import services

    x = services.restriction_add(
        resident=rosa,
        reason="r",
        evidence="e",
        restricts="written_only",
        starts_on=monday,
        review_on=date(2026, 4, 1),
        proportionality="p",
        equality_act_considered="q",
        actor=handler,
    )
    client.force_login(handler)
    client.post(f"/people/restrictions/{x.pk}/review/", {"keep": "no"})
    x.refresh_from_db()
    assert x.ended_on == monday
