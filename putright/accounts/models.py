from django.contrib.auth.models import AbstractUser
from django.db import models
from django_otp.plugins.otp_static.models import StaticDevice

from putright.core.permissions import Action, Role, role_may


class User(AbstractUser):
    """A member of the landlord's staff, with one role that decides what they may do."""

    Role = Role  # the roles the permission matrix (core.permissions) is written in

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.HANDLER)
    team = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_officer(self) -> bool:
        return self.role == self.Role.OFFICER

    @property
    def can_handle_cases(self) -> bool:
        return role_may(self.role, Action.WORK_CASES)

    @property
    def is_read_only(self) -> bool:
        return not self.can_handle_cases

    class Meta(AbstractUser.Meta):
        constraints = [
            # Code 9.5: ONE member of the governing body is responsible for complaints.
            models.UniqueConstraint(
                fields=["role"],
                condition=models.Q(role="mrc", is_active=True),
                name="one_active_mrc",
                violation_error_message=(
                    "There is already a Member Responsible for Complaints: change their role "
                    "or deactivate them first (Code 9.5)."
                ),
            )
        ]


class ApiToken(models.Model):
    """A named, expiring, revocable API key. Only a SHA-256 digest of the key is stored: the key
    itself is shown once, when it is made, and can never be read back (ASVS 2.10, 3.5)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    # The first characters of the key, so its owner can tell their tokens apart.
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class RecoveryCode(models.Model):
    """One unused recovery code of a set (a django-otp StaticDevice), stored only as a slow
    salted hash; see `accounts.recovery`. Deleted when used."""

    device = models.ForeignKey(
        StaticDevice, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    digest = models.CharField(max_length=256)

    def __str__(self) -> str:
        return f"Recovery code {self.pk}"


class Passkey(models.Model):
    """A WebAuthn credential (passkey or security key) a member of staff signs in with as their
    second step (ASVS 2.7). Only the public key is held: the private key never leaves the
    authenticator."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="passkeys")
    name = models.CharField(max_length=100)
    credential_id = models.BinaryField(max_length=1023, unique=True)
    # The COSE public key, CBOR-encoded, as the authenticator gave it.
    public_key = models.BinaryField()
    # The authenticator's signature counter: a count that does not go up means a clone.
    sign_count = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.name
