"""Who must pass two-step verification, and whether this session has (ASVS 2.7/2.8).

The session holds the verified flag; signing in again (a new session) starts unverified.
"""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from putright.accounts.constants import SESSION_VERIFIED
from putright.core.permissions import Role

ALWAYS_REQUIRED = frozenset({Role.OFFICER, Role.ADMIN})


def required_for(user: Any) -> bool:
    """Officers, administrators and anyone with Django admin access always; handlers and
    viewers when PUTRIGHT_MFA_REQUIRED_FOR_HANDLERS is on."""
    if user.role in ALWAYS_REQUIRED or user.is_staff or user.is_superuser:
        return True
    return bool(settings.PUTRIGHT_MFA_REQUIRED_FOR_HANDLERS)


def totp_device(user: Any) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if they have set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def recovery_device(user: Any) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).first()


def has_passkey(user: Any) -> bool:
    from putright.accounts.models import Passkey

    return Passkey.objects.filter(user=user).exists()


def enrolled(user: Any) -> bool:
    """Whether the user has a second step: an authenticator app or a passkey (either
    satisfies "two-step required"). One query, asked afresh on every request of a session
    not yet verified (the two-step gate on every page): nothing is remembered, so a device
    set up or removed in another session counts at once."""
    global _WITH_SECOND_STEP
    if _WITH_SECOND_STEP is None:
        # Built once (a queryset never evaluated is a template): resolving the two EXISTS
        # on every page was a millisecond of each request.
        from django.contrib.auth import get_user_model
        from django.db.models import Exists, OuterRef

        from putright.accounts.models import Passkey

        _WITH_SECOND_STEP = get_user_model().objects.filter(
            Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
            | Exists(Passkey.objects.filter(user=OuterRef("pk")))
        )
    return _WITH_SECOND_STEP.filter(pk=user.pk).exists()


_WITH_SECOND_STEP: Any = None


def is_verified(request: HttpRequest) -> bool:
    return bool(request.session.get(SESSION_VERIFIED))


def mark_verified(request: HttpRequest) -> None:
    # A new session key on a change of privilege, as at sign-in (ASVS 3.2.1).
    request.session.cycle_key()
    request.session[SESSION_VERIFIED] = True


def must_verify(request: HttpRequest) -> bool:
    """Whether this signed-in user has to pass two-step verification before going on."""
    user = request.user
    if not user.is_authenticated or is_verified(request):
        return False
    return required_for(user) or enrolled(user)
