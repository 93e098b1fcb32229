"""WebAuthn passkeys as the second step (ASVS 2.7): add one, sign in with one, remove one.
The browser's side is played by accounts.testing.SoftPasskey (a real P-256 key, answers built
with fido2's own data classes); test_browser_passkeys.py drives Chromium's authenticator."""

import json

import pytest

from putright.accounts.constants import (
    PASSKEY_NAME_MISSING,
    PASSKEY_NOT_MADE,
    PASSKEY_WRONG,
    SESSION_VERIFIED,
)
from putright.accounts.factories import TEST_PASSWORD
from putright.accounts.models import Passkey, RecoveryCode
from putright.accounts.testing import SoftPasskey, current_code, enrol_two_step
from putright.core.models import SecurityEvent

pytestmark = [pytest.mark.django_db, pytest.mark.real_two_step]

Kind = SecurityEvent.Kind


def sign_in(client, username):
    client.post("/accounts/login/", {"username": username, "password": TEST_PASSWORD})
    assert "_auth_user_id" in client.session


def options_on(response):
    html = response.content.decode()
    start = html.index('<script id="passkey-options" type="application/json">')
    body = html[start:].split(">", 1)[1].split("</script>", 1)[0]
    return json.loads(body)


def add_passkey(client, key, name="Work laptop", next_url="/"):
    page = client.get("/accounts/two-step/passkeys/add/")
    assert page.status_code == 200
    return client.post(
        "/accounts/two-step/passkeys/add/",
        {"name": name, "credential": key.create(options_on(page)), "next": next_url},
    )


def test_an_officer_enrols_with_a_passkey_and_gets_recovery_codes(client, officer):
    sign_in(client, "olivia")
    assert client.get("/dashboard/").url.startswith("/accounts/two-step/set-up/")
    key = SoftPasskey()

    response = add_passkey(client, key)

    assert response.status_code == 200
    stored = Passkey.objects.get(user=officer)
    assert bytes(stored.credential_id) == key.credential_id
    assert stored.name == "Work laptop"
    assert RecoveryCode.objects.filter(device__user=officer).count() == 10
    assert "Your recovery codes" in response.content.decode()
    assert client.get("/dashboard/").status_code == 200  # the passkey counts as two-step
    assert SecurityEvent.objects.filter(
        kind=Kind.MFA_ENROLLED, user=officer, data__passkey="Work laptop"
    ).exists()


def test_signing_in_with_password_and_passkey(client, officer):
    key = SoftPasskey()
    sign_in(client, "olivia")
    add_passkey(client, key)
    client.logout()

    sign_in(client, "olivia")
    held = client.get("/dashboard/")
    assert held.url == "/accounts/two-step/verify/?next=/dashboard/"
    page = client.get(held.url)
    assert "Use your passkey" in page.content.decode()

    response = client.post(
        "/accounts/two-step/verify/",
        {"assertion": key.get(options_on(page)), "next": "/dashboard/"},
    )

    assert response.status_code == 302
    assert response.url == "/dashboard/"
    assert client.session.get(SESSION_VERIFIED) is True
    stored = Passkey.objects.get(user=officer)
    assert stored.last_used_at is not None
    assert stored.sign_count == 1
    assert SecurityEvent.objects.filter(
        kind=Kind.MFA_VERIFIED, user=officer, data__with="passkey"
    ).exists()


def test_an_answer_is_good_for_one_challenge_only(client, officer):
    key = SoftPasskey()
    sign_in(client, "olivia")
    add_passkey(client, key)
    client.logout()
    sign_in(client, "olivia")
    answer = key.get(options_on(client.get("/accounts/two-step/verify/")))
    assert client.post("/accounts/two-step/verify/", {"assertion": answer}).status_code == 302
    client.logout()
    sign_in(client, "olivia")
    client.get("/accounts/two-step/verify/")  # a new challenge

    replay = client.post("/accounts/two-step/verify/", {"assertion": answer})

    assert replay.status_code == 400
    assert PASSKEY_WRONG in replay.content.decode()
    assert not client.session.get(SESSION_VERIFIED)


def test_another_users_passkey_or_a_garbled_answer_is_refused(client, officer, administrator):
    mine, theirs = SoftPasskey(), SoftPasskey()
    sign_in(client, "olivia")
    add_passkey(client, mine)
    client.logout()
    sign_in(client, administrator.username)
    add_passkey(client, theirs)
    client.logout()
    sign_in(client, "olivia")
    options = options_on(client.get("/accounts/two-step/verify/"))

    wrong_key = client.post("/accounts/two-step/verify/", {"assertion": theirs.get(options)})
    garbled = client.post("/accounts/two-step/verify/", {"assertion": "{not json"})
    empty = client.post("/accounts/two-step/verify/", {"assertion": "{}"})

    assert {wrong_key.status_code, garbled.status_code, empty.status_code} == {400}
    assert not client.session.get(SESSION_VERIFIED)
    assert SecurityEvent.objects.filter(kind=Kind.MFA_FAILED, user=officer).count() == 3


def test_a_counter_that_goes_back_is_refused_as_a_clone(client, officer):
    key = SoftPasskey()
    sign_in(client, "olivia")
    add_passkey(client, key)
    Passkey.objects.filter(user=officer).update(sign_count=5)
    client.logout()
    sign_in(client, "olivia")
    key.counter = 3

    response = client.post(
        "/accounts/two-step/verify/",
        {"assertion": key.get(options_on(client.get("/accounts/two-step/verify/")))},
    )

    assert response.status_code == 400
    assert not client.session.get(SESSION_VERIFIED)
    assert Passkey.objects.get(user=officer).sign_count == 5


def test_an_answer_from_another_site_is_refused(client, officer):
    sign_in(client, "olivia")
    page = client.get("/accounts/two-step/passkeys/add/")
    phished = SoftPasskey(origin="https://evil.example")

    response = client.post(
        "/accounts/two-step/passkeys/add/",
        {"name": "Laptop", "credential": phished.create(options_on(page))},
    )

    assert response.status_code == 400
    assert PASSKEY_NOT_MADE in response.content.decode()
    assert not Passkey.objects.exists()


def _another_key():
    from cryptography.hazmat.primitives.asymmetric import ec

    return ec.generate_private_key(ec.SECP256R1())


@pytest.mark.parametrize(
    "forgery",
    [
        pytest.param({"origin": "https://evil.example"}, id="another-origin"),
        pytest.param({"origin": "https://testserver"}, id="another-scheme"),
        pytest.param({"rp_id": "evil.example"}, id="another-relying-party"),
        pytest.param({"signing_key": "other"}, id="signed-by-another-key"),
        pytest.param({"user_present": False}, id="no-user-presence"),
        pytest.param({"get_type": "webauthn.create"}, id="wrong-ceremony"),
    ],
)
def test_a_sign_in_answer_forged_in_any_one_part_is_refused(client, officer, forgery):
    """fido2 checks each part of the assertion: the client data's type, challenge and exact
    origin, the RP ID hash, the user-presence flag and the signature over both with the
    stored public key. Each forgery here changes one part only."""
    key = SoftPasskey()
    sign_in(client, "olivia")
    add_passkey(client, key)
    client.logout()
    sign_in(client, "olivia")
    for part, value in forgery.items():
        setattr(key, part, _another_key() if value == "other" else value)

    response = client.post(
        "/accounts/two-step/verify/",
        {"assertion": key.get(options_on(client.get("/accounts/two-step/verify/")))},
    )

    assert response.status_code == 400
    assert PASSKEY_WRONG in response.content.decode()
    assert not client.session.get(SESSION_VERIFIED)
    assert Passkey.objects.get(user=officer).last_used_at is None
    assert SecurityEvent.objects.filter(kind=Kind.MFA_FAILED, user=officer).count() == 1


def test_a_registration_for_another_relying_party_is_refused(client, officer):
    sign_in(client, "olivia")
    page = client.get("/accounts/two-step/passkeys/add/")
    other_rp = SoftPasskey(rp_id="evil.example")

    response = client.post(
        "/accounts/two-step/passkeys/add/",
        {"name": "Laptop", "credential": other_rp.create(options_on(page))},
    )

    assert response.status_code == 400
    assert not Passkey.objects.exists()


def test_adding_a_passkey_without_an_answer_is_an_error_summary(client, officer):
    sign_in(client, "olivia")
    client.get("/accounts/two-step/passkeys/add/")

    no_name = client.post("/accounts/two-step/passkeys/add/", {"name": "", "credential": ""})
    no_answer = client.post(
        "/accounts/two-step/passkeys/add/", {"name": "Laptop", "credential": ""}
    )

    # One problem at a time: the name first, then the device's missing answer.
    assert no_name.status_code == no_answer.status_code == 400
    assert PASSKEY_NAME_MISSING in no_name.content.decode()
    assert PASSKEY_NOT_MADE not in no_name.content.decode()
    html = no_answer.content.decode()
    assert "govuk-error-summary" in html
    assert PASSKEY_NOT_MADE in html
    assert not Passkey.objects.exists()


def test_an_enrolled_user_must_verify_before_adding_a_passkey(client, officer):
    enrol_two_step(officer)
    sign_in(client, "olivia")

    response = client.get("/accounts/two-step/passkeys/add/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/two-step/verify/")


def test_a_second_passkey_after_the_app_and_removing_it(client, officer):
    device = enrol_two_step(officer)
    sign_in(client, "olivia")
    client.post("/accounts/two-step/verify/", {"code": current_code(device)})

    added = add_passkey(client, SoftPasskey(), name="Security key")
    assert added.status_code == 302
    assert not RecoveryCode.objects.filter(device__user=officer).exists()  # not first factor
    key = Passkey.objects.get(user=officer)
    overview = client.get("/accounts/two-step/")
    assert "Security key" in overview.content.decode()

    removed = client.post(f"/accounts/two-step/passkeys/{key.pk}/remove/")

    assert removed.status_code == 302
    assert not Passkey.objects.exists()
    assert SecurityEvent.objects.filter(
        kind=Kind.MFA_REMOVED, user=officer, data__passkey="Security key"
    ).exists()


def test_nobody_removes_another_users_passkey(client, officer, administrator):
    sign_in(client, administrator.username)
    add_passkey(client, SoftPasskey())
    theirs = Passkey.objects.get(user=administrator)
    client.logout()
    device = enrol_two_step(officer)
    sign_in(client, "olivia")
    client.post("/accounts/two-step/verify/", {"code": current_code(device)})

    response = client.post(f"/accounts/two-step/passkeys/{theirs.pk}/remove/")

    assert response.status_code == 404
    assert Passkey.objects.filter(pk=theirs.pk).exists()
