"""One-time sign-in links for the resident portal: no passwords to forget."""

from django.db import models


class SignInLink(models.Model):
    """A one-time link emailed to a resident or an authorised representative.

    Only a hash of the token is stored, so a copy of the database cannot be used to sign in.
    """

    token_hash = models.CharField(max_length=64, unique=True)
    resident = models.ForeignKey(
        "people.Resident", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    representative = models.ForeignKey(
        "people.Representative",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    email = models.EmailField()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(resident__isnull=False, representative__isnull=True)
                | models.Q(resident__isnull=True, representative__isnull=False),
                name="sign_in_link_for_one_person",
            )
        ]

    def __str__(self) -> str:
        return f"Sign-in link for {self.email}"
