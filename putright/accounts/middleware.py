"""Staff session limits (ASVS 3.3) and the two-step verification gate (ASVS 2.7/2.8)."""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from putright.accounts import constants, two_step
from putright.core.clock import now
from putright.core.security import Kind, security_event_record

SESSION_ENDED = "You were signed out because your session ended. Sign in again to go on."
SEEN_PRECISION = timedelta(minutes=1)
TWO_STEP_NEEDED = "Two-step verification is needed: the API is open after you pass it."


class SessionLimitsMiddleware:
    """Sign a member of staff out after PUTRIGHT_SESSION_IDLE_MINUTES without a request, and
    after PUTRIGHT_SESSION_MAX_HOURS whatever they do."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            moment = now()
            session = request.session
            started = _parse(session.get(constants.SESSION_STARTED)) or moment
            last_seen = _parse(session.get(constants.SESSION_LAST_SEEN)) or moment
            idle = timedelta(minutes=settings.PUTRIGHT_SESSION_IDLE_MINUTES)
            longest = timedelta(hours=settings.PUTRIGHT_SESSION_MAX_HOURS)
            if moment - last_seen > idle or moment - started > longest:
                user = request.user
                reason = "idle" if moment - last_seen > idle else "maximum lifetime"
                logout(request)
                security_event_record(
                    kind=Kind.SESSION_EXPIRED, request=request, user=user, data={"why": reason}
                )
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": SESSION_ENDED}, status=401)
                messages.info(request, SESSION_ENDED)
                return redirect_to_login(request.get_full_path())
            if constants.SESSION_STARTED not in session:
                session[constants.SESSION_STARTED] = started.isoformat()
            # To the minute: a session is not rewritten on every request.
            if constants.SESSION_LAST_SEEN not in session or moment - last_seen >= SEEN_PRECISION:
                session[constants.SESSION_LAST_SEEN] = moment.isoformat()
        return self.get_response(request)


def _parse(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


# Reachable while two-step verification is pending: the verification and set-up pages
# themselves, signing out, and static files.
OPEN_PREFIXES = ("/accounts/two-step/", "/accounts/logout/", "/static/", "/media/")


class TwoStepMiddleware:
    """Hold a signed-in member of staff who must use two-step verification at the code page (or
    the set-up page if they have no app yet) until they pass it: every page, the admin and the
    session-authenticated API included."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(OPEN_PREFIXES) or not two_step.must_verify(request):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": TWO_STEP_NEEDED}, status=403)
        target = "two_step_verify" if two_step.enrolled(request.user) else "two_step_setup"
        return redirect(f"{reverse(target)}?next={_safe_next(request)}")


def _safe_next(request: HttpRequest) -> str:
    from urllib.parse import quote

    return quote(request.get_full_path(), safe="/")
