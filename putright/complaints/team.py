"""The team view for complaints officers: caseload per handler, ageing of open complaints in
working days since receipt, and the monthly trend of complaints received and responded.

Each figure is one aggregate query (whatever the number of handlers or complaints); working
days come from the landlord's calendar (`complaints.calendar`, `rules.calendar`), read once and
turned into date boundaries so that SQL only compares dates.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from putright.complaints.calendar import landlord_history
from putright.complaints.models import Complaint, Stage
from putright.complaints.selectors import queue_handlers
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


def caseload(*, today: date, calendar: WorkingCalendar) -> list[Caseload]:
    """Every handler who may hold cases (with none too), then anyone else still holding open
    complaints, then the unassigned ones: open, due soon and overdue, in two queries."""
    soon = due_soon_before(today, calendar)
    rows = (
        Complaint.objects.open()
        .order_by()
        .values("handler_id")
        .annotate(
            n_open=Count("id"),
            n_due_soon=Count("id", filter=Q(next_due__gte=today, next_due__lt=soon)),
            n_overdue=Count("id", filter=Q(next_due__lt=today)),
        )
    )
    counts: dict[int | None, dict[str, Any]] = {r["handler_id"]: r for r in rows}
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


def ageing(*, today: date, calendar: WorkingCalendar) -> list[AgeBand]:
    """Open complaints by working days since they were received, in one query."""
    edges = ageing_boundaries(today, calendar)
    filters: list[tuple[str, Q]] = []
    low = 0
    newer: date | None = None
    for bound, edge in zip(AGEING_BANDS, edges, strict=True):
        q = Q(received_on__gte=edge)
        if newer is not None:
            q &= Q(received_on__lt=newer)
        filters.append((f"{low} to {bound} working days", q))
        low, newer = bound + 1, edge
    filters.append((f"Over {AGEING_BANDS[-1]} working days", Q(received_on__lt=newer)))
    totals = Complaint.objects.open().aggregate(
        **{f"band{i}": Count("id", filter=q) for i, (_, q) in enumerate(filters)}
    )
    return [AgeBand(label, totals[f"band{i}"]) for i, (label, _) in enumerate(filters)]


def _month_back(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 - n
    return date(index // 12, index % 12 + 1, 1)


def monthly_trend(*, today: date) -> list[MonthTrend]:
    """Complaints received, and stage responses sent, in each of the last 12 calendar months
    (this one included), in two queries."""
    this_month = today.replace(day=1)
    months = [_month_back(this_month, n) for n in range(TREND_MONTHS - 1, -1, -1)]
    since = months[0]

    def per_month(qs: Any, field: str) -> dict[date, int]:
        rows = (
            qs.filter(**{f"{field}__gte": since, f"{field}__lte": today})
            .order_by()
            .annotate(month=TruncMonth(field))
            .values("month")
            .annotate(n=Count("id"))
        )
        return {_as_date(r["month"]): r["n"] for r in rows}

    received = per_month(Complaint.objects.all(), "received_on")
    responded = per_month(Stage.objects.all(), "responded_on")
    return [MonthTrend(m, received.get(m, 0), responded.get(m, 0)) for m in months]


def _as_date(value: Any) -> date:
    # TruncMonth gives a date on a DateField; be lenient with a datetime.
    return value.date() if hasattr(value, "date") and callable(value.date) else value


@dataclass(frozen=True)
class TeamView:
    caseload: list[Caseload]
    ageing: list[AgeBand]
    trend: list[MonthTrend]


def team_view(*, today: date) -> TeamView:
    calendar = working_calendar(today)
    return TeamView(
        caseload=caseload(today=today, calendar=calendar),
        ageing=ageing(today=today, calendar=calendar),
        trend=monthly_trend(today=today),
    )
