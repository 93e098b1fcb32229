"""Who may use the staff intake and people pages: staff only; viewers read, never write.

A resident portal session carries no Django user, so it is anonymous here and refused.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from putright.accounts.permissions import can_view_cases, can_work_cases

READ_ONLY = "Your role is read-only: you can look but not change anything."


def staff_view(view: Callable) -> Callable:
    """GET/HEAD for any active staff member; anything else for case workers only."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_view_cases(request.user):
            return redirect_to_login(request.get_full_path())
        if request.method not in {"GET", "HEAD"} and not can_work_cases(request.user):
            raise PermissionDenied(READ_ONLY)
        return view(request, *args, **kwargs)

    return wrapped
