"""Sign-in lockout (ASVS 2.2.1): per username and per address, on the staff and admin pages."""

import pytest
from django.conf import settings

from putright.accounts.constants import LOCKED_OUT
from putright.accounts.factories import TEST_PASSWORD
from putright.core.models import SecurityEvent

pytestmark = [pytest.mark.django_db, pytest.mark.real_two_step]

Kind = SecurityEvent.Kind
LOCKED = LOCKED_OUT.format(minutes=settings.PUTRIGHT_SIGNIN_WINDOW_MINUTES)


def sign_in(client, username, password, *, ip="10.0.0.1", url="/accounts/login/"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_six_wrong_passwords_then_the_right_one_is_refused(client, handler):
    for _ in range(6):
        assert sign_in(client, "hamid", "wrong-password").status_code == 200

    response = sign_in(client, "hamid", TEST_PASSWORD)

    assert LOCKED in response.content.decode()
    assert not signed_in(client)
    assert SecurityEvent.objects.filter(kind=Kind.SIGNIN_FAILED, username="hamid").count() == 5
    assert SecurityEvent.objects.filter(kind=Kind.SIGNIN_LOCKED, username="hamid").exists()
    assert SecurityEvent.objects.filter(kind=Kind.SIGNIN_REFUSED, username="hamid").count() == 2


def test_four_wrong_passwords_do_not_lock_and_a_success_starts_the_count_again(client, handler):
    for _ in range(4):
        sign_in(client, "hamid", "wrong-password")
    sign_in(client, "hamid", TEST_PASSWORD)
    assert signed_in(client)
    client.logout()
    for _ in range(4):
        sign_in(client, "hamid", "wrong-password")

    sign_in(client, "hamid", TEST_PASSWORD)

    assert signed_in(client)


def test_a_locked_username_is_refused_from_any_address(client, handler):
    for _ in range(5):
        sign_in(client, "Hamid", "wrong-password", ip="10.0.0.1")

    response = sign_in(client, "hamid", TEST_PASSWORD, ip="192.168.7.7")

    assert LOCKED in response.content.decode()
    assert not signed_in(client)


def test_an_address_with_too_many_failures_is_refused_for_everyone_but_others_are_not(
    client, handler, second_handler, settings
):
    settings.PUTRIGHT_SIGNIN_IP_FAILURE_LIMIT = 3
    for guess in ("alice", "bob", "carol"):  # one failure each: no username is locked
        sign_in(client, guess, "wrong-password", ip="10.9.9.9")

    refused = sign_in(client, "hannah", TEST_PASSWORD, ip="10.9.9.9")
    assert LOCKED in refused.content.decode()
    assert not signed_in(client)

    sign_in(client, "hannah", TEST_PASSWORD, ip="10.0.0.2")
    assert signed_in(client)


def test_a_forged_forwarded_for_header_is_ignored_unless_proxies_are_configured(
    client, handler, second_handler, settings
):
    """By default the address is REMOTE_ADDR: a client rotating X-Forwarded-For is still one
    address and is locked out as one."""
    settings.PUTRIGHT_SIGNIN_IP_FAILURE_LIMIT = 3
    for n, guess in enumerate(("alice", "bob", "carol")):
        client.post(
            "/accounts/login/",
            {"username": guess, "password": "wrong-password"},
            REMOTE_ADDR="10.9.9.9",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )

    refused = client.post(
        "/accounts/login/",
        {"username": "hannah", "password": TEST_PASSWORD},
        REMOTE_ADDR="10.9.9.9",
        HTTP_X_FORWARDED_FOR="198.51.100.99",
    )

    assert LOCKED in refused.content.decode()
    assert not signed_in(client)
    assert set(SecurityEvent.objects.values_list("ip", flat=True)) == {"10.9.9.9"}


def test_behind_configured_proxies_the_address_the_nearest_trusted_proxy_saw_counts(
    client, handler, second_handler, settings
):
    """PUTRIGHT_TRUSTED_PROXY_HOPS=2: the entry two from the right is the client; what the
    client put further left is ignored, and the proxies' own address locks nobody out."""
    settings.PUTRIGHT_TRUSTED_PROXY_HOPS = 2
    settings.PUTRIGHT_SIGNIN_IP_FAILURE_LIMIT = 3
    for n, guess in enumerate(("alice", "bob", "carol")):
        client.post(
            "/accounts/login/",
            {"username": guess, "password": "wrong-password"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 203.0.113.5, 192.0.2.1",
        )

    same_client = client.post(
        "/accounts/login/",
        {"username": "hannah", "password": TEST_PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="10.0.0.77, 203.0.113.5, 192.0.2.1",
    )
    assert LOCKED in same_client.content.decode()
    assert set(SecurityEvent.objects.values_list("ip", flat=True)) == {"203.0.113.5"}

    other_client = client.post(
        "/accounts/login/",
        {"username": "hannah", "password": TEST_PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.6, 192.0.2.1",
    )
    assert other_client.status_code == 302
    assert signed_in(client)


def test_a_forwarded_for_entry_that_is_not_an_address_falls_back_to_the_proxy(client, settings):
    settings.PUTRIGHT_TRUSTED_PROXY_HOPS = 1
    response = client.post(
        "/accounts/login/",
        {"username": "nobody", "password": "wrong-password"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="not-an-address",
    )
    assert response.status_code == 200
    assert SecurityEvent.objects.get(kind=Kind.SIGNIN_FAILED).ip == "127.0.0.1"


def test_the_lockout_ends_when_the_window_has_passed(client, handler, time_machine):
    time_machine.move_to("2026-03-02 09:00:00+00:00", tick=False)
    for _ in range(5):
        sign_in(client, "hamid", "wrong-password")
    time_machine.move_to("2026-03-02 09:14:00+00:00", tick=False)
    assert LOCKED in sign_in(client, "hamid", TEST_PASSWORD).content.decode()

    time_machine.move_to("2026-03-02 09:16:00+00:00", tick=False)
    sign_in(client, "hamid", TEST_PASSWORD)

    assert signed_in(client)


def test_an_administrator_unlocks_a_username_from_the_security_log(client, handler, administrator):
    for _ in range(5):
        sign_in(client, "hamid", "wrong-password")
    admin_client = type(client)()
    admin_client.force_login(administrator)
    from putright.accounts.testing import pass_two_step

    pass_two_step(admin_client)
    assert "hamid" in admin_client.get("/accounts/security-log/").content.decode()

    response = admin_client.post("/accounts/security-log/unlock/", {"username": "hamid"})

    assert response.status_code == 302
    assert SecurityEvent.objects.filter(kind=Kind.SIGNIN_UNLOCKED, username="hamid").exists()
    sign_in(client, "hamid", TEST_PASSWORD)
    assert signed_in(client)


def test_an_administrator_unlocks_an_address(client, handler, administrator, settings):
    settings.PUTRIGHT_SIGNIN_IP_FAILURE_LIMIT = 2
    sign_in(client, "x", "wrong-password", ip="10.9.9.9")
    sign_in(client, "y", "wrong-password", ip="10.9.9.9")
    from putright.accounts.services import signin_unlock

    signin_unlock(actor=administrator, ip="10.9.9.9")

    sign_in(client, "hamid", TEST_PASSWORD, ip="10.9.9.9")
    assert signed_in(client)


def test_only_an_administrator_may_unlock(client, handler):
    client.force_login(handler)
    from putright.accounts.testing import pass_two_step

    pass_two_step(client)
    response = client.post("/accounts/security-log/unlock/", {"username": "hamid"})

    assert response.status_code == 403
    assert not SecurityEvent.objects.filter(kind=Kind.SIGNIN_UNLOCKED).exists()


def test_the_admin_sign_in_page_obeys_the_same_lockout(client, administrator):
    for _ in range(5):
        sign_in(client, "sysadmin", "wrong-password", url="/admin/login/")

    response = sign_in(client, "sysadmin", TEST_PASSWORD, url="/admin/login/")

    assert LOCKED in response.content.decode()
    assert not signed_in(client)


def test_a_failed_sign_in_is_logged_without_the_password(client, handler):
    sign_in(client, "hamid", "my-secret-guess")

    event = SecurityEvent.objects.get(kind=Kind.SIGNIN_FAILED)
    assert (event.username, event.ip, event.user) == ("hamid", "10.0.0.1", None)
    assert "my-secret-guess" not in str(SecurityEvent.objects.values_list())
