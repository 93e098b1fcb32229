"""The privacy pages are for administrators only; forms keep CSRF and say what went wrong."""

import io
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from putright.complaints.tests.stories import received, travel
from putright.core.permissions import Action, view_permission
from putright.people.models import Resident
from putright.privacy import urls as privacy_urls
from putright.privacy.export import resident_export
from putright.privacy.models import AuditEntry
from putright.privacy.services import retention_apply
from putright.privacy.tests.conftest import TODAY


@pytest.fixture
def urls(old_cases):
    pk = old_cases[0].resident_id
    return {
        "home": ("get", reverse("privacy:home")),
        "resident": ("get", reverse("privacy:resident", args=[pk])),
        "export": ("post", reverse("privacy:export", args=[pk])),
        "erase": ("post", reverse("privacy:erase", args=[pk])),
    }


def test_anonymous_visitors_are_sent_to_sign_in(client, urls):
    for method, url in urls.values():
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("persona", ["handler", "officer", "viewer"])
def test_staff_other_than_administrators_are_refused(client, urls, persona, request):
    client.force_login(request.getfixturevalue(persona))
    for method, url in urls.values():
        data = {"export-reason": "x", "erase-reason": "x", "erase-confirm": "on"}
        response = getattr(client, method)(url, data) if method == "post" else client.get(url)
        assert response.status_code == 403, url
    assert not AuditEntry.objects.exists()
    assert Resident.objects.get(full_name="Rosa Bell")


def test_an_administrator_finds_a_resident_and_downloads_the_export(client, urls, administrator):
    client.force_login(administrator)
    page = client.get(urls["home"][1], {"q": "Rosa"})
    assert urls["resident"][1] in page.content.decode()

    response = client.post(urls["export"][1], {"export-reason": "Request by email"})

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "resident.json" in archive.namelist()


def test_a_missing_reason_is_shown_against_the_field_and_nothing_is_exported(
    client, urls, administrator
):
    client.force_login(administrator)

    response = client.post(urls["export"][1], {"export-reason": ""})

    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()
    assert not AuditEntry.objects.exists()


def test_erasure_from_the_page_and_its_refusal_is_shown(client, urls, administrator, old_cases):
    client.force_login(administrator)

    response = client.post(
        urls["erase"][1], {"erase-reason": "Request by letter", "erase-confirm": "on"}
    )

    assert response.status_code == 302
    assert Resident.objects.get(pk=old_cases[0].resident_id).full_name.startswith("[removed")


def test_forms_need_the_csrf_token(urls, administrator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(administrator)

    response = client.post(urls["export"][1], {"export-reason": "Request"})

    assert response.status_code == 403
    assert not AuditEntry.objects.exists()


def test_a_refused_erasure_shows_the_rule_and_changes_nothing(
    client, urls, administrator, old_cases, time_machine, handler
):

    travel(time_machine, TODAY)
    received(resident=old_cases[0].resident, actor=handler)
    client.force_login(administrator)

    response = client.post(
        urls["erase"][1], {"erase-reason": "Request by letter", "erase-confirm": "on"}
    )

    assert response.status_code == 409
    assert "Erasure refused: the resident has a complaint still open." in response.content.decode()
    assert Resident.objects.get(pk=old_cases[0].resident_id).full_name == "Rosa Bell"
    assert AuditEntry.objects.get().refusal == "open_complaint"


def test_the_pages_take_a_fixed_number_of_queries(
    client, urls, administrator, old_cases, django_assert_max_num_queries
):

    for _ in range(3):  # audit entries with an actor each
        resident_export(
            resident=old_cases[0].resident, reason="Request", actor=administrator
        ).file.close()
    retention_apply(today=TODAY, actor=None)
    client.force_login(administrator)

    with django_assert_max_num_queries(4):
        assert client.get(urls["home"][1], {"q": "removed"}).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(urls["resident"][1]).status_code == 200


def test_every_privacy_url_states_the_administrators_only_rule():
    for pattern in privacy_urls.urlpatterns:
        assert view_permission(pattern.callback) == (Action.MANAGE_RESIDENTS_DATA, None)
