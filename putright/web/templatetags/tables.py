"""``{% scrolling_table %}<table>…</table>{% endscrolling_table %}``: every data table in a
region of its own that scrolls sideways when the table is wider than the screen (WCAG 1.4.10:
at 320 CSS px only the table scrolls, never the page). The region can take keyboard focus, so
it can be scrolled without a mouse; it is named by the table's caption (or the label given).
"""

import html
import re

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

_CAPTION = re.compile(r"<caption\b[^>]*>(.*?)</caption>", re.S | re.I)
_TAG = re.compile(r"<[^>]*>")


def region_label(table_html: str) -> str:
    """The table's caption as text, or "Table" if it has none."""
    found = _CAPTION.search(table_html)
    text = " ".join(html.unescape(_TAG.sub(" ", found.group(1))).split()) if found else ""
    return text or "Table"


class ScrollingTableNode(template.Node):
    def __init__(self, nodelist: template.NodeList, label: template.base.FilterExpression | None):
        self.nodelist = nodelist
        self.label = label

    def render(self, context: template.Context) -> SafeString:
        inner = self.nodelist.render(context)
        label = str(self.label.resolve(context)) if self.label is not None else ""
        return format_html(
            '<div class="app-table-wrapper" tabindex="0" role="region" aria-label="{}">{}</div>',
            label or region_label(inner),
            inner,  # a SafeString: rendered (and escaped) by the template
        )


@register.tag("scrolling_table")
def scrolling_table(parser: template.base.Parser, token: template.base.Token) -> ScrollingTableNode:
    bits = token.split_contents()
    if len(bits) > 2:
        raise template.TemplateSyntaxError("{% scrolling_table [label] %} takes one label at most")
    label = parser.compile_filter(bits[1]) if len(bits) == 2 else None
    nodelist = parser.parse(("endscrolling_table",))
    parser.delete_first_token()
    return ScrollingTableNode(nodelist, label)
