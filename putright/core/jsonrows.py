"""Small lists fetched inside another row: each list as one JSON value, so a page that shows a
dozen short per-case lists needs one query for all of them instead of one query each.

``JSONRows(queryset, names)`` is an expression (for ``.annotate``) holding the rows of a
values() queryset, in its order, as JSON text: ``[[v1, v2, ...], ...]``. The queryset must
stand alone (no ``OuterRef``): filter it by a value the outer query is looked up by (a unique
reference), so each list is one indexed lookup.

``model_rows(queryset)`` does it for whole model rows, and ``instances(model, text)`` turns
the text back into model instances with the same values a normal query gives (dates, aware
datetimes, decimals, booleans, JSON), so templates and methods see no difference.

SQLite (``json_group_array``) and PostgreSQL (``json_agg``) both keep the order of the inner
ordered subquery.
"""

import json
import uuid
from datetime import UTC, date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.expressions import Expression
from django.utils.dateparse import parse_datetime


class JSONRows(Expression):
    """The rows of a values() queryset (columns `names`) as one JSON text, '[]' if none."""

    output_field = models.TextField()

    def __init__(self, queryset: models.QuerySet, names: list[str], json_names: tuple = ()):
        super().__init__(output_field=models.TextField())
        self.queryset = queryset
        self.names = list(names)
        self.json_names = set(json_names)  # columns holding JSON (embedded as JSON, not text)

    def resolve_expression(self, *args: Any, **kwargs: Any) -> "JSONRows":
        return self  # stands alone: nothing of the outer query to resolve

    def get_group_by_cols(self) -> list:
        return []

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple]:
        inner, params = self.queryset.query.get_compiler(connection=connection).as_sql()
        q = connection.ops.quote_name
        if connection.vendor == "sqlite":
            cols = ", ".join(
                f'JSON("rows".{q(n)})' if n in self.json_names else f'"rows".{q(n)}'
                for n in self.names
            )
            agg = f"JSON_GROUP_ARRAY(JSON_ARRAY({cols}))"
        else:
            cols = ", ".join(f'"rows".{q(n)}' for n in self.names)
            agg = f"COALESCE(JSON_AGG(JSON_BUILD_ARRAY({cols})), '[]'::json)::text"
        # Column names are quoted by the backend; the inner SQL is Django's, with its params.
        return f'(SELECT {agg} FROM ({inner}) AS "rows")', tuple(params)  # noqa: S608


def _fields(model: type[models.Model]) -> list[models.Field]:
    return list(model._meta.concrete_fields)


def model_rows(queryset: models.QuerySet) -> JSONRows:
    """Whole rows of `queryset`'s model (every concrete field), in the queryset's order."""
    fields = _fields(queryset.model)
    names = [f"c{i}" for i in range(len(fields))]
    values = queryset.values(**{n: F(f.attname) for n, f in zip(names, fields, strict=True)})
    json_names = tuple(
        n for n, f in zip(names, fields, strict=True) if isinstance(f, models.JSONField)
    )
    return JSONRows(values, names, json_names)


def rows(text: str | None) -> list[list[Any]]:
    """The rows of a JSONRows value (numbers with a fraction as Decimal, never float)."""
    return json.loads(text or "[]", parse_float=Decimal)


def _value(field: models.Field, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(field, models.DateTimeField):
        moment = parse_datetime(value)
        if moment is not None and settings.USE_TZ and moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)  # SQLite keeps datetimes in UTC, naive
        return moment
    if isinstance(field, models.DateField):
        return date.fromisoformat(value)
    if isinstance(field, models.BooleanField):
        return bool(value)
    if isinstance(field, models.DecimalField):
        return Decimal(str(value)).quantize(Decimal(1).scaleb(-field.decimal_places))
    if isinstance(field, models.UUIDField):
        return uuid.UUID(str(value))
    if isinstance(field, models.JSONField):
        return value
    if isinstance(field, models.TimeField | models.DurationField | models.BinaryField):
        raise TypeError(f"{field} is not supported by jsonrows")
    return value


def instances(model: type[models.Model], text: str | None, using: str = "default") -> list[Any]:
    """The model instances of a `model_rows` value, as a normal query would give them."""
    fields = _fields(model)
    names = [f.attname for f in fields]
    return [
        model.from_db(using, names, [_value(f, v) for f, v in zip(fields, row, strict=True)])
        for row in rows(text)
    ]


def set_prefetched(instance: models.Model, name: str, objects: list[Any]) -> None:
    """Make ``instance.<name>.all()`` (a reverse foreign key) give `objects` without a query,
    as ``prefetch_related`` does."""
    manager = getattr(instance, name)
    for obj in objects:  # each row's own foreign key back to `instance`, as prefetching does
        manager.field.set_cached_value(obj, instance)
    queryset = manager.get_queryset()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[name] = queryset
