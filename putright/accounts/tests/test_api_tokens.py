"""API tokens (ASVS 2.10, 3.5): hashed, expiring, revocable, named, shown once, made only with
two-step verification."""

import hashlib
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from putright.accounts.constants import MFA_NEEDED_FOR_TOKEN, TOKEN_NAME_MISSING
from putright.accounts.models import ApiToken
from putright.accounts.services import api_token_create, api_token_revoke
from putright.accounts.testing import current_code, enrol_two_step
from putright.core.errors import RuleBroken
from putright.core.models import SecurityEvent

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def make(user, days=30):
    return api_token_create(
        user=user, name="Housing system", days=days, actor=user, two_step_verified=True
    )


def api(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_the_database_holds_only_a_digest_of_the_key(handler):
    token, key = make(handler)

    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert key not in str(stored)
    assert stored["digest"] == hashlib.sha256(key.encode()).hexdigest()
    assert key.startswith(stored["prefix"])
    assert api(key).get("/api/v1/complaints/").status_code == 200


def test_a_token_stops_working_when_it_expires(handler, time_machine):
    time_machine.move_to(START, tick=False)
    _token, key = make(handler, days=30)
    time_machine.move_to(START + timedelta(days=29, hours=23), tick=False)
    assert api(key).get("/api/v1/complaints/").status_code == 200

    time_machine.move_to(START + timedelta(days=30, minutes=1), tick=False)

    assert api(key).get("/api/v1/complaints/").status_code == 401


def test_a_revoked_token_stops_working_at_once_and_the_revocation_is_logged(handler):
    token, key = make(handler)

    api_token_revoke(token=token, actor=handler)

    assert api(key).get("/api/v1/complaints/").status_code == 401
    assert SecurityEvent.objects.filter(kind="token.revoked", user=handler).exists()
    with pytest.raises(RuleBroken):
        api_token_revoke(token=token, actor=handler)


def test_a_deactivated_user_s_token_stops_working(handler):
    _token, key = make(handler)
    handler.is_active = False
    handler.save()

    assert api(key).get("/api/v1/complaints/").status_code == 401


def test_a_wrong_key_is_refused(handler):
    make(handler)
    assert api("pr_not-a-real-key").get("/api/v1/complaints/").status_code == 401


def test_last_used_is_recorded_to_the_minute(handler, time_machine):
    time_machine.move_to(START, tick=False)
    token, key = make(handler)
    assert token.last_used_at is None

    api(key).get("/api/v1/complaints/")
    token.refresh_from_db()
    assert token.last_used_at == START

    time_machine.move_to(START + timedelta(hours=2), tick=False)
    api(key).get("/api/v1/complaints/")
    token.refresh_from_db()
    assert token.last_used_at == START + timedelta(hours=2)


def test_making_a_token_needs_two_step_verification_and_a_name(handler):
    with pytest.raises(RuleBroken, match=MFA_NEEDED_FOR_TOKEN):
        api_token_create(user=handler, name="x", days=30, actor=handler, two_step_verified=False)
    with pytest.raises(Exception, match=TOKEN_NAME_MISSING):
        api_token_create(user=handler, name="  ", days=30, actor=handler, two_step_verified=True)
    assert not ApiToken.objects.exists()


@pytest.mark.real_two_step
def test_the_tokens_page_sends_a_handler_without_two_step_to_set_it_up(client, handler):
    client.force_login(handler)

    response = client.get("/accounts/api-tokens/")

    assert response.status_code == 302
    assert response.url == "/accounts/two-step/set-up/?next=/accounts/api-tokens/"


@pytest.mark.real_two_step
def test_a_verified_member_of_staff_makes_a_token_and_sees_it_once(client, handler):
    device = enrol_two_step(handler)
    client.force_login(handler)
    client.post("/accounts/two-step/verify/", {"code": current_code(device)})

    made = client.post("/accounts/api-tokens/", {"name": "Repairs system", "days": "90"})

    assert made.status_code == 200
    key = made.context["new_key"]
    assert key.startswith("pr_")
    assert key in made.content.decode()
    token = ApiToken.objects.get(user=handler)
    assert (token.name, token.expires_at - token.created_at) == ("Repairs system", timedelta(90))
    assert key not in client.get("/accounts/api-tokens/").content.decode()
    assert SecurityEvent.objects.filter(kind="token.created", user=handler).exists()


def test_a_token_without_a_name_is_a_field_error(client, handler):
    client.force_login(handler)

    response = client.post("/accounts/api-tokens/", {"name": "", "days": "90"})

    assert response.status_code == 400
    assert TOKEN_NAME_MISSING in response.content.decode()
    assert not ApiToken.objects.exists()


def test_staff_revoke_their_own_tokens_but_not_a_colleague_s(client, handler, second_handler):
    mine, _ = make(handler)
    theirs, _ = make(second_handler)
    client.force_login(handler)

    assert client.post(f"/accounts/api-tokens/{theirs.pk}/revoke/").status_code == 404
    assert client.post(f"/accounts/api-tokens/{mine.pk}/revoke/").status_code == 302

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at is not None
    assert theirs.revoked_at is None


def test_the_token_pages_send_anonymous_visitors_to_sign_in(client, handler):
    token, _ = make(handler)
    assert client.get("/accounts/api-tokens/").url.startswith("/accounts/login/")
    assert client.post(f"/accounts/api-tokens/{token.pk}/revoke/").url.startswith(
        "/accounts/login/"
    )


def test_the_command_makes_a_token_for_someone_with_two_step(officer):
    enrol_two_step(officer)
    out = StringIO()

    call_command("create_api_token", "olivia", "--name", "Reporting", "--days", "7", stdout=out)

    key = out.getvalue().splitlines()[1]
    token = ApiToken.objects.get(user=officer)
    assert token.digest == hashlib.sha256(key.encode()).hexdigest()
    assert token.expires_at - token.created_at == timedelta(days=7)


def test_the_command_refuses_someone_without_two_step(handler):
    with pytest.raises(CommandError, match=MFA_NEEDED_FOR_TOKEN):
        call_command("create_api_token", "hamid", "--name", "Reporting", stdout=StringIO())
    assert not ApiToken.objects.exists()


def test_the_admin_never_shows_the_digest_and_cannot_add(client, administrator, handler):
    token, _ = make(handler)
    client.force_login(administrator)

    listing = client.get("/admin/accounts/apitoken/").content.decode()
    detail = client.get(f"/admin/accounts/apitoken/{token.pk}/change/").content.decode()

    assert "Housing system" in listing
    assert token.digest not in listing + detail
    assert client.get("/admin/accounts/apitoken/add/").status_code == 403
