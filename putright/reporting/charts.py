"""Charts for the reports, drawn with matplotlib (Agg) as SVG for the page and the PDF.

Each chart sits beside a table of the same numbers, so nobody has to read a chart to get them.
"""

import base64
import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")

from matplotlib import pyplot as plt  # after use("Agg"): the backend is chosen first
from matplotlib.figure import Figure

# Colour-blind-safe pair (Okabe-Ito) with text in dark grey.
PRIMARY = "#0072B2"
SECONDARY = "#E69F00"
TEXT = "#0b0c0c"


def _svg(fig: Figure) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _style(ax) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(colors=TEXT, labelsize=8)
    ax.yaxis.get_major_locator().set_params(integer=True)


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
    fig, ax = plt.subplots(figsize=(7.2, 2.8 if not horizontal else 0.35 * len(labels) + 1))
    positions = range(len(labels))
    width = 0.4
    if horizontal:
        ax.barh([p + width / 2 for p in positions], first, width, label=names[0], color=PRIMARY)
        ax.barh([p - width / 2 for p in positions], second, width, label=names[1], color=SECONDARY)
        ax.set_yticks(list(positions), labels)
        ax.invert_yaxis()
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(colors=TEXT, labelsize=8)
    else:
        ax.bar([p - width / 2 for p in positions], first, width, label=names[0], color=PRIMARY)
        ax.bar([p + width / 2 for p in positions], second, width, label=names[1], color=SECONDARY)
        ax.set_xticks(list(positions), labels, rotation=45, ha="right")
        _style(ax)
    ax.set_title(title, fontsize=10, color=TEXT, loc="left")
    ax.legend(fontsize=8, frameon=False)
    return _svg(fig)


def percentage_bars(labels: Sequence[str], values: Sequence[float | None], title: str) -> str:
    """Percentages (0-100), e.g. responses within the Code's timescales by stage or quarter."""
    fig, ax = plt.subplots(figsize=(7.2, 2.4))
    shown = [v or 0 for v in values]
    bars = ax.bar(labels, shown, color=PRIMARY)
    for bar, value in zip(bars, values, strict=True):
        text = "n/a" if value is None else f"{value:.1f}%"
        ax.annotate(
            text,
            (bar.get_x() + bar.get_width() / 2, bar.get_height()),
            ha="center",
            va="bottom",
            fontsize=8,
            color=TEXT,
        )
    ax.set_ylim(0, 110)
    _style(ax)
    ax.set_title(title, fontsize=10, color=TEXT, loc="left")
    return _svg(fig)
