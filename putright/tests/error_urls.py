"""The project's URLs plus one page that logs a line and then fails (tests of errors and logs)."""

import logging

from django.http import HttpRequest, HttpResponse
from django.urls import path

from putright.urls import handler500
from putright.urls import urlpatterns as project_urlpatterns

logger = logging.getLogger("putright.tests.boom")


def logs_then_fails(request: HttpRequest) -> HttpResponse:
    logger.info("working on the request")
    raise RuntimeError("the database went away")


def logs_and_answers(request: HttpRequest) -> HttpResponse:
    logger.info("working on the request")
    return HttpResponse("fine")


urlpatterns = [
    path("boom/", logs_then_fails),
    path("fine/", logs_and_answers),
    *project_urlpatterns,
]

__all__ = ["handler500", "urlpatterns"]
