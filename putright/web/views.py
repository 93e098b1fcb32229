"""Installation pages for administrators: the scheduled jobs and how they last ran."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from putright.accounts.permissions import is_administrator
from putright.core import clock
from putright.core.scheduler import tick_interval
from putright.core.selectors import heartbeat_at, job_statuses

ADMINISTRATORS_ONLY = "Only an administrator can see the scheduled jobs."


def administrator_only(view):
    """Signed in (else to the sign-in page), and an administrator (else 403)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_administrator(request.user):
            raise PermissionDenied(ADMINISTRATORS_ONLY)
        return view(request, *args, **kwargs)

    return wrapped


@administrator_only
@require_GET
def scheduled_jobs(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    return render(
        request,
        "web/scheduled_jobs.html",
        {
            "statuses": job_statuses(now=now),
            "heartbeat": heartbeat_at(),
            "tick_seconds": round(tick_interval().total_seconds()),
            "now": now,
        },
    )
