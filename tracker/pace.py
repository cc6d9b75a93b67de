"""Projection: when an enrolment will finish at a given pace, and whether that is on time. Pure.

The pace itself (minutes a week, over which window) is measured in `tracker/activity.py`; this
module only projects it forward."""

from dataclasses import dataclass
from datetime import date, timedelta
from math import ceil


@dataclass(frozen=True)
class EnrolmentPace:
    remaining_minutes: int
    minutes_per_week: float
    projected_finish: date | None  # None: nothing left, or no recent activity to project from
    on_track: bool | None  # None: no target date, or nothing to project from

    @property
    def done(self) -> bool:
        return self.remaining_minutes == 0


def enrolment_pace(
    *, remaining_minutes: int, recent_minutes_per_week: float, target_date: date | None, today: date
) -> EnrolmentPace:
    """Project the finish date at the recent pace of this enrolment: the remaining minutes at
    `recent_minutes_per_week / 7` a day, rounded up to whole days after today."""
    if remaining_minutes <= 0:
        return EnrolmentPace(0, recent_minutes_per_week, today, True if target_date else None)
    if recent_minutes_per_week <= 0:
        return EnrolmentPace(remaining_minutes, 0.0, None, False if target_date else None)
    days = ceil(remaining_minutes / (recent_minutes_per_week / 7))
    finish = today + timedelta(days=days)
    on_track = None if target_date is None else finish <= target_date
    return EnrolmentPace(remaining_minutes, recent_minutes_per_week, finish, on_track)


def needed_minutes_per_week(*, remaining_minutes: int, target_date: date, today: date) -> float:
    """Minutes a week that would finish the remaining minutes by the target date (counted as at
    least one day away)."""
    days_left = max((target_date - today).days, 1)
    return remaining_minutes * 7 / days_left


# --- The weekly goal ring --------------------------------------------------------------------

RING_RADIUS = 42
RING_CIRCUMFERENCE = 263.89  # 2 * pi * RING_RADIUS, to the hundredth


@dataclass(frozen=True)
class WeeklyRing:
    """This week's minutes against the weekly goal, drawn as an SVG ring: the stroke's dash
    is the share of the goal reached (full at or past it)."""

    minutes: int
    goal: int

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.minutes / self.goal)) if self.goal > 0 else 0

    @property
    def left(self) -> int:
        return max(0, self.goal - self.minutes)

    @property
    def dash(self) -> str:
        filled = round(RING_CIRCUMFERENCE * self.percent / 100, 2)
        return f"{filled} {RING_CIRCUMFERENCE}"
