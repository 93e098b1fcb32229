"""NUL bytes in the API's JSON bodies, on every operation that takes one (ASVS 5.1, 5.3).

PostgreSQL refuses NUL in text (a 500 before hardening). The API's JSON parser refuses a body
with a NUL in any string or key (putright/core/hardening.py, NulRefusingJSONParser). Each JSON
operation in the schema is called with a body built from its request schema, every string
holding a NUL: the answer must be a 400 in the one error shape naming the first field with
one, and not one row written or changed anywhere.
"""

import json
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from rest_framework.test import APIClient

from putright.complaints.tests import test_api_fuzz
from putright.core.clock import now, today
from putright.core.hardening import NUL_REFUSED

pytestmark = pytest.mark.django_db

NUL_TEXT = "Rang the\x00 resident\x00"


def _has_nul(value: Any) -> bool:
    return "\\u0000" in json.dumps(value, default=str)  # json writes NUL as \u0000


def _schema() -> dict[str, Any]:
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document))


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    if "allOf" in node:
        return _resolve(schema, node["allOf"][0])
    return node


def _value(schema: dict[str, Any], node: dict[str, Any]) -> Any:
    """A value of the node's type; every string carries a NUL unless its format forbids it."""
    node = _resolve(schema, node)
    if "enum" in node:
        return next(v for v in node["enum"] if v is not None)
    kind = node.get("type")
    if kind == "object" or "properties" in node:
        return {
            f"{name}\x00" if name == "unknown" else name: _value(schema, prop)
            for name, prop in node.get("properties", {}).items()
            if not prop.get("readOnly")
        }
    if kind == "array":
        return [_value(schema, node.get("items", {}))]
    if kind == "integer":
        return 1
    if kind == "number":
        return 1.5
    if kind == "boolean":
        return True
    if node.get("format") == "date":
        return today().isoformat()
    if node.get("format") == "date-time":
        return (now() - timedelta(hours=1)).isoformat()
    return NUL_TEXT


def _json_operations() -> list[tuple[str, str, dict[str, Any]]]:
    schema = _schema()
    found = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            content = operation.get("requestBody", {}).get("content", {})
            if method in {"post", "put", "patch"} and "application/json" in content:
                body = _value(schema, content["application/json"]["schema"])
                if _has_nul(body):  # a body of dates and choices only has no string to test
                    found.append((method, path, body))
    return found


OPERATIONS = _json_operations()
# The fuzz test's fixtures: a complaint in each state and its parts, an officer's token.
records = test_api_fuzz.records
token = test_api_fuzz.token


def _database() -> dict[str, list[Any]]:
    """Every row of every table (the test database is small), but the token's last use."""
    return {
        model._meta.label: sorted(
            json.dumps({**row, "last_used_at": None}, default=str, sort_keys=True)
            for row in model.objects.values()
        )
        for model in apps.get_models()
    }


def test_every_json_operation_is_found():
    assert len(OPERATIONS) >= 20, OPERATIONS


@pytest.mark.parametrize(
    ("method", "path", "body"), OPERATIONS, ids=[f"{m.upper()} {p}" for m, p, _ in OPERATIONS]
)
def test_a_nul_in_any_string_is_a_400_naming_it_and_nothing_is_written(
    method,
    path,
    body,
    records,
    token,
):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    collection = path.split("/")[3]
    url = path.replace("{reference}", records["reference"]).replace(
        "{id}", str(records.get(collection, 1))
    )
    before = _database()

    response = getattr(api, method)(url, json.dumps(body), content_type="application/json")

    assert response.status_code == 400, response.content
    answer = response.json()
    assert answer["error"] == "invalid_input"
    assert answer["fields"] == {answer["field"]: [NUL_REFUSED]}
    assert answer["field"].split(".")[0] in body
    assert _database() == before


def test_every_api_view_reads_json_through_the_nul_refusing_parser():
    """A view that names its own parsers (the file-taking actions) must keep the refusing
    JSON parser: the behaviour above is only as wide as this."""
    from django.urls import URLPattern, URLResolver, get_resolver
    from rest_framework.parsers import JSONParser

    from putright.core.hardening import NulRefusingJSONParser

    def callbacks(patterns):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from callbacks(p.url_patterns)
            elif isinstance(p, URLPattern):
                yield p.callback

    plain = []
    for callback in callbacks(get_resolver().url_patterns):
        view = getattr(callback, "cls", None)
        for name in (getattr(callback, "actions", None) or {}).values():
            handler = getattr(view, name, None)
            kwargs = getattr(handler, "kwargs", {}) or {}
            parsers = kwargs.get("parser_classes", view.parser_classes)
            if any(
                issubclass(p, JSONParser) and not issubclass(p, NulRefusingJSONParser)
                for p in parsers
            ):
                plain.append(f"{view.__name__}.{name}")
    assert plain == []
