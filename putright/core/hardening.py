"""Project-wide request and response hardening (OWASP ASVS V5 and V14; docs/security.md).

- ``NulByteMiddleware``: a NUL byte in a query string or form field is removed before any view
  sees it. PostgreSQL refuses NUL in text (a search for ``a%00b`` was a 500); no field of ours
  has a use for one.
- ``NulRefusingJSONParser``: the API's JSON parser, which refuses a body with a NUL in any
  string or key with a 400 in the API's error shape naming where it was, before any view
  reads it, so nothing is written (``"\u0000"`` in a note was a 500 on PostgreSQL). An API
  client sent it on purpose, so it is told, where a browser's form is quietly cleaned.
- ``ResponseHeadersMiddleware``: ``Cache-Control: no-store`` on every page and API answer the
  application itself builds (staff, portal and API responses hold personal data; static files
  are served before this runs and stay cacheable) and always on documents (PDF, DOCX, XLSX,
  CSV, ZIP); and a ``Permissions-Policy`` that turns off browser features PutRight never uses.
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser

NO_STORE = "no-store"
# Browser features PutRight never asks for: a page (or injected script) cannot either.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "interest-cohort",
    )
)
DOCUMENT_TYPES = (
    "application/pdf",
    "application/vnd.openxmlformats-officedocument",
    "text/csv",
    "application/zip",
)


def _without_nul(query: QueryDict) -> QueryDict | None:
    """A copy of `query` with NUL bytes removed from names and values, or None if it had none."""
    if not any("\x00" in k or any("\x00" in v for v in query.getlist(k)) for k in query):
        return None
    clean = QueryDict(mutable=True)
    for key in query:
        clean.setlist(key.replace("\x00", ""), [v.replace("\x00", "") for v in query.getlist(key)])
    clean._mutable = False
    return clean


NUL_REFUSED = "Remove the NUL character (\\u0000): text cannot contain one."


def nul_at(value: Any, path: str = "") -> str | None:
    """Where the first NUL byte is in parsed JSON (a dotted path; the key itself if a key
    holds one), or None."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    items: Any = ()
    if isinstance(value, list):
        items = ((str(n), item) for n, item in enumerate(value))
    elif isinstance(value, dict):
        items = value.items()
    for key, item in items:
        where = f"{path}.{key}" if path else str(key)
        if "\x00" in str(key):
            return where.replace("\x00", "")
        if (found := nul_at(item, where)) is not None:
            return found
    return None


class NulRefusingJSONParser(JSONParser):
    """DRF's JSON parser, then a 400 (ValidationError: the one error shape, with the field) if
    any string or key holds a NUL byte."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        if (where := nul_at(data)) is not None:
            raise ValidationError({where or "non_field_errors": [NUL_REFUSED]})
        return data


class NulByteMiddleware:
    """Strips NUL bytes from the query string and url-encoded/multipart form fields."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (clean := _without_nul(request.GET)) is not None:
            request.GET = clean
        if (
            request.method == "POST"
            and request.content_type
            in (
                "application/x-www-form-urlencoded",
                "multipart/form-data",
            )
            and (clean := _without_nul(request.POST)) is not None
        ):
            request.POST = clean
        return self.get_response(request)


REQUEST_TOO_LARGE = "The upload is too large: send files of at most {mb} MB in all."


class RequestSizeMiddleware:
    """Refuses (413) a request body larger than PUTRIGHT_MAX_REQUEST_MB before it is read:
    Django caps form fields (DATA_UPLOAD_MAX_MEMORY_SIZE) but not the files in a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings

        limit_mb = settings.PUTRIGHT_MAX_REQUEST_MB
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit_mb * 1024 * 1024:
            message = REQUEST_TOO_LARGE.format(mb=limit_mb)
            if request.path.startswith("/api/"):
                # The API's one error shape (putright.complaints.api.exception_handler).
                body = {"error": "too_large", "detail": message, "field": None}
                return JsonResponse({**body, "provision": "", "fields": {}}, status=413)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def is_document(response: HttpResponse) -> bool:
    """A file a browser would save (its no-store is tested on its own)."""
    return response.get("Content-Type", "").startswith(DOCUMENT_TYPES)


class ResponseHeadersMiddleware:
    """No-store caching on the application's own responses; a Permissions-Policy on all."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = NO_STORE
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
