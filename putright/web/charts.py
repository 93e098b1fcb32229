"""Small bar charts as inline SVG for staff pages, with no plotting library.

Each chart is an image to assistive technology (role="img" with a <title> and <desc> it is
labelled and described by) and always sits beside a GOV.UK table of the same numbers, so
nobody has to read a chart to get them. Reports drawn for PDFs use `reporting.charts`.
"""

from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe

# Colour-blind-safe pair (Okabe-Ito, as the reports use), text in GOV.UK black.
SERIES_COLOURS = ("#0072B2", "#E69F00")
TEXT = "#0b0c0c"
AXIS = "#b1b4b6"

_BAR_AREA = 160  # px of height for the tallest bar
_TOP = 28  # legend
_BOTTOM = 44  # labels under the bars


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
) -> SafeString:
    """Vertical bars, one group per label and one bar per series, each bar with its number."""
    if not series or any(len(values) != len(labels) for _, values in series):
        raise ValueError("Every series needs one value per label.")
    per_group = len(series)
    bar_width = 18 if per_group > 1 else 36
    group_width = bar_width * per_group + 16
    width = max(group_width * len(labels) + 20, 240)
    height = _TOP + _BAR_AREA + _BOTTOM
    tallest = max((v for _, values in series for v in values), default=0) or 1
    base = _TOP + _BAR_AREA
    ident = escape(chart_id)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="putright-chart" id="{ident}" '
        f'role="img" aria-labelledby="{ident}-title {ident}-desc" '
        f'viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px" '
        f'font-family="inherit" font-size="11">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
    ]
    if per_group > 1:  # legend
        x = 10
        for (name, _), colour in zip(series, SERIES_COLOURS, strict=False):
            parts.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{colour}"/>')
            parts.append(f'<text x="{x + 16}" y="16" fill="{TEXT}">{escape(name)}</text>')
            x += 16 + 8 * len(name) + 16
    parts.append(
        f'<line x1="10" y1="{base}" x2="{width - 10}" y2="{base}" stroke="{AXIS}" stroke-width="1"/>'
    )
    for i, label in enumerate(labels):
        left = 10 + i * group_width + 8
        for j, ((_, values), colour) in enumerate(zip(series, SERIES_COLOURS, strict=False)):
            value = values[i]
            h = round(_BAR_AREA * value / tallest)
            x = left + j * bar_width
            parts.append(
                f'<rect x="{x}" y="{base - h}" width="{bar_width - 2}" height="{h}" '
                f'fill="{colour}"/>'
            )
            parts.append(
                f'<text x="{x + (bar_width - 2) / 2}" y="{base - h - 3}" text-anchor="middle" '
                f'fill="{TEXT}">{value}</text>'
            )
        centre = left + (bar_width * per_group) / 2
        for k, line in enumerate(label.split("\n")):
            parts.append(
                f'<text x="{centre}" y="{base + 14 + 13 * k}" text-anchor="middle" '
                f'fill="{TEXT}">{escape(line)}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
