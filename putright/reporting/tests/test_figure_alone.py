"""A drill-down counts only its own figure's kind (issue 19): each figure counted alone is the
same as in every figure of the year, complaints included."""

from putright.reporting import reports
from putright.reporting.tests.conftest import REPORT_DAY


def test_each_figure_counted_alone_equals_the_same_figure_among_all(year_2025):
    everything = reports.all_figures(2025, on=REPORT_DAY)
    assert {key[:3] for key in everything} == {"ch0", "sa-", "y20"}
    for key, expected in everything.items():
        assert reports.figure(2025, key, on=REPORT_DAY) == expected, key
    assert reports.figure(2025, "ch99", on=REPORT_DAY) is None
