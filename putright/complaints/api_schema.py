"""Makes the OpenAPI schema say every status the API can answer (drf-spectacular hook).

The views document their own successes and their 400/409 refusals. The refusals that come
from the framework are the same for every operation and are added here, in the one error
shape (`ErrorOut`), so a client (and the fuzz test, `core/tests/test_api_fuzz.py`) can rely on
the schema: 401 without a valid token, 403 for a role the matrix refuses, 404 for an unknown
id or page, 415 for a body that is not JSON or a form.
"""

from typing import Any

from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination

ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}

WHY = {
    "400": "Bad input: `fields` names each field and what is wrong.",
    "401": "No valid API token or session.",
    "403": "Your role may not do this (the permission matrix).",
    "404": "No such record, or no such page of results.",
    "409": "The Code or the workflow does not allow this now: `provision` says which rule.",
    "413": "The request is larger than PUTRIGHT_MAX_REQUEST_BYTES allows.",
    "415": "The body is not in a media type this operation accepts.",
}


def add_framework_errors(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """POSTPROCESSING_HOOKS entry: add the framework's refusals to each operation."""
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            codes = ["401", "403"]
            parameters = operation.get("parameters", [])
            if any(p.get("in") == "path" for p in parameters) or any(
                p.get("in") == "query" and p.get("name") == "page" for p in parameters
            ):
                codes.append("404")
            if method == "get" and any(
                p.get("in") == "query" and p.get("name") != "page" for p in parameters
            ):
                codes.append("400")
            if "requestBody" in operation:
                codes += ["400", "413", "415"]
            if method == "post":
                codes.append("409")
            for code in codes:
                responses.setdefault(
                    code,
                    {
                        "content": {"application/json": {"schema": ERROR_REF}},
                        "description": WHY[code],
                    },
                )
    return result


class Pagination(PageNumberPagination):
    """DRF's page numbers, strictly: `page` is one whole number from 1, or the answer is the
    documented 404 (DRF reads `?page=` and a repeated `page` as page 1 or the last value)."""

    def get_page_number(self, request: Any, paginator: Any) -> Any:
        given = request.query_params.getlist(self.page_query_param)
        if not given:
            return 1
        if len(given) > 1 or not given[0].isascii() or not given[0].isdigit():
            raise NotFound(self.invalid_page_message.format(page_number=given[-1], message=""))
        return given[0]
