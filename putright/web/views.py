"""Site-wide pages: the styled 500 page (with the request id staff can quote) and, for
administrators, the scheduled jobs and how they last ran."""

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.html import escape
from django.views.decorators.http import require_GET

from putright.core import clock
from putright.core.permissions import Action, permission_required_for
from putright.core.requests import current_request_id
from putright.core.scheduler import tick_interval
from putright.core.selectors import heartbeat_at, job_statuses
from putright.web.context_processors import brand_colour

logger = logging.getLogger(__name__)

PLAIN_500 = (
    "<!DOCTYPE html><title>Sorry, there is a problem with the service</title>"
    "<h1>Sorry, there is a problem with the service</h1>"
    "<p>Please try again later. If you contact us about this, quote reference {request_id}.</p>"
)


def server_error(request: HttpRequest) -> HttpResponseServerError:
    """handler500. Rendered without context processors, the session or the database (any of
    which may be what failed), from settings alone; Django has already logged the error."""
    request_id = getattr(request, "request_id", "") or current_request_id()
    context = {
        "request_id": request_id,
        "landlord_name": settings.PUTRIGHT_LANDLORD_NAME,
        "landlord_phone": settings.PUTRIGHT_LANDLORD_PHONE,
        "complaints_email": settings.PUTRIGHT_COMPLAINTS_EMAIL,
        "brand_colour": brand_colour(settings.PUTRIGHT_BRAND_COLOUR),
    }
    try:
        body = loader.get_template("500.html").render(context)
    except Exception:  # the error page must not fail too: fall back to plain HTML
        logger.exception("The styled 500 page could not be rendered")
        body = PLAIN_500.format(request_id=escape(request_id))
    return HttpResponseServerError(body)


@permission_required_for(Action.RUN_INSTALLATION)
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
