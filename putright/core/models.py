from django.conf import settings
from django.db import models


class SecurityEvent(models.Model):
    """One line of the security log (ASVS V7): who signed in, failed, was refused or changed
    their sign-in factors. Never holds a password, a code or a token."""

    class Kind(models.TextChoices):
        SIGNIN = "signin", "Signed in"
        SIGNIN_FAILED = "signin.failed", "Sign-in failed"
        SIGNIN_LOCKED = "signin.locked", "Sign-in locked after too many failures"
        SIGNIN_REFUSED = "signin.refused", "Sign-in refused while locked"
        SIGNIN_UNLOCKED = "signin.unlocked", "Sign-in unlocked by an administrator"
        SIGNOUT = "signout", "Signed out"
        SESSION_EXPIRED = "session.expired", "Session expired"
        MFA_VERIFIED = "mfa.verified", "Two-step verification passed"
        MFA_FAILED = "mfa.failed", "Two-step verification failed"
        MFA_ENROLLED = "mfa.enrolled", "Two-step verification set up"
        MFA_REMOVED = "mfa.removed", "Two-step verification removed"
        MFA_RECOVERY_CODES = "mfa.recovery_codes", "New recovery codes made"
        TOKEN_CREATED = "token.created", "API token created"
        TOKEN_REVOKED = "token.revoked", "API token revoked"
        PERMISSION_DENIED = "permission.denied", "Permission refused"
        PORTAL_LINK_REQUESTED = "portal.link_requested", "Portal sign-in link requested"
        PORTAL_LIMITED = "portal.limited", "Portal sign-in requests limited"

    at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=40, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="security_events",
    )
    # As typed at sign-in (lower-cased), so failures for unknown or deleted users still count.
    username = models.CharField(max_length=150, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    path = models.CharField(max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["kind", "username", "at"], name="security_kind_user_at"),
            models.Index(fields=["kind", "ip", "at"], name="security_kind_ip_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.kind} {self.username}"
