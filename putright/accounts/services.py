"""Changes to a member of staff's sign-in: two-step verification, API tokens, unlocking.

Each writes one line of the security log.
"""

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from putright.accounts import constants, passkeys, recovery, two_step
from putright.accounts.models import ApiToken, Passkey, User
from putright.core.clock import now
from putright.core.errors import InvalidInput, RuleBroken
from putright.core.security import Kind, security_event_record


def token_digest(key: str) -> str:
    """What is stored for an API key. A key is 256 random bits, so a fast hash is enough
    (there is nothing to guess); a password hash would slow every API call."""
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def mfa_totp_confirm(
    *, user: User, device: TOTPDevice, token: str, request: HttpRequest | None = None
) -> list[str]:
    """Confirm a new authenticator app with a code from it, replacing any earlier one, and
    return a fresh set of recovery codes (shown once)."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
    if not device.verify_token(token.strip().replace(" ", "")):
        security_event_record(
            kind=Kind.MFA_FAILED, request=request, user=user, data={"during": "set-up"}
        )
        raise InvalidInput(constants.MFA_CODE_WRONG, field="code")
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _recovery_codes_replace(user=user)
    security_event_record(kind=Kind.MFA_ENROLLED, request=request, user=user)
    return codes


def _recovery_codes_replace(*, user: User) -> list[str]:
    return recovery.codes_replace(user=user)


@transaction.atomic
def mfa_recovery_codes_renew(*, user: User, request: HttpRequest | None = None) -> list[str]:
    """Replace the recovery codes (the old ones stop working)."""
    User.objects.select_for_update().get(pk=user.pk)
    codes = _recovery_codes_replace(user=user)
    security_event_record(kind=Kind.MFA_RECOVERY_CODES, request=request, user=user)
    return codes


@transaction.atomic
def mfa_remove(*, user: User, actor: User, request: HttpRequest | None = None) -> None:
    """Remove the authenticator app and recovery codes (someone who must use two-step
    verification is asked to set it up again)."""
    User.objects.select_for_update().get(pk=user.pk)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    Passkey.objects.filter(user=user).delete()
    security_event_record(
        kind=Kind.MFA_REMOVED, request=request, user=actor, data={"of": user.username}
    )


def _device_accepts(device: Any, token: str) -> bool:
    if isinstance(device, StaticDevice):
        return recovery.code_use(device, token)
    return bool(device.verify_token(token))


def mfa_verify(*, user: User, token: str, request: HttpRequest | None = None) -> bool:
    """Check a code from the authenticator app or a recovery code (used up once used)."""
    token = token.strip().replace(" ", "").lower()
    with transaction.atomic():
        devices: list[Any] = [
            *TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True),
            *StaticDevice.objects.select_for_update().filter(user=user, confirmed=True),
        ]
        used = next((d for d in devices if _device_accepts(d, token)), None)
    kind = Kind.MFA_VERIFIED if used is not None else Kind.MFA_FAILED
    data = {"with": "recovery code" if isinstance(used, StaticDevice) else "app"} if used else {}
    security_event_record(kind=kind, request=request, user=user, data=data)
    return used is not None


@transaction.atomic
def api_token_create(
    *,
    user: User,
    name: str,
    days: int,
    actor: User,
    two_step_verified: bool,
    request: HttpRequest | None = None,
) -> tuple[ApiToken, str]:
    """Make an API token for `user`; returns it and its key (shown once, never stored)."""
    if not two_step_verified:
        raise RuleBroken(constants.MFA_NEEDED_FOR_TOKEN)
    name = name.strip()
    if not name:
        raise InvalidInput(constants.TOKEN_NAME_MISSING, field="name")
    key = constants.TOKEN_KEY_PREFIX + secrets.token_urlsafe(32)
    moment = now()
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=key[:10],
        digest=token_digest(key),
        created_at=moment,
        expires_at=moment + timedelta(days=days),
    )
    security_event_record(
        kind=Kind.TOKEN_CREATED,
        request=request,
        user=actor,
        data={"token": token.pk, "name": token.name, "for": user.username, "days": days},
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User, request: HttpRequest | None = None) -> None:
    """Stop a token working, at once and for good."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise RuleBroken(constants.TOKEN_ALREADY_REVOKED)
    token.revoked_at = now()
    token.save(update_fields=["revoked_at"])
    security_event_record(
        kind=Kind.TOKEN_REVOKED,
        request=request,
        user=actor,
        data={"token": token.pk, "name": token.name, "for": token.user.username},
    )


def signin_unlock(
    *, actor: User, username: str = "", ip: str = "", request: HttpRequest | None = None
) -> None:
    """Lift a lockout on a username or an address: failures before now stop counting."""
    if not username.strip() and not ip.strip():
        raise InvalidInput("Choose a username or an address to unlock.", field="username")
    security_event_record(
        kind=Kind.SIGNIN_UNLOCKED,
        request=request,
        username=username,
        data={"ip": ip.strip(), "by": actor.username} if ip.strip() else {"by": actor.username},
    )


@transaction.atomic
def passkey_add(
    *, user: User, name: str, response: Any, state: Any, request: HttpRequest
) -> tuple[Passkey, list[str]]:
    """Check the browser's answer to the registration challenge and keep the new passkey.
    Returns it and, if it is the user's first second step, a fresh set of recovery codes
    (shown once); otherwise an empty list."""
    User.objects.select_for_update().get(pk=user.pk)
    name = name.strip()
    if not name:
        raise InvalidInput(constants.PASSKEY_NAME_MISSING, field="name")
    try:
        if not state:
            raise ValueError("no registration in progress")
        auth_data = passkeys.server(request).register_complete(state, response)
        data = auth_data.credential_data
        if data is None:
            raise ValueError("no credential")
    except Exception as exc:
        security_event_record(
            kind=Kind.MFA_FAILED,
            request=request,
            user=user,
            data={"during": "passkey set-up", "why": str(exc)[:200]},
        )
        raise InvalidInput(constants.PASSKEY_NOT_MADE) from exc
    if Passkey.objects.filter(credential_id=bytes(data.credential_id)).exists():
        raise InvalidInput(constants.PASSKEY_NOT_MADE)
    first = not two_step.enrolled(user)
    key = Passkey.objects.create(
        user=user,
        name=name[:100],
        credential_id=bytes(data.credential_id),
        public_key=passkeys.public_key_bytes(data),
        sign_count=auth_data.counter,
        created_at=now(),
    )
    codes = _recovery_codes_replace(user=user) if first else []
    security_event_record(
        kind=Kind.MFA_ENROLLED, request=request, user=user, data={"passkey": key.name}
    )
    return key, codes


@transaction.atomic
def passkey_remove(*, key: Passkey, actor: User, request: HttpRequest | None = None) -> None:
    key = Passkey.objects.select_for_update().get(pk=key.pk)
    key.delete()
    security_event_record(
        kind=Kind.MFA_REMOVED,
        request=request,
        user=actor,
        data={"of": key.user.username, "passkey": key.name},
    )


def passkey_verify(*, user: User, response: Any, state: Any, request: HttpRequest) -> bool:
    """Check the browser's answer to the sign-in challenge against the user's passkeys. A
    signature counter that does not go up (when the authenticator keeps one) is refused: the
    passkey may have been copied."""
    why = ""
    used: Passkey | None = None
    with transaction.atomic():
        keys = list(Passkey.objects.select_for_update().filter(user=user))
        try:
            if not state:
                raise ValueError("no sign-in in progress")
            matched = passkeys.server(request).authenticate_complete(
                state, [passkeys.credential(k) for k in keys], response
            )
            counter = passkeys.signature_counter(response)
        except Exception as exc:
            why = str(exc)[:200]
        else:
            key = next(k for k in keys if bytes(k.credential_id) == matched.credential_id)
            if (counter or key.sign_count) and counter <= key.sign_count:
                why = f"signature counter did not go up ({key.sign_count} then {counter})"
            else:
                key.sign_count = counter
                key.last_used_at = now()
                key.save(update_fields=["sign_count", "last_used_at"])
                used = key
    if used is None:
        security_event_record(
            kind=Kind.MFA_FAILED, request=request, user=user, data={"with": "passkey", "why": why}
        )
        return False
    security_event_record(
        kind=Kind.MFA_VERIFIED,
        request=request,
        user=user,
        data={"with": "passkey", "passkey": used.name},
    )
    return True
