"""Staff sessions end when idle or too old (ASVS 3.3); passwords are long and not common
(ASVS 2.1)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from putright.accounts.factories import TEST_PASSWORD
from putright.core.models import SecurityEvent

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def at(time_machine, **delta):
    time_machine.move_to(START + timedelta(**delta), tick=False)


def test_a_session_idle_for_more_than_30_minutes_is_signed_out(client, handler, time_machine):
    at(time_machine)
    client.post("/accounts/login/", {"username": "hamid", "password": TEST_PASSWORD})
    at(time_machine, minutes=29)
    assert client.get("/").status_code == 200

    at(time_machine, minutes=29 + 31)
    response = client.get("/")

    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/"
    assert "_auth_user_id" not in client.session
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.SESSION_EXPIRED)
    assert (event.user, event.data) == (handler, {"why": "idle"})


def test_a_busy_session_still_ends_after_12_hours(client, handler, time_machine):
    at(time_machine)
    client.post("/accounts/login/", {"username": "hamid", "password": TEST_PASSWORD})
    for minutes in range(20, 12 * 60, 20):
        at(time_machine, minutes=minutes)
        assert client.get("/").status_code == 200, minutes

    at(time_machine, hours=12, minutes=5)

    assert client.get("/").status_code == 302
    assert "_auth_user_id" not in client.session
    assert SecurityEvent.objects.get(kind="session.expired").data == {"why": "maximum lifetime"}


def test_the_idle_limit_is_a_setting(client, handler, time_machine, settings):
    settings.PUTRIGHT_SESSION_IDLE_MINUTES = 5
    at(time_machine)
    client.post("/accounts/login/", {"username": "hamid", "password": TEST_PASSWORD})

    at(time_machine, minutes=6)

    assert client.get("/").status_code == 302


def test_the_session_api_answers_401_when_the_session_has_ended(client, handler, time_machine):
    at(time_machine)
    client.post("/accounts/login/", {"username": "hamid", "password": TEST_PASSWORD})
    at(time_machine, hours=1)

    assert client.get("/api/v1/complaints/").status_code == 401


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("Tr0ub4dor&3", "too short"),  # 11 characters
        ("password1234", "too common"),
        ("qwertyuiop123", "too common"),
    ],
)
def test_weak_passwords_are_refused(handler, password, problem):
    with pytest.raises(ValidationError, match=problem):
        validate_password(password, user=handler)


def test_a_long_uncommon_password_is_accepted(handler):
    validate_password("correct horse battery staple", user=handler)


def test_the_session_and_csrf_cookies_are_secure_http_only_and_same_site(client, handler):
    """ASVS 3.4.1-3.4.3, with DEBUG off as in production (the tests' default)."""
    page = client.get("/accounts/login/")
    response = client.post(
        "/accounts/login/", {"username": "hamid", "password": TEST_PASSWORD}, secure=True
    )

    session = response.cookies["sessionid"]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] is True
    assert csrf["samesite"] == "Lax"
