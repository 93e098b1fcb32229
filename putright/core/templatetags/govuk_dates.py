"""``{{ field.value|date_parts }}``: a date field's day, month and year boxes."""

from typing import Any

from django import template

from putright.core.dates import DATE_HINT, PARTS, date_parts

register = template.Library()


@register.filter(name="date_boxes")
def date_boxes(value: Any) -> list[tuple[str, str, int, str]]:
    """(name suffix, label, width, value) for each of the three boxes."""
    return [
        (part, label, width, shown)
        for (part, label, width), shown in zip(PARTS, date_parts(value), strict=True)
    ]


@register.simple_tag
def date_hint() -> str:
    """The example under a date input, for inline forms that have no form field."""
    return DATE_HINT
