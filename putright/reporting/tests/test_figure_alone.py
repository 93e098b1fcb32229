"""A drill-down counts only its own figure's kind (issue 19): each figure counted alone is the
same as in every figure of the year, complaints included."""

from putright.reporting import reports, selectors
from putright.reporting.tests.conftest import REPORT_DAY


def test_each_figure_counted_alone_equals_the_same_figure_among_all(year_2025):
    everything = reports.all_figures(2025, on=REPORT_DAY)
    assert {key[:3] for key in everything} == {"ch0", "sa-", "y20"}
    for key, expected in everything.items():
        assert reports.figure(2025, key, on=REPORT_DAY) == expected, key
    assert reports.figure(2025, "ch99", on=REPORT_DAY) is None


def test_a_figures_complaints_are_listed_the_same_however_many_there_are(year_2025, monkeypatch):
    """Many ids go to the database as one text parameter (issue 19: 70,000 parameters took a
    second to bind); the list is the same as with one parameter each."""
    everything = reports.all_figures(2025, on=REPORT_DAY)
    figures = [f for f in everything.values() if len(f.complaint_ids) > 1]
    assert figures
    listed = {f.key: list(selectors.complaints_in(f.complaint_ids)) for f in figures}
    monkeypatch.setattr(selectors, "_IDS_AS_PARAMETERS", 1)
    for figure in figures:
        assert list(selectors.complaints_in(figure.complaint_ids)) == listed[figure.key]
        assert selectors.complaints_in(figure.complaint_ids).count() == len(figure.complaint_ids)
