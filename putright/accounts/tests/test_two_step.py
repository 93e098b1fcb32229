"""Two-step verification (ASVS 2.7, 2.8): who must use it, set-up, codes, the admin gate."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from putright.accounts.constants import MFA_CODE_WRONG, SESSION_VERIFIED
from putright.accounts.factories import TEST_PASSWORD
from putright.accounts.models import RecoveryCode
from putright.accounts.recovery import code_use
from putright.accounts.testing import current_code, enrol_two_step, give_recovery_codes
from putright.core.models import SecurityEvent

pytestmark = [pytest.mark.django_db, pytest.mark.real_two_step]

Kind = SecurityEvent.Kind


def sign_in(client, username, url="/accounts/login/"):
    response = client.post(url, {"username": username, "password": TEST_PASSWORD})
    assert "_auth_user_id" in client.session
    return response


def test_an_officer_is_sent_to_set_up_two_step_after_the_password(client, officer):
    sign_in(client, "olivia")

    response = client.get("/complaints/new/")

    assert response.status_code == 302
    assert response.url == "/accounts/two-step/set-up/?next=/complaints/new/"


def test_an_officer_sets_up_an_app_and_is_shown_recovery_codes_once(client, officer):
    sign_in(client, "olivia")
    page = client.get("/accounts/two-step/set-up/")
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=officer, confirmed=False)

    response = client.post(
        "/accounts/two-step/set-up/", {"code": current_code(device), "next": "/"}
    )

    assert response.status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    page_text = response.content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page_text)
    assert len(codes) == 10
    # Shown once, stored only hashed: no code is in the database in clear.
    digests = list(
        RecoveryCode.objects.filter(device__user=officer).values_list("digest", flat=True)
    )
    assert len(digests) == 10
    assert not any(code in digest for code in codes for digest in digests)
    assert not StaticToken.objects.exists()
    assert SecurityEvent.objects.filter(kind=Kind.MFA_ENROLLED, user=officer).exists()
    assert client.get("/").status_code == 200


def test_a_wrong_code_at_set_up_is_a_field_error_and_confirms_nothing(client, officer):
    sign_in(client, "olivia")
    client.get("/accounts/two-step/set-up/")

    response = client.post("/accounts/two-step/set-up/", {"code": "000000"})

    assert response.status_code == 400
    assert MFA_CODE_WRONG in response.content.decode()
    assert not TOTPDevice.objects.filter(user=officer, confirmed=True).exists()
    assert not StaticDevice.objects.filter(user=officer).exists()


def test_an_enrolled_officer_enters_a_code_before_any_page(client, officer, time_machine):
    device = enrol_two_step(officer)
    sign_in(client, "olivia")
    assert client.get("/dashboard/").url == "/accounts/two-step/verify/?next=/dashboard/"

    wrong = client.post("/accounts/two-step/verify/", {"code": "123456", "next": "/dashboard/"})
    assert wrong.status_code == 400
    assert MFA_CODE_WRONG in wrong.content.decode()
    assert client.get("/dashboard/").status_code == 302
    # django-otp throttles after a failure (1 s, doubling): the next try waits a moment.
    time_machine.move_to(datetime.now(UTC) + timedelta(seconds=5))

    right = client.post(
        "/accounts/two-step/verify/", {"code": current_code(device), "next": "/dashboard/"}
    )

    assert right.status_code == 302
    assert right.url == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200
    kinds = list(SecurityEvent.objects.filter(user=officer).values_list("kind", flat=True))
    assert Kind.MFA_FAILED in kinds
    assert Kind.MFA_VERIFIED in kinds


def test_verification_does_not_send_you_to_another_site(client, officer):
    device = enrol_two_step(officer)
    sign_in(client, "olivia")

    response = client.post(
        "/accounts/two-step/verify/",
        {"code": current_code(device), "next": "https://evil.example/"},
    )

    assert response.url == "/"


def test_a_recovery_code_works_once(client, officer):
    enrol_two_step(officer)
    give_recovery_codes(officer, ["abcd2345ef"])
    sign_in(client, "olivia")

    client.post("/accounts/two-step/verify/", {"code": "abcd2345ef"})
    assert client.session.get(SESSION_VERIFIED) is True

    client.logout()
    sign_in(client, "olivia")
    again = client.post("/accounts/two-step/verify/", {"code": "abcd2345ef"})
    assert again.status_code == 400
    assert not client.session.get(SESSION_VERIFIED)


def test_a_code_cannot_be_used_twice(client, officer):
    device = enrol_two_step(officer)
    code = current_code(device)
    sign_in(client, "olivia")
    client.post("/accounts/two-step/verify/", {"code": code})
    client.logout()
    sign_in(client, "olivia")

    assert client.post("/accounts/two-step/verify/", {"code": code}).status_code == 400


def test_the_admin_sign_in_page_does_not_bypass_two_step(client, administrator):
    enrol_two_step(administrator)
    sign_in(client, "sysadmin", url="/admin/login/")

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response.url == "/accounts/two-step/verify/?next=/admin/"


def test_the_session_api_is_closed_until_two_step_is_passed(client, officer):
    enrol_two_step(officer)
    sign_in(client, "olivia")

    assert client.get("/api/v1/complaints/").status_code == 403


def test_a_handler_needs_no_two_step_unless_the_setting_asks(client, handler, settings):
    sign_in(client, "hamid")
    assert client.get("/").status_code == 200

    settings.PUTRIGHT_MFA_REQUIRED_FOR_HANDLERS = True

    assert client.get("/").url == "/accounts/two-step/set-up/?next=/"


def test_a_handler_who_set_up_two_step_must_use_it(client, handler):
    enrol_two_step(handler)
    sign_in(client, "hamid")

    assert client.get("/").url == "/accounts/two-step/verify/?next=/"


def test_turning_two_step_off_needs_a_verified_session_and_is_logged(client, handler):
    device = enrol_two_step(handler)
    sign_in(client, "hamid")
    client.post("/accounts/two-step/remove/")
    assert TOTPDevice.objects.filter(user=handler).exists()

    client.post("/accounts/two-step/verify/", {"code": current_code(device)})
    client.post("/accounts/two-step/remove/")

    assert not TOTPDevice.objects.filter(user=handler).exists()
    assert SecurityEvent.objects.filter(kind=Kind.MFA_REMOVED, user=handler).exists()


def test_new_recovery_codes_replace_the_old_ones(client, handler):
    device = enrol_two_step(handler)
    give_recovery_codes(handler, ["oldcode234"])
    sign_in(client, "hamid")
    client.post("/accounts/two-step/verify/", {"code": current_code(device)})

    response = client.post("/accounts/two-step/recovery-codes/")

    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    assert len(new) == 10
    assert RecoveryCode.objects.filter(device__user=handler).count() == 10
    recovery = StaticDevice.objects.get(user=handler)
    with transaction.atomic():
        assert not code_use(recovery, "oldcode234")
    recovery.throttle_reset()
    with transaction.atomic():
        assert code_use(recovery, new[3])


@pytest.mark.parametrize(
    "url", ["/accounts/two-step/", "/accounts/two-step/set-up/", "/accounts/two-step/verify/"]
)
def test_two_step_pages_send_anonymous_visitors_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_the_overview_says_whether_two_step_is_on(client, handler):
    sign_in(client, "hamid")
    assert "Two-step verification is off" in client.get("/accounts/two-step/").content.decode()


def test_the_demo_key_gives_the_code_an_app_would(officer):
    from putright.accounts.demo import DEMO_TOTP_KEY, demo_totp_code

    assert demo_totp_code() == f"{totp(bytes.fromhex(DEMO_TOTP_KEY)):06d}"


def test_a_handler_with_django_admin_access_must_use_two_step(client, db):
    from putright.accounts import factories

    factories.handler(username="helen", is_staff=True)
    client.post("/admin/login/", {"username": "helen", "password": TEST_PASSWORD})

    response = client.get("/admin/")

    assert response.url == "/accounts/two-step/set-up/?next=/admin/"


def test_the_gate_asks_afresh_in_one_query_and_remembers_nothing(
    client, handler, django_assert_num_queries
):
    """Every page of a session not yet verified asks whether the user has a second step: one
    query (issue 19: the case page within 15), and nothing kept in the session, so a device
    set up elsewhere holds the next page at the code and a device removed counts at once."""
    from putright.accounts import services, two_step
    from putright.accounts.models import Passkey
    from putright.core.clock import now

    sign_in(client, "hamid")
    assert client.get("/").status_code == 200
    with django_assert_num_queries(1):
        assert not two_step.enrolled(handler)

    device = enrol_two_step(handler)  # in another session
    with django_assert_num_queries(1):
        assert two_step.enrolled(handler)
    assert client.get("/").url == "/accounts/two-step/verify/?next=/"

    services.mfa_remove(user=handler, actor=handler)
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert client.get("/").status_code == 200

    Passkey.objects.create(
        user=handler, name="Laptop", credential_id=b"k1", public_key=b"p", created_at=now()
    )
    assert client.get("/").url == "/accounts/two-step/verify/?next=/"
    TOTPDevice.objects.create(user=handler, name="half set up", confirmed=False)
    Passkey.objects.filter(user=handler).delete()
    assert client.get("/").status_code == 200  # an unconfirmed app is no second step
