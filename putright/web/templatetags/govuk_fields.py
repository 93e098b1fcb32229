"""``{% select_options field %}``: a select field's ``<option>`` elements, as
``{% for choice in field %}<option value="{{ choice.data.value|default_if_none:'' }}"{% if
choice.data.selected %} selected{% endif %}>{{ choice.choice_label }}</option>{% endfor %}``
writes them (groups flattened), without a widget context built for every option: on the
work queue's filters (a hundred options) that loop was a tenth of the page's time.

The same choices, the same "selected" test (``ChoiceWidget.optgroups``: the first match only,
unless the widget takes several) and the same escaping; a widget that changes how its options
are made gets the loop itself (`_builds_options_as_django_does`).
"""

from typing import Any

from django import template
from django.forms.boundfield import BoundField
from django.forms.widgets import ChoiceWidget, Select
from django.template.base import render_value_in_context
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


def _builds_options_as_django_does(widget: Any) -> bool:
    kind = type(widget)
    return isinstance(widget, Select) and all(
        getattr(kind, name) is getattr(ChoiceWidget, name)
        for name in ("subwidgets", "options", "optgroups", "create_option", "format_value")
    )


_SELECTED = SafeString(" selected")


def _option(value: Any, label: Any, selected: bool, context: template.Context) -> SafeString:
    # Each shown as a template variable is (localised, then escaped).
    return format_html(
        '<option value="{}"{}>{}</option>',
        render_value_in_context("" if value is None else value, context),
        _SELECTED if selected else "",
        render_value_in_context(label, context),
    )


def _joined(options: Any) -> SafeString:
    return format_html_join("", "{}", ((option,) for option in options))


@register.simple_tag(takes_context=True)
def select_options(context: template.Context, field: BoundField) -> SafeString:
    return options_html(field, context)


def options_html(field: BoundField, context: template.Context) -> SafeString:
    """The tag's work (``web/tests/test_select_options.py`` holds it, on the application's
    own pages, to the options Django's ``Select`` widget writes for the same field)."""
    widget = field.field.widget
    if not _builds_options_as_django_does(widget):
        return _joined(
            _option(choice.data["value"], choice.choice_label, choice.data["selected"], context)
            for choice in field
        )
    value = widget.format_value(field.value())
    parts = []
    has_selected = False
    for option_value, option_label in widget.choices:
        if isinstance(option_label, (list, tuple)):
            choices = option_label
        else:
            choices = [("" if option_value is None else option_value, option_label)]
        for subvalue, sublabel in choices:
            selected = (not has_selected or widget.allow_multiple_selected) and str(
                subvalue
            ) in value
            has_selected |= selected
            parts.append(_option(subvalue, sublabel, selected, context))
    return _joined(parts)
