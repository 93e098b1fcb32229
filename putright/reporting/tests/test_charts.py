"""The reports' charts, read from their SVG: what each bar and label shows, as a reader sees it."""

import base64
import re
import xml.etree.ElementTree as ET

import pytest

from putright.reporting import charts

NS = "{http://www.w3.org/2000/svg}"
MONTHS = ["Apr 2025", "May 2025", "Jun 2025", "Jul 2025"]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own SVG, not input


def bars(root: ET.Element, colour: str) -> list[dict[str, float]]:
    return [
        {name: float(rect.get(name)) for name in ("x", "y", "width", "height")}
        for rect in root.iter(f"{NS}rect")
        if rect.get("fill") == colour and float(rect.get("width")) != 10  # not the legend's
    ]


def texts(root: ET.Element) -> list[str]:
    return [t.text for t in root.iter(f"{NS}text")]


def within(root: ET.Element) -> tuple[float, float]:
    _x, _y, width, height = (float(v) for v in root.get("viewBox").split())
    return width, height


def test_a_bars_height_is_proportional_to_its_value_and_the_bars_stand_in_label_order():
    svg = charts.grouped_bars(MONTHS, [40, 10, 0, 25], [5, 20, 1, 0], ("Stage 1", "Stage 2"), "T")
    root = parse(svg)
    first, second = bars(root, charts.PRIMARY), bars(root, charts.SECONDARY)
    assert len(first) == len(second) == 4
    unit = first[0]["height"] / 40
    assert [b["height"] for b in first] == pytest.approx(
        [40 * unit, 10 * unit, 0, 25 * unit], rel=1e-3
    )
    assert [b["height"] for b in second] == pytest.approx([5 * unit, 20 * unit, unit, 0], rel=1e-3)
    # Every bar stands on the same baseline, left to right in the labels' order, stage 1 first.
    assert {round(b["y"] + b["height"], 2) for b in first + second} == {
        round(first[0]["y"] + first[0]["height"], 2)
    }
    lefts = [b["x"] for pair in zip(first, second, strict=True) for b in pair]
    assert lefts == sorted(lefts)


def test_the_axis_has_whole_number_ticks_from_nought_over_the_tallest_bar():
    root = parse(charts.grouped_bars(MONTHS, [7, 3, 0, 1], [0, 0, 0, 0], ("A", "B"), "T"))
    numbers = [int(t.replace(",", "")) for t in texts(root) if re.fullmatch(r"[\d,]+", t)]
    assert numbers == [0, 2, 4, 6, 8]
    # The tallest bar (7) reaches 7/8 of the axis: the top tick is 8, not 7 or 10.
    axis = max(float(line.get("y1")) for line in root.iter(f"{NS}line")) - min(
        float(line.get("y1")) for line in root.iter(f"{NS}line")
    )
    assert bars(root, charts.PRIMARY)[0]["height"] == pytest.approx(axis * 7 / 8)
    big = parse(charts.grouped_bars(["Q1"], [8123], [0], ("A", "B"), "T"))
    assert "10,000" in texts(big)
    assert "2,000" in texts(big)
    assert charts.ticks(0) == [0, 1]  # an empty year still has an axis


def test_every_label_legend_and_title_is_shown_and_described():
    """The <title> and <desc> carry what the chart shows to anyone who cannot see it."""
    svg = charts.grouped_bars(
        MONTHS, [1, 2, 3, 4], [5, 6, 7, 1200], ("Stage 1", "Stage 2"), "By month"
    )
    root = parse(svg)
    shown = texts(root)
    for label in [*MONTHS, "Stage 1", "Stage 2", "By month"]:
        assert shown.count(label) == 1
    assert root.get("role") == "img"
    assert root.find(f"{NS}title").text == "By month"
    assert root.find(f"{NS}desc").text.endswith("Jul 2025: Stage 1 4, Stage 2 1,200")
    # Month labels are turned 45 degrees, as the months would not fit side by side.
    month = next(t for t in root.iter(f"{NS}text") if t.text == "Apr 2025")
    assert month.get("transform").startswith("rotate(-45 ")


def test_horizontal_bars_give_each_category_its_row_and_wrap_a_long_name():
    long_name = "A very long category name about lifts and stairs in blocks of flats"
    names = ["Repairs", "Rent", long_name]
    root = parse(
        charts.grouped_bars(
            names, [30, 20, 10], [15, 0, 30], ("2025/26", "2024/25"), "T", horizontal=True
        )
    )
    first, second = bars(root, charts.PRIMARY), bars(root, charts.SECONDARY)
    unit = first[0]["width"] / 30
    assert [b["width"] for b in first] == pytest.approx([30 * unit, 20 * unit, 10 * unit], rel=1e-3)
    assert [b["width"] for b in second] == pytest.approx([15 * unit, 0, 30 * unit], rel=1e-3)
    # The first category on top, and in each row this year's bar over last year's, as the
    # legend reads.
    assert [b["y"] for b in first] == sorted(b["y"] for b in first)
    assert all(one["y"] < two["y"] for one, two in zip(first, second, strict=True))
    shown = texts(root)
    assert "Repairs" in shown
    assert "Rent" in shown
    lines = [t for t in shown if t and t in long_name]
    assert len(lines) == 2
    assert " ".join(lines) == long_name
    # Everything starts inside the picture (labels end at the axis, right-aligned).
    width, _height = within(root)
    left = min(b["x"] for b in first)
    assert all(charts.text_width(line, charts.TICK) < left for line in lines)
    assert all(b["x"] + b["width"] <= width for b in first + second)


def test_a_percentage_bar_shows_its_figure_and_na_where_nothing_was_measured():
    labels = ["Stage 1: original limit", "Stage 1: with extensions", "Stage 2: original limit"]
    root = parse(charts.percentage_bars(labels, [93.4, 50.0, None], "Responses on time"))
    heights = [b["height"] for b in bars(root, charts.PRIMARY)]
    assert heights[2] == 0
    assert heights[0] / heights[1] == pytest.approx(93.4 / 50, rel=1e-3)
    shown = texts(root)
    assert shown.count("n/a") == 1
    assert "93.4%" in shown
    assert "50.0%" in shown
    assert "0.0%" not in shown
    assert all(label in shown for label in labels)
    assert [t for t in shown if t.isdigit()] == ["0", "20", "40", "60", "80", "100"]
    assert root.find(f"{NS}desc").text.endswith("Stage 2: original limit: n/a")


def test_a_name_with_markup_in_it_is_text_not_markup():
    name = 'Staff <b>conduct</b> & "more"'
    svg = charts.grouped_bars(
        [name], [1], [2], ("<this year>", "R&D"), "Q&A <title>", horizontal=True
    )
    root = parse(svg)  # well-formed: every text escaped
    assert name in texts(root)
    assert "<this year>" in texts(root)
    assert "R&D" in texts(root)
    assert root.find(f"{NS}title").text == "Q&A <title>"
    assert "<b>" not in svg
    assert name in parse(charts.percentage_bars([name], [None], "T")).find(f"{NS}desc").text


def test_the_data_uri_carries_the_svg():
    svg = charts.percentage_bars(["Q1"], [100.0], "T")
    uri = charts.data_uri(svg)
    assert uri.startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]).decode() == svg
