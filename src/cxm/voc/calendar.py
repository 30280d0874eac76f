"""Business-hours arithmetic for SLAs: working hours, weekends and public holidays.

Pure Python (no Django), so that the arithmetic is tested on its own. A due time is the
moment when the given number of working minutes has elapsed, counting only working hours
on working days, in the company's time zone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class BusinessCalendar:
    """Working hours ``start``-``end`` on ``workdays`` (Monday = 0), except ``holidays``."""

    start: time = time(9, 0)
    end: time = time(18, 0)
    workdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    holidays: frozenset[date] = field(default_factory=frozenset)
    tz: ZoneInfo = ZoneInfo("Asia/Seoul")

    def __post_init__(self) -> None:
        if not self.start < self.end:
            raise ValueError(f"working hours must start before they end, got {self.start}-{self.end}")

    @classmethod
    def with_holidays(cls, holidays: Iterable[date], **kwargs) -> "BusinessCalendar":
        return cls(holidays=frozenset(holidays), **kwargs)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.workdays and day not in self.holidays

    @property
    def minutes_per_day(self) -> int:
        return (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)

    def add_working_minutes(self, moment: datetime, minutes: int) -> datetime:
        """The aware datetime at which ``minutes`` working minutes after ``moment`` have passed.

        A case opened outside working hours starts counting at the next opening; the loop
        takes one step per working day, so even a month-long SLA is a few dozen steps.
        """
        if moment.tzinfo is None:
            raise ValueError("moment must be timezone-aware")
        if minutes < 0:
            raise ValueError(f"minutes must be non-negative, got {minutes}")
        local = moment.astimezone(self.tz)
        day, clock = local.date(), local.time().replace(tzinfo=None)
        if not self.is_working_day(day) or clock >= self.end:
            # Outside working days or after closing: the clock starts at the next opening.
            day, clock = self._next_working_day(day + timedelta(days=1)), self.start
        elif clock < self.start:
            clock = self.start
        remaining = minutes
        while True:  # one iteration per working day touched
            left_today = (self.end.hour * 60 + self.end.minute) - (clock.hour * 60 + clock.minute) - clock.second / 60
            if remaining <= left_today:
                start = datetime.combine(day, clock, self.tz)
                return (start + timedelta(minutes=remaining)).astimezone(moment.tzinfo)
            remaining -= left_today
            day, clock = self._next_working_day(day + timedelta(days=1)), self.start

    def working_minutes_between(self, a: datetime, b: datetime) -> float:
        """Working minutes from ``a`` to ``b`` (negative when ``b`` is before ``a``)."""
        if b < a:
            return -self.working_minutes_between(b, a)
        a_local, b_local = a.astimezone(self.tz), b.astimezone(self.tz)
        total = 0.0
        day = a_local.date()
        while day <= b_local.date():  # one iteration per calendar day in the interval
            if self.is_working_day(day):
                open_ = datetime.combine(day, self.start, self.tz)
                close = datetime.combine(day, self.end, self.tz)
                lo, hi = max(open_, a_local), min(close, b_local)
                if hi > lo:
                    total += (hi - lo).total_seconds() / 60
            day += timedelta(days=1)
        return total

    def _next_working_day(self, day: date) -> date:
        for _ in range(366):
            if self.is_working_day(day):
                return day
            day += timedelta(days=1)
        raise ValueError("no working day within a year: check the calendar's workdays and holidays")


#: Korean public holidays (관공서의 공휴일에 관한 규정), including substitute holidays and election
#: days, for the years the demo covers. Companies keep their own list in the Holiday table.
KOREAN_PUBLIC_HOLIDAYS: tuple[date, ...] = tuple(date.fromisoformat(d) for d in (
    # 2024
    "2024-01-01", "2024-02-09", "2024-02-10", "2024-02-11", "2024-02-12", "2024-03-01", "2024-04-10",
    "2024-05-05", "2024-05-06", "2024-05-15", "2024-06-06", "2024-08-15", "2024-09-16", "2024-09-17",
    "2024-09-18", "2024-10-01", "2024-10-03", "2024-10-09", "2024-12-25",
    # 2025
    "2025-01-01", "2025-01-27", "2025-01-28", "2025-01-29", "2025-01-30", "2025-03-01", "2025-03-03",
    "2025-05-05", "2025-05-06", "2025-06-03", "2025-06-06", "2025-08-15", "2025-10-03", "2025-10-05",
    "2025-10-06", "2025-10-07", "2025-10-08", "2025-10-09", "2025-12-25",
    # 2026
    "2026-01-01", "2026-02-16", "2026-02-17", "2026-02-18", "2026-03-01", "2026-03-02", "2026-05-05",
    "2026-05-24", "2026-05-25", "2026-06-03", "2026-06-06", "2026-08-15", "2026-08-17", "2026-09-24",
    "2026-09-25", "2026-09-26", "2026-10-03", "2026-10-05", "2026-10-09", "2026-12-25",
))
