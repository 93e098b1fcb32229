"""The dashboard's and the team view's figures counted from the complaints and stages
themselves: the reference the tallies must equal (issue 19). Used by tests and benches only,
never by a page: the pages read the tallies (``selectors.open_tally``, ``selectors.stage_days``,
``team.received_by_day``), and these functions pass their own counts into the same code that
adds the figures up (``selectors.dashboard_figures``, ``team.team_view``), so the only thing
compared is where the counts come from.
"""

from datetime import date

from django.db.models import Count, F, Q

from putright.complaints.models import Complaint, Stage
from putright.complaints.selectors import (
    DashboardFigures,
    OpenTally,
    StageDays,
    dashboard_figures,
    reporting_year_start,
)
from putright.complaints.team import ByDay, TeamView, received_window, team_view, trend_since


def open_tally() -> OpenTally:
    """As ``selectors.open_tally``: open complaints by status, handler and next deadline."""
    return list(
        Complaint.objects.open()
        .order_by()
        .values_list("status", "handler_id", "next_due")
        .annotate(n=Count("*"))
    )


def stage_days(done_field: str, due_field: str, *, since: date, until: date) -> StageDays:
    """As ``selectors.stage_days``: stages done each day by number, and how many on time."""
    rows = (
        Stage.objects.filter(**{f"{done_field}__gte": since, f"{done_field}__lte": until})
        .order_by()
        .values_list("number", done_field)
        .annotate(
            done=Count("*"),
            on_time=Count("id", filter=Q(**{f"{done_field}__lte": F(due_field)})),
        )
    )
    return StageDays(since=since, days={(n, d): (done, ok) for n, d, done, ok in rows})


def received_by_day(
    *, open_only: bool = False, since: date | None = None, until: date | None = None
) -> ByDay:
    """As ``team.received_by_day``: complaints (all, or open ones) by day received."""
    complaints = Complaint.objects.open() if open_only else Complaint.objects.all()
    return list(
        complaints.filter(**received_window(since, until))
        .order_by()
        .values_list("received_on")
        .annotate(total=Count("*"))
    )


def dashboard_figures_counted(*, today: date, week_end: date) -> DashboardFigures:
    year_start = reporting_year_start(today)
    return dashboard_figures(
        today=today,
        week_end=week_end,
        tally=open_tally(),
        acks=stage_days("acknowledged_on", "ack_due", since=year_start, until=today),
        responses=stage_days("responded_on", "response_due", since=year_start, until=today),
    )


def team_view_counted(*, today: date) -> TeamView:
    since = trend_since(today)
    return team_view(
        today=today,
        tally=open_tally(),
        responses=stage_days("responded_on", "response_due", since=since, until=today),
        open_by_day=received_by_day(open_only=True),
        received_days=received_by_day(since=since, until=today),
    )
