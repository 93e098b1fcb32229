"""Tags for letter templates: ``{% element "key" %}`` places a required element."""

from datetime import date

from django import template
from django.template.base import Node, NodeList, Parser, Token
from django.template.context import Context
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


class ElementNode(Node):
    """Renders the fixed partial for one required element inside a marked section."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.nodelist = NodeList()

    def render(self, context: Context) -> SafeString:
        engine = context.template.engine
        kind = context.get("kind", "")
        partial = engine.select_template(
            [f"letters/elements/{kind}/{self.key}.html", f"letters/elements/{self.key}.html"]
        )
        inner = partial.render(context)
        return format_html(
            '<section class="element element-{}" data-element="{}">{}</section>',
            self.key,
            self.key,
            mark_safe(inner),  # noqa: S308  (rendered by the autoescaping letter engine)
        )


@register.tag(name="element")
def element(parser: Parser, token: Token) -> ElementNode:
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError('Use {% element "key" %} with the key in quotes.')
    return ElementNode(bits[1][1:-1])


@register.filter
def letter_date(value: str | date | None) -> str:
    """An ISO date as residents read it: 9 March 2026."""
    if not value:
        return ""
    day = value if isinstance(value, date) else date.fromisoformat(str(value))
    return f"{day.day} {day:%B %Y}"


@register.filter
def pounds(value: str | None) -> str:
    return f"£{value}" if value else ""
