"""Reports with their charts, ready for a template: the HTML page and the PDF share these."""

from typing import Any

from django.conf import settings

from putright.reporting import charts, reports
from putright.reporting.hazards_section import hazard_section


def landlord_name() -> str:
    return getattr(settings, "PUTRIGHT_LANDLORD_NAME", "") or "Your landlord"


def annual_document(year: int) -> dict[str, Any]:
    """The annual report with its charts, as the page and the PDF render it."""
    report = reports.annual_report(year)
    monthly = report.monthly
    categories = report.categories[:10]
    ch02 = {f.key: f for f in report.tsm.ch02}
    timeliness = [
        (f"Stage {s}: {basis}", ch02[f"ch02-stage{s}-{key}"].value)
        for s in (1, 2)
        for key, basis in (("original", "original limit"), ("extension", "with extensions"))
    ]
    return {
        "report": report,
        "hazards": hazard_section(report.period),
        "landlord": landlord_name(),
        "chart_monthly": charts.data_uri(
            charts.grouped_bars(
                [m for m, _a, _b in monthly],
                [a for _m, a, _b in monthly],
                [b for _m, _a, b in monthly],
                ("Stage 1", "Stage 2"),
                f"Complaints received by month, {report.period_label}",
            )
        ),
        "chart_categories": charts.data_uri(
            charts.grouped_bars(
                [c for c, _a, _b in categories],
                [a for _c, a, _b in categories],
                [b for _c, _a, b in categories],
                (report.period_label, report.previous.label),
                "Stage 1 complaints by category (the ten largest)",
                horizontal=True,
            )
        )
        if categories
        else "",
        "chart_timeliness": charts.data_uri(
            charts.percentage_bars(
                [label for label, _ in timeliness],
                [value for _, value in timeliness],
                f"Responses within the Code's timescales, {report.period_label}",
            )
        ),
    }


def mrc_document(year: int, number: int) -> dict[str, Any]:
    """The quarterly governing body / MRC pack with its charts."""
    pack = reports.mrc_pack(year, number)
    columns = pack.columns
    # The table's labels, so a quarter not over is "to date" on the charts too (the date is in
    # the table; it would crowd the axis).
    labels = [c.label.split(" (")[0] for c in columns]
    return {
        "pack": pack,
        "hazards": hazard_section(pack.period),
        "landlord": landlord_name(),
        "chart_volumes": charts.data_uri(
            charts.grouped_bars(
                labels,
                [c.received[1] for c in columns],
                [c.received[2] for c in columns],
                ("Stage 1", "Stage 2"),
                "Complaints received, this quarter and the three before",
            )
        ),
        "chart_timeliness": charts.data_uri(
            charts.percentage_bars(
                labels,
                [c.on_time[1] for c in columns],
                "Stage 1 responses within the Code's timescales",
            )
        ),
    }
