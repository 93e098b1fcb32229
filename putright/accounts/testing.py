"""Test helpers for signing in (used by the root conftest.py and browser tests)."""

from typing import Any

from putright.accounts.constants import SESSION_VERIFIED


def pass_two_step(client: Any) -> None:
    """Mark a test client's signed-in session as having passed two-step verification."""
    session = client.session
    session[SESSION_VERIFIED] = True
    session.save()


def enrol_two_step(user: Any) -> Any:
    """Give `user` a confirmed authenticator app with a known key; returns the device."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from putright.accounts.demo import DEMO_TOTP_KEY

    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name="Test app", key=DEMO_TOTP_KEY, confirmed=True)


def current_code(device: Any) -> str:
    """The code the device's app shows now."""
    from django_otp.oath import totp

    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def give_recovery_codes(user: Any, codes: list[str]) -> Any:
    """Give `user` a set of recovery codes (stored hashed, as the app stores them)."""
    from django_otp.plugins.otp_static.models import StaticDevice

    from putright.accounts.models import RecoveryCode
    from putright.accounts.recovery import hash_codes

    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    for digest in hash_codes(codes):
        RecoveryCode.objects.create(device=device, digest=digest)
    return device
