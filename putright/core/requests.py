"""The request id: one per request, on the response and in every log line written for it.

Staff quote it from the error page; support finds the request's log lines with it.
"""

import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

REQUEST_ID_HEADER = "X-Request-ID"
# An id from a proxy in front (nginx's $request_id, a load balancer's trace id) is kept so one
# request can be followed across both logs, but only if it is short and plain: it is written
# into logs and a response header, so nothing that could forge a log line or a header.
_SAFE_INBOUND_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")

_current: ContextVar[str] = ContextVar("putright_request_id", default="")


def current_request_id() -> str:
    """The id of the request being handled in this thread (empty outside a request)."""
    return _current.get()


def request_id_for(inbound: str | None) -> str:
    """The inbound id if it is safe to reuse, else a new random one."""
    if inbound and _SAFE_INBOUND_ID.match(inbound):
        return inbound
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Gives each request an id (request.request_id), logs under it, and returns it as a header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_for(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response
