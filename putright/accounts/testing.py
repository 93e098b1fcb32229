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


class SoftPasskey:
    """A software authenticator for tests: makes WebAuthn registration and sign-in answers
    (as passkeys.js sends them, base64url JSON) with a real P-256 key, built from fido2's own
    data classes. `counter` is the signature counter it reports next."""

    def __init__(self, origin: str = "http://testserver", rp_id: str = "testserver") -> None:
        import os

        from cryptography.hazmat.primitives.asymmetric import ec

        self.origin = origin
        self.rp_id = rp_id
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.counter = 1
        # What a forger could change, one at a time, in tests: the ceremony type, the user's
        # presence flag, and the key that signs (a stolen credential id without its key).
        self.get_type = "webauthn.get"
        self.user_present = True
        self.signing_key = self.private_key

    def _rp_hash(self) -> bytes:
        import hashlib

        return hashlib.sha256(self.rp_id.encode()).digest()

    @staticmethod
    def _challenge(options: dict[str, Any]) -> bytes:
        from fido2.utils import websafe_decode

        return websafe_decode(options["publicKey"]["challenge"])

    def create(self, options: dict[str, Any]) -> str:
        """The answer to navigator.credentials.create(options)."""
        import json

        from fido2.cose import ES256
        from fido2.utils import websafe_encode
        from fido2.webauthn import (
            Aaguid,
            AttestationObject,
            AttestedCredentialData,
            AuthenticatorData,
            CollectedClientData,
        )

        client_data = CollectedClientData.create(
            type="webauthn.create", challenge=self._challenge(options), origin=self.origin
        )
        credential = AttestedCredentialData.create(
            Aaguid.NONE,
            self.credential_id,
            ES256.from_cryptography_key(self.private_key.public_key()),
        )
        flags = AuthenticatorData.FLAG.UP | AuthenticatorData.FLAG.AT
        auth_data = AuthenticatorData.create(self._rp_hash(), flags, 0, credential)
        attestation = AttestationObject.create("none", auth_data, {})
        return json.dumps(
            {
                "id": websafe_encode(self.credential_id),
                "rawId": websafe_encode(self.credential_id),
                "type": "public-key",
                "clientExtensionResults": {},
                "response": {
                    "clientDataJSON": websafe_encode(client_data),
                    "attestationObject": websafe_encode(attestation),
                },
            }
        )

    def get(self, options: dict[str, Any]) -> str:
        """The answer to navigator.credentials.get(options); the counter then goes up."""
        import json

        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec
        from fido2.utils import websafe_encode
        from fido2.webauthn import AuthenticatorData, CollectedClientData

        client_data = CollectedClientData.create(
            type=self.get_type, challenge=self._challenge(options), origin=self.origin
        )
        flags = AuthenticatorData.FLAG.UP if self.user_present else AuthenticatorData.FLAG(0)
        auth_data = AuthenticatorData.create(self._rp_hash(), flags, self.counter)
        self.counter += 1
        signature = self.signing_key.sign(
            bytes(auth_data) + client_data.hash, ec.ECDSA(hashes.SHA256())
        )
        return json.dumps(
            {
                "id": websafe_encode(self.credential_id),
                "rawId": websafe_encode(self.credential_id),
                "type": "public-key",
                "clientExtensionResults": {},
                "response": {
                    "clientDataJSON": websafe_encode(client_data),
                    "authenticatorData": websafe_encode(auth_data),
                    "signature": websafe_encode(signature),
                },
            }
        )
