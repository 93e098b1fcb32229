"""Charts for the reports (annual report, MRC pack) as SVG for the page and the PDF.

Written directly, with no plotting library: a few bars, axes with whole-number ticks, labels,
a legend and a title are all a report needs. Each chart is an image with a <title> and a
<desc> giving its numbers, and sits beside a table of the same numbers, so nobody has to read
a chart to get them. Text is <text> in DejaVu Sans (the PDF's font; Arial or any sans-serif
where it is missing), so layout estimates widths from DejaVu Sans's advances, a little wide.
"""

import base64
import math
from collections.abc import Sequence
from html import escape

# Colour-blind-safe pair (Okabe-Ito) with text in dark grey.
PRIMARY = "#0072B2"
SECONDARY = "#E69F00"
TEXT = "#0b0c0c"
FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"

WIDTH = 720  # user units (px in the page; the PDF scales the chart to its column)
TICK = 11  # font sizes
TITLE = 14
MARGIN = 8
_PLOT_HEIGHT = 190  # vertical bars' plot area
_BAND = 34  # horizontal bars: height per category

# DejaVu Sans advance widths in em, rounded up: narrow, middle and wide characters, capitals;
# anything else (lower case, digits) counts as 0.64 em.
_NARROW = set("ijl'|!.,:;") | {" "}
_MIDDLE = set("frt()[]-/1I")
_WIDE = set("mwMW%@")


def text_width(text: str, size: float) -> float:
    """An estimate of `text`'s width at `size`, on the wide side so nothing is clipped."""
    em = 0.0
    for char in text:
        if char in _NARROW:
            em += 0.34
        elif char in _MIDDLE:
            em += 0.45
        elif char in _WIDE:
            em += 1.0
        elif char.isupper():
            em += 0.74
        else:
            em += 0.64
    return em * size


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _num(value: float) -> str:
    """A coordinate, short: 12.5 not 12.500000001."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _text(
    x: float, y: float, text: str, *, size: float = TICK, anchor: str = "start", **extra: str
) -> str:
    attributes = "".join(f' {name.replace("_", "-")}="{value}"' for name, value in extra.items())
    return (
        f'<text x="{_num(x)}" y="{_num(y)}" font-size="{size}" text-anchor="{anchor}"'
        f"{attributes}>{escape(text)}</text>"
    )


def ticks(top: float) -> list[int]:
    """Whole-number ticks from 0 covering `top`: steps of 1, 2 or 5 times a power of ten, at
    most 6 steps, the last tick at or above `top`."""
    top = max(top, 1)
    power = 10 ** max(math.floor(math.log10(top / 6)), 0) if top > 6 else 1
    step = next(m * power for m in (1, 2, 5, 10) if top / (m * power) <= 6)
    return list(range(0, math.ceil(top / step) * step + 1, step))


def _svg(width: float, height: float, title: str, description: str, body: list[str]) -> str:
    return "".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{_num(width)}" '
            f'height="{_num(height)}" viewBox="0 0 {_num(width)} {_num(height)}" '
            f'font-family="{FONT}" fill="{TEXT}">',
            f"<title>{escape(title)}</title>",
            f"<desc>{escape(description)}</desc>",
            *body,
            "</svg>",
        ]
    )


def _legend(x: float, y: float, names: Sequence[str]) -> list[str]:
    parts = []
    for name, colour in zip(names, (PRIMARY, SECONDARY), strict=False):
        parts.append(
            f'<rect x="{_num(x)}" y="{_num(y - 9)}" width="10" height="10" fill="{colour}"/>'
        )
        parts.append(_text(x + 14, y, name))
        x += 14 + text_width(name, TICK) + 18
    return parts


def _describe(labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]]) -> str:
    return "; ".join(
        f"{label}: " + ", ".join(f"{name} {values[i]:,}" for name, values in series)
        for i, label in enumerate(labels)
    )


def _line(x1: float, y1: float, x2: float, y2: float) -> str:
    return (
        f'<line x1="{_num(x1)}" y1="{_num(y1)}" x2="{_num(x2)}" y2="{_num(y2)}" '
        f'stroke="{TEXT}" stroke-width="1"/>'
    )


def grouped_bars(
    labels: Sequence[str],
    first: Sequence[float],
    second: Sequence[float],
    names: tuple[str, str],
    title: str,
    *,
    horizontal: bool = False,
) -> str:
    """Two series side by side, e.g. stage 1 and stage 2 by month, or this year and last."""
    if len(first) != len(labels) or len(second) != len(labels):
        raise ValueError("Every series needs one value per label.")
    scale = ticks(max([*first, *second], default=0))
    description = _describe(labels, list(zip(names, (first, second), strict=True)))
    body = [_text(MARGIN, TITLE + 2, title, size=TITLE)]
    body += _legend(MARGIN, TITLE + 24, names)
    top = TITLE + 40
    if horizontal:
        # A long category name goes on two lines (or more: the table has it whole).
        wrapped = [_wrap(label, 0.4 * WIDTH) for label in labels]
        left = MARGIN + max((text_width(x, TICK) for lines in wrapped for x in lines), default=0)
        left += 8
        right = WIDTH - MARGIN - text_width(f"{scale[-1]:,}", TICK) / 2
        bottom = top + _BAND * len(labels)
        span = right - left
        for i, lines in enumerate(wrapped):
            middle = top + _BAND * (i + 0.5)
            first_line = middle + 4 - 6.5 * (len(lines) - 1)
            body += [
                _text(left - 6, first_line + 13 * k, line, anchor="end")
                for k, line in enumerate(lines)
            ]
            for j, (values, colour) in enumerate(((first, PRIMARY), (second, SECONDARY))):
                size = span * values[i] / scale[-1]
                y = middle - 0.4 * _BAND + j * 0.4 * _BAND
                body.append(
                    f'<rect x="{_num(left)}" y="{_num(y)}" width="{_num(size)}" '
                    f'height="{_num(0.4 * _BAND)}" fill="{colour}"/>'
                )
        for tick in scale:
            x = left + span * tick / scale[-1]
            body.append(_line(x, bottom, x, bottom + 4))
            body.append(_text(x, bottom + 17, f"{tick:,}", anchor="middle"))
        body += [_line(left, top, left, bottom), _line(left, bottom, right, bottom)]
        return _svg(WIDTH, bottom + 24, title, description, body)
    right = WIDTH - MARGIN
    bottom = top + _PLOT_HEIGHT
    longest = max((text_width(label, TICK) for label in labels), default=0)
    # Room on the left for the ticks' figures and for the first label, rotated.
    left = MARGIN + text_width(f"{scale[-1]:,}", TICK) + 8
    slot = (right - left) / max(len(labels), 1)
    if (overhang := MARGIN + longest * 0.71 - slot / 2) > left:
        left = overhang
        slot = (right - left) / max(len(labels), 1)
    for i, label in enumerate(labels):
        centre = left + slot * (i + 0.5)
        for j, (values, colour) in enumerate(((first, PRIMARY), (second, SECONDARY))):
            size = _PLOT_HEIGHT * values[i] / scale[-1]
            body.append(
                f'<rect x="{_num(centre - 0.4 * slot + j * 0.4 * slot)}" y="{_num(bottom - size)}" '
                f'width="{_num(0.4 * slot)}" height="{_num(size)}" fill="{colour}"/>'
            )
        # Rotated 45 degrees, ending under the bars' middle (as the labels are long).
        body.append(_line(centre, bottom, centre, bottom + 4))
        body.append(
            _text(
                centre + 3,
                bottom + 14,
                label,
                anchor="end",
                transform=f"rotate(-45 {_num(centre + 3)} {_num(bottom + 14)})",
            )
        )
    body += _y_axis(scale, left, right, top, bottom)
    return _svg(WIDTH, bottom + 14 + longest * 0.71 + 12, title, description, body)


def _y_axis(scale: list[int], left: float, right: float, top: float, bottom: float) -> list[str]:
    parts = [_line(left, top, left, bottom), _line(left, bottom, right, bottom)]
    for tick in scale:
        y = bottom - (bottom - top) * tick / scale[-1]
        parts.append(_line(left - 4, y, left, y))
        parts.append(_text(left - 6, y + 4, f"{tick:,}", anchor="end"))
    return parts


def _wrap(label: str, width: float) -> list[str]:
    """A label in lines no wider than `width` where its words allow."""
    lines: list[str] = []
    for word in label.split(" "):
        if lines and text_width(f"{lines[-1]} {word}", TICK) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def percentage_bars(labels: Sequence[str], values: Sequence[float | None], title: str) -> str:
    """Percentages (0-100), e.g. responses within the Code's timescales by stage or quarter;
    "n/a" over a bar with nothing to measure."""
    if len(values) != len(labels):
        raise ValueError("Every label needs one value.")
    description = "; ".join(
        f"{label}: {'n/a' if value is None else f'{value:.1f}%'}"
        for label, value in zip(labels, values, strict=True)
    )
    body = [_text(MARGIN, TITLE + 2, title, size=TITLE)]
    top = TITLE + 20
    left = MARGIN + text_width("100", TICK) + 8
    right = WIDTH - MARGIN
    bottom = top + _PLOT_HEIGHT
    slot = (right - left) / max(len(labels), 1)
    ceiling = 110  # room over a full bar for its figure
    lines = 1
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        centre = left + slot * (i + 0.5)
        size = _PLOT_HEIGHT * (value or 0) / ceiling
        body.append(
            f'<rect x="{_num(centre - 0.4 * slot)}" y="{_num(bottom - size)}" '
            f'width="{_num(0.8 * slot)}" height="{_num(size)}" fill="{PRIMARY}"/>'
        )
        shown = "n/a" if value is None else f"{value:.1f}%"
        body.append(_text(centre, bottom - size - 4, shown, anchor="middle"))
        body.append(_line(centre, bottom, centre, bottom + 4))
        wrapped = _wrap(label, slot - 6)
        lines = max(lines, len(wrapped))
        body += [
            _text(centre, bottom + 17 + 13 * k, line, anchor="middle")
            for k, line in enumerate(wrapped)
        ]
    y_scale = [0, 20, 40, 60, 80, 100]
    body += [_line(left, top, left, bottom), _line(left, bottom, right, bottom)]
    for tick in y_scale:
        y = bottom - _PLOT_HEIGHT * tick / ceiling
        body.append(_line(left - 4, y, left, y))
        body.append(_text(left - 6, y + 4, str(tick), anchor="end"))
    return _svg(WIDTH, bottom + 17 + 13 * lines, title, description, body)
