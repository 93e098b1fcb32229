"""/healthz: is PutRight able to serve and is its background work alive? For load balancers."""

from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from putright.core import clock
from putright.core.selectors import heartbeat_at


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers and the scheduler ticked recently; 503 naming what failed.

    No authentication and nothing about any person: only check names and ages in seconds.
    """
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
        beat = heartbeat_at()
    except DatabaseError:
        checks["database"] = "failing: the database did not answer"
        checks["scheduler"] = "unknown: the database did not answer"
    else:
        limit = timedelta(seconds=settings.PUTRIGHT_HEARTBEAT_MAX_AGE_SECONDS)
        if beat is None:
            checks["scheduler"] = "failing: the scheduler has never ticked (is db_worker running?)"
        else:
            age = clock.now() - beat
            seconds = max(0, round(age.total_seconds()))
            if age > limit:
                checks["scheduler"] = (
                    f"failing: last tick {seconds} s ago, more than {round(limit.total_seconds())} s"
                    " (is db_worker running?)"
                )
            else:
                checks["scheduler"] = f"ok: last tick {seconds} s ago"
    failing = sorted(name for name, result in checks.items() if not result.startswith("ok"))
    return JsonResponse(
        {"status": "failing" if failing else "ok", "failing": failing, "checks": checks},
        status=503 if failing else 200,
    )


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: a request Django itself refuses before any view (too many files or fields in
    a form, a suspicious header). On the API, the API's one error shape; elsewhere Django's page."""
    if request.path.startswith("/api/"):
        body = {
            "error": "bad_request",
            "detail": "The request could not be read: too many parts, or a malformed body.",
            "field": None,
            "provision": "",
            "fields": {},
        }
        return JsonResponse(body, status=400)
    return defaults.bad_request(request, exception)
