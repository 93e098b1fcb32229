"""When a scheduled job is due: its periods, in plain Python (the clock and time zone passed in).

A period is the window a job runs once in. Its start is the job's identity for that window: a
run is stored against (job name, period start), so a second tick in the same window finds the
row and does nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

_EPOCH = datetime(2000, 1, 3, tzinfo=UTC)  # a Monday at midnight UTC: where every-N periods align


@dataclass(frozen=True)
class Every:
    """Every N minutes, aligned to whole multiples of N since a fixed UTC instant."""

    minutes: int

    def __post_init__(self) -> None:
        if self.minutes < 1:
            raise ValueError("A job runs at most once a minute.")

    def period_start(self, now: datetime) -> datetime:
        step = timedelta(minutes=self.minutes)
        return _EPOCH + ((now - _EPOCH) // step) * step

    def next_start(self, now: datetime) -> datetime:
        return self.period_start(now) + timedelta(minutes=self.minutes)

    def describe(self) -> str:
        return "every minute" if self.minutes == 1 else f"every {self.minutes} minutes"


@dataclass(frozen=True)
class DailyAt:
    """Once a day at a local wall-clock time (UK time by default: the Code counts UK days)."""

    at: time
    zone: str = "Europe/London"

    def _at_on(self, day_start: datetime) -> datetime:
        # Built from the local date, so 07:00 stays 07:00 across the clock changes.
        return datetime.combine(day_start.date(), self.at, tzinfo=ZoneInfo(self.zone))

    def period_start(self, now: datetime) -> datetime:
        local = now.astimezone(ZoneInfo(self.zone))
        today_at = self._at_on(local)
        if today_at <= now:
            return today_at
        return self._at_on(local - timedelta(days=1))

    def next_start(self, now: datetime) -> datetime:
        local = self.period_start(now).astimezone(ZoneInfo(self.zone))
        return self._at_on(local + timedelta(days=1))

    def describe(self) -> str:
        return f"daily at {self.at:%H:%M} UK time"


Period = Every | DailyAt
