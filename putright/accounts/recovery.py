"""Recovery codes, stored only as slow salted hashes (ASVS 2.6.2, 2.7).

django-otp's StaticToken keeps each code in clear text; here each code is one `RecoveryCode`
row holding a Django password hash (PBKDF2-SHA256 by default, the project's first
PASSWORD_HASHERS entry). A code has 40 random bits: a fast hash (sha256) of it could be
searched exhaustively in minutes from a stolen database, a slow one cannot.

All the codes of one set share one random salt. Checking a typed code then costs ONE slow hash
(hash it with the set's salt and iterations, compare with each stored hash in constant time)
instead of ten; the salt still differs between users and between sets, so no table is reused
across them. The set stays on django-otp's StaticDevice, so its throttling (1 s after a
failure, doubling) guards these codes exactly as it guarded the clear ones.
"""

import hmac
from typing import Any

from django.contrib.auth.hashers import get_hasher, identify_hasher, make_password
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from putright.accounts import constants


def normalise(code: str) -> str:
    return code.strip().replace(" ", "").replace("-", "").lower()


def _hash_with(stored: str, code: str) -> str:
    """`code` hashed exactly as `stored` was (same hasher, salt and work factor)."""
    hasher = identify_hasher(stored)
    decoded = hasher.decode(stored)
    if "iterations" in decoded:
        return str(hasher.encode(code, decoded["salt"], decoded["iterations"]))
    return str(hasher.encode(code, decoded["salt"]))


def hash_codes(codes: list[str]) -> list[str]:
    """Hashes of `codes` for one set: one fresh salt shared by the set."""
    salt = get_hasher().salt()
    return [make_password(normalise(code), salt) for code in codes]


def codes_replace(*, user: Any) -> list[str]:
    """A new set of recovery codes for `user` (the old set stops working); returns the codes,
    which are shown once and never stored."""
    from putright.accounts.models import RecoveryCode

    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(constants.RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(device=device, digest=digest) for digest in hash_codes(codes)]
    )
    return codes


def codes_left(device: StaticDevice | None) -> int:
    return device.recovery_codes.count() if device is not None else 0  # type: ignore[attr-defined]


def code_use(device: StaticDevice, code: str) -> bool:
    """Whether `code` is one of the set's unused codes; a code that matches is deleted (single
    use). Keeps django-otp's throttling: refused while throttled, a miss counts a failure, a hit
    resets it. Call inside a transaction with `device` locked."""
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        return False
    code = normalise(code)
    stored = list(device.recovery_codes.all())  # type: ignore[attr-defined]
    match = None
    if code and stored:
        candidate = _hash_with(stored[0].digest, code)
        for row in stored:
            # Every row is compared, so the time taken does not say which one matched.
            if hmac.compare_digest(candidate, row.digest) and match is None:
                match = row
    if match is None:
        device.throttle_increment()
        return False
    match.delete()
    device.throttle_reset()
    return True


@transaction.atomic
def hash_clear_tokens(static_token_model: Any, recovery_code_model: Any) -> int:
    """Move django-otp's clear-text tokens into hashed RecoveryCode rows (the data migration;
    given the historical models). Returns how many codes were moved."""
    moved = 0
    device_ids = static_token_model.objects.values_list("device_id", flat=True).distinct()
    for device_id in list(device_ids):
        tokens = list(static_token_model.objects.filter(device_id=device_id))
        digests = hash_codes([t.token for t in tokens])
        recovery_code_model.objects.bulk_create(
            [recovery_code_model(device_id=device_id, digest=d) for d in digests]
        )
        static_token_model.objects.filter(pk__in=[t.pk for t in tokens]).delete()
        moved += len(tokens)
    return moved
