"""WebAuthn passkeys as the second step of signing in (ASVS 2.7), with Yubico's python-fido2.

The relying party is the host the page was served from, and a response is only accepted from
exactly that origin. The browser's part is web/static/web/passkeys.js (a static file, so the
Content-Security-Policy needs no exception); options go to it as JSON in the page and its
answer comes back as base64url JSON in a hidden form field.
"""

from typing import Any

from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from fido2 import cbor
from fido2.cose import CoseKey
from fido2.server import Fido2Server
from fido2.webauthn import (
    Aaguid,
    AttestedCredentialData,
    AuthenticationResponse,
    PublicKeyCredentialRpEntity,
    PublicKeyCredentialUserEntity,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from putright.accounts.models import Passkey

SESSION_REGISTER = "putright_passkey_register"
SESSION_AUTHENTICATE = "putright_passkey_authenticate"


def server(request: HttpRequest) -> Fido2Server:
    origin = f"{request.scheme}://{request.get_host()}"
    return Fido2Server(
        PublicKeyCredentialRpEntity(name="PutRight", id=request.get_host().rsplit(":", 1)[0]),
        verify_origin=lambda seen: seen == origin,
    )


def credential(key: Passkey) -> AttestedCredentialData:
    public_key = CoseKey.parse(cbor.decode(bytes(key.public_key)))
    return AttestedCredentialData.create(Aaguid.NONE, bytes(key.credential_id), public_key)


def _user_handle(user: Any) -> bytes:
    # Not the username or email: the handle is stored on the authenticator (WebAuthn 14.6.1).
    return salted_hmac("putright.passkeys.user", str(user.pk), algorithm="sha256").digest()


def registration_options(request: HttpRequest) -> dict[str, Any]:
    """Options for navigator.credentials.create(); the challenge waits in the session."""
    user: Any = request.user
    options, state = server(request).register_begin(
        PublicKeyCredentialUserEntity(
            name=user.username, id=_user_handle(user), display_name=str(user)
        ),
        credentials=[credential(k) for k in Passkey.objects.filter(user=user)],
        resident_key_requirement=ResidentKeyRequirement.PREFERRED,
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    request.session[SESSION_REGISTER] = dict(state)
    return dict(options)


def authentication_options(request: HttpRequest) -> dict[str, Any] | None:
    """Options for navigator.credentials.get() for the user's passkeys (None if they have
    none); the challenge waits in the session."""
    keys = [credential(k) for k in Passkey.objects.filter(user=request.user)]
    if not keys:
        return None
    options, state = server(request).authenticate_begin(
        keys, user_verification=UserVerificationRequirement.PREFERRED
    )
    request.session[SESSION_AUTHENTICATE] = dict(state)
    return dict(options)


def signature_counter(response: Any) -> int:
    return int(AuthenticationResponse.from_dict(response).response.authenticator_data.counter)


def public_key_bytes(data: AttestedCredentialData) -> bytes:
    return bytes(cbor.encode(dict(data.public_key)))
