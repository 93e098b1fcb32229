from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A member of the landlord's staff, with one role that decides what they may do."""

    class Role(models.TextChoices):
        HANDLER = "handler", "Complaint handler"
        OFFICER = "officer", "Complaints officer"
        VIEWER = "viewer", "Senior lead / governing body (read-only)"
        ADMIN = "admin", "Administrator"

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.HANDLER)
    team = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_officer(self) -> bool:
        return self.role == self.Role.OFFICER

    @property
    def can_handle_cases(self) -> bool:
        return self.role in {self.Role.HANDLER, self.Role.OFFICER, self.Role.ADMIN}

    @property
    def is_read_only(self) -> bool:
        return self.role == self.Role.VIEWER
