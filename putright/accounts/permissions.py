"""Who may do what: DRF permission classes for the API and plain helpers for views."""

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission


def can_work_cases(user: Any) -> bool:
    """Handlers, officers and administrators may change cases; viewers may only read."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and getattr(user, "can_handle_cases", False)
    )


def can_manage(user: Any) -> bool:
    """Officers and administrators oversee the service: allocation, review, configuration."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and getattr(user, "role", None) in {"officer", "admin"}
    )


def is_administrator(user: Any) -> bool:
    """Administrators (or Django superusers) run the installation: scheduled jobs, templates."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (getattr(user, "role", None) == "admin" or getattr(user, "is_superuser", False))
    )


def can_view_cases(user: Any) -> bool:
    """Every active staff member may read cases, including the read-only viewer role."""
    return bool(user is not None and user.is_authenticated and user.is_active)


class IsCaseWorker(BasePermission):
    """Handlers, officers and administrators may write; viewers may only read."""

    message = "Your role is read-only: you can look at cases but not change them."

    def has_permission(self, request: Any, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return can_view_cases(request.user)
        return can_work_cases(request.user)


class IsOfficer(BasePermission):
    """Complaints officers and administrators only."""

    message = "Only a complaints officer or an administrator can do this."

    def has_permission(self, request: Any, view: Any) -> bool:
        return can_manage(request.user)
