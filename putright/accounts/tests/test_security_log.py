"""The security log page (administrators only) and permission refusals written to it."""

import pytest

from putright.accounts.services import api_token_create
from putright.core.models import SecurityEvent

pytestmark = pytest.mark.django_db

URL = "/accounts/security-log/"


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={URL}"


@pytest.mark.parametrize("persona", ["handler", "officer", "viewer"])
def test_staff_other_than_administrators_are_refused_and_the_refusal_is_logged(
    client, request, persona
):
    user = request.getfixturevalue(persona)
    client.force_login(user)

    assert client.get(URL).status_code == 403

    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.PERMISSION_DENIED)
    assert (event.user, event.path, event.data) == (
        user,
        URL,
        {"action": "read_security_log", "method": "GET"},
    )


def test_an_administrator_reads_the_log_newest_first(client, administrator, handler):
    client.post("/accounts/login/", {"username": "hamid", "password": "not-it"})
    client.force_login(administrator)

    response = client.get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Sign-in failed" in page
    assert "hamid" in page
    assert page.index("Signed in") < page.index("Sign-in failed")


def test_the_log_filters_by_kind(client, administrator):
    client.post("/accounts/login/", {"username": "ghost", "password": "not-it"})
    client.force_login(administrator)

    page = client.get(URL, {"kind": "signin"}).content.decode()

    assert "ghost" not in page


def test_an_api_refusal_is_logged(viewer):
    from rest_framework.test import APIClient

    _token, key = api_token_create(
        user=viewer, name="Tests", days=30, actor=viewer, two_step_verified=True
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    response = api.post("/api/v1/complaints/", {}, format="json")

    assert response.status_code == 403
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.PERMISSION_DENIED)
    assert (event.user, event.data) == (viewer, {"action": "work_cases", "method": "POST"})


def test_sign_in_and_sign_out_are_logged(client, handler):
    from putright.accounts.factories import TEST_PASSWORD

    client.post("/accounts/login/", {"username": "hamid", "password": TEST_PASSWORD})
    client.post("/accounts/logout/")

    kinds = list(SecurityEvent.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["signin", "signout"]
