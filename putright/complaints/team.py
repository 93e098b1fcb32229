"""The team view for complaints officers: caseload per handler, ageing of open complaints in
working days since receipt, and the monthly trend of complaints received and responded.

Each figure is one aggregate query (whatever the number of handlers or complaints) over the
tallies the database keeps as rows are written (`models.tally`, `complaints.tallies`), and
Python adds up the rows: the caseload from the dashboard's open tally (`selectors.open_tally`),
the ageing from open complaints by day received, the trend from complaints by day received
(`received_by_day`) and stages by day responded (`selectors.stage_days`, shared with the
dashboard's timeliness); `complaints/tests/reference.py` counts the rows instead, what the
tallies must equal, by passing its own counts in. Working
days come from the landlord's calendar (`complaints.calendar`, `rules.calendar`), read once
and turned into date boundaries so that SQL only compares dates.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Sum

from putright.complaints.calendar import landlord_history
from putright.complaints.models import ComplaintDayTally
from putright.complaints.models.complaint import OPEN_STATUSES
from putright.complaints.selectors import (
    OpenTally,
    StageDays,
    open_tally,
    queue_handlers,
    stage_days,
)
from putright.core.profile import current_profile
from putright.rules.calendar import WorkingCalendar, add_working_days, working_days_between

# Upper bounds (inclusive) of the ageing bands in working days; the last band is "over" the last.
AGEING_BANDS = (5, 10, 20, 40)
TREND_MONTHS = 12


@dataclass(frozen=True)
class Caseload:
    handler_id: int | None
    name: str
    open: int
    due_soon: int
    overdue: int


@dataclass(frozen=True)
class AgeBand:
    label: str
    count: int


@dataclass(frozen=True)
class MonthTrend:
    month: date
    received: int
    responded: int


def working_calendar(on: date) -> WorkingCalendar:
    """The calendar as it stood on `on` (one query for the landlord's closures)."""
    return landlord_history().as_of(on)


def due_soon_before(on: date, calendar: WorkingCalendar) -> date:
    """The first day that is no longer "due soon": a deadline d with on <= d < this day has at
    most the profile's due-soon working days left (the same test as `rules.clocks`)."""
    return add_working_days(on, current_profile().due_soon_working_days + 1, calendar=calendar)


def caseload(
    *,
    today: date,
    calendar: WorkingCalendar,
    tally: OpenTally | None = None,
) -> list[Caseload]:
    """Every handler who may hold cases (with none too), then anyone else still holding open
    complaints, then the unassigned ones: open, due soon and overdue, in two queries."""
    soon = due_soon_before(today, calendar)
    counts: dict[int | None, dict[str, Any]] = {}
    for _status, handler_id, next_due, n in open_tally() if tally is None else tally:
        r = counts.setdefault(handler_id, {"n_open": 0, "n_due_soon": 0, "n_overdue": 0})
        r["n_open"] += n
        if next_due is not None and today <= next_due < soon:
            r["n_due_soon"] += n
        if next_due is not None and next_due < today:
            r["n_overdue"] += n
    people = {u.pk: u for u in queue_handlers()}
    missing = [pk for pk in counts if pk is not None and pk not in people]
    if missing:  # an inactive or re-roled member of staff still holding cases
        from putright.accounts.models import User

        people.update({u.pk: u for u in User.objects.filter(pk__in=missing)})

    def line(pk: int | None, name: str) -> Caseload:
        r = counts.get(pk, {})
        return Caseload(
            handler_id=pk,
            name=name,
            open=r.get("n_open", 0),
            due_soon=r.get("n_due_soon", 0),
            overdue=r.get("n_overdue", 0),
        )

    lines = [line(pk, str(user)) for pk, user in people.items()]
    if None in counts:
        lines.append(line(None, "Unassigned"))
    return lines


def ageing_boundaries(today: date, calendar: WorkingCalendar) -> list[date]:
    """For each band's upper bound N, the earliest day of receipt that is at most N working
    days before `today` (counted as `rules.calendar.working_days_between`)."""
    found = []
    day = today
    for bound in AGEING_BANDS:
        # Step back while the day before is still within the band; at most a few weeks.
        while (
            working_days_between(date.fromordinal(day.toordinal() - 1), today, calendar=calendar)
            <= bound
        ):
            day = date.fromordinal(day.toordinal() - 1)
        found.append(day)
    return found


# Complaints by the day they were received, with how many: [(day, n)].
ByDay = list[tuple[date, int]]


def received_window(since: date | None, until: date | None) -> dict[str, date]:
    window = {}
    if since is not None:
        window["received_on__gte"] = since
    if until is not None:
        window["received_on__lte"] = until
    return window


def received_by_day(
    *, open_only: bool = False, since: date | None = None, until: date | None = None
) -> ByDay:
    """Complaints (all, or open ones only) by the day they were received: from the tally the
    database keeps as complaints change (``models.tally``)."""
    tally = ComplaintDayTally.objects.filter(**received_window(since, until))
    if open_only:
        tally = tally.filter(status__in=OPEN_STATUSES)
    return list(
        tally.order_by().values_list("received_on").annotate(total=Sum("n")).filter(total__gt=0)
    )


def ageing(*, today: date, calendar: WorkingCalendar, by_day: ByDay | None = None) -> list[AgeBand]:
    """Open complaints by working days since they were received (by day received, from the
    tally unless `by_day` (open complaints by day received) is passed in; the bands are added
    up here)."""
    edges = ageing_boundaries(today, calendar)
    labels = []
    low = 0
    for bound in AGEING_BANDS:
        labels.append(f"{low} to {bound} working days")
        low = bound + 1
    labels.append(f"Over {AGEING_BANDS[-1]} working days")
    if by_day is None:
        by_day = received_by_day(open_only=True)
    totals = [0] * len(labels)
    lows = [*edges, None]  # band i holds days on or after lows[i] (the last: before the last edge)
    for received_on, n in by_day:
        for i, low in enumerate(lows):
            if low is None or received_on >= low:
                totals[i] += n
                break
    return [AgeBand(label, total) for label, total in zip(labels, totals, strict=True)]


def _month_back(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 - n
    return date(index // 12, index % 12 + 1, 1)


def trend_since(today: date) -> date:
    """The first day of the earliest month the trend shows."""
    return _month_back(today.replace(day=1), TREND_MONTHS - 1)


def monthly_trend(
    *, today: date, responses: StageDays | None = None, received_days: ByDay | None = None
) -> list[MonthTrend]:
    """Complaints received, and stage responses sent, in each of the last 12 calendar months
    (this one included), in two queries (`responses` may be passed in, read once for the page
    from no later than `trend_since`; `received_days`, complaints by day received over those
    months, too)."""
    since = trend_since(today)
    months = [_month_back(since, -n) for n in range(TREND_MONTHS)]
    received: dict[date, int] = {}
    if received_days is None:
        received_days = received_by_day(since=since, until=today)
    for day, n in received_days:
        received[day.replace(day=1)] = received.get(day.replace(day=1), 0) + n
    if responses is None or responses.since > since:
        responses = stage_days("responded_on", "response_due", since=since, until=today)
    responded: dict[date, int] = {}
    for (_number, day), (done, _on_time) in responses.days.items():
        if since <= day <= today:
            responded[day.replace(day=1)] = responded.get(day.replace(day=1), 0) + done
    return [MonthTrend(m, received.get(m, 0), responded.get(m, 0)) for m in months]


@dataclass(frozen=True)
class TeamView:
    caseload: list[Caseload]
    ageing: list[AgeBand]
    trend: list[MonthTrend]


def team_view(
    *,
    today: date,
    tally: OpenTally | None = None,
    responses: StageDays | None = None,
    open_by_day: ByDay | None = None,
    received_days: ByDay | None = None,
) -> TeamView:
    """Each count not passed in is read from the tallies (`tests/reference.py` passes in its
    own, counted from the rows)."""
    calendar = working_calendar(today)
    return TeamView(
        caseload=caseload(today=today, calendar=calendar, tally=tally),
        ageing=ageing(today=today, calendar=calendar, by_day=open_by_day),
        trend=monthly_trend(today=today, responses=responses, received_days=received_days),
    )
