from django.contrib.auth.models import AbstractUser
from django.db import models

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
        return self.role == self.Role.VIEWER
