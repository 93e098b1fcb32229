"""Who may use each staff page: anonymous people sign in, viewers read, case workers act."""

import pytest
from django.urls import URLPattern

from putright.complaints import urls as staff_urls
from putright.complaints.tests.stories import snapshot

pytestmark = pytest.mark.django_db

READ_PAGES = ["/", "/dashboard/", "/?scope=all&overdue=on"]


def case_pages(complaint) -> list[str]:
    return [f"/complaints/{complaint.reference}/", f"/complaints/{complaint.reference}/?show=notes"]


def action_pages(complaint) -> list[str]:
    base = f"/complaints/{complaint.reference}"
    return [
        f"{base}/{slug}/"
        for slug in ("acknowledge", "note", "exclude", "withdraw", "correspondence", "attachment")
    ] + [f"{base}/extend/preview/?new_due=2026-03-20", "/complaints/new/"]


def test_every_staff_url_states_its_permission_rule():
    for pattern in staff_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        assert getattr(pattern.callback, "permission_rule", None) in {
            "can_view_cases",
            "can_work_cases",
        }, pattern.name


def test_anonymous_people_are_sent_to_sign_in(client, complaint):
    for path in READ_PAGES + case_pages(complaint) + action_pages(complaint):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith("/accounts/login/?next="), path


def test_anonymous_posts_change_nothing(client, complaint):
    before = snapshot(complaint)
    response = client.post(f"/complaints/{complaint.reference}/note/", {"text": "Hello"})
    assert response.status_code == 302
    assert snapshot(complaint) == before


def test_a_viewer_can_read_the_queue_cases_and_dashboard(client, viewer, complaint):
    client.force_login(viewer)
    for path in READ_PAGES + case_pages(complaint):
        assert client.get(path).status_code == 200, path


def test_a_viewer_sees_no_actions_and_cannot_open_or_post_them(client, viewer, complaint):
    client.force_login(viewer)
    page = client.get(f"/complaints/{complaint.reference}/").content.decode()
    assert "What you can do" not in page
    assert "Log a complaint" not in page
    for path in action_pages(complaint):
        assert client.get(path).status_code == 403, path
    before = snapshot(complaint)
    response = client.post(f"/complaints/{complaint.reference}/note/", {"text": "Hello"})
    assert response.status_code == 403
    assert snapshot(complaint) == before


def test_a_handler_can_act_but_not_allocate(client, handler, complaint):
    client.force_login(handler)
    assert client.get(f"/complaints/{complaint.reference}/note/").status_code == 200
    assert client.get(f"/complaints/{complaint.reference}/assign/").status_code == 403
    before = snapshot(complaint)
    response = client.post(f"/complaints/{complaint.reference}/assign/", {"handler": handler.pk})
    assert response.status_code == 403
    assert snapshot(complaint) == before


def test_an_officer_can_allocate(client, officer, complaint):
    client.force_login(officer)
    assert client.get(f"/complaints/{complaint.reference}/assign/").status_code == 200


def test_an_inactive_account_cannot_read(client, handler, complaint):
    handler.is_active = False
    handler.save()
    client.force_login(handler)
    assert client.get("/").status_code in {302, 403}


def test_documents_are_only_served_through_their_own_complaint(
    client, handler, complaint, resident
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from putright.complaints import services
    from putright.complaints.tests.stories import received

    other = received(resident=resident, actor=handler)
    [doc] = services.attachment_add(
        complaint=complaint,
        files=[SimpleUploadedFile("a.txt", b"hello", content_type="text/plain")],
        actor=handler,
    )
    client.force_login(handler)
    download = client.get(f"/complaints/{complaint.reference}/documents/{doc.pk}/")
    assert download.status_code == 200
    # Reading the stream to the end closes the file the way a real server would.
    assert b"".join(download.streaming_content) == b"hello"
    assert client.get(f"/complaints/{other.reference}/documents/{doc.pk}/").status_code == 404


def test_get_only_pages_refuse_posts(client, handler):
    client.force_login(handler)
    assert client.post("/", {}).status_code == 405
