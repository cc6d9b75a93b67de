"""Pace: how fast a learner is going, and whether each enrolment will finish on time. Pure."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from math import ceil

PACE_WINDOW_WEEKS = 4


def window_start(today: date) -> date:
    """First day of the pace window (the last four weeks, today included)."""
    return today - timedelta(days=7 * PACE_WINDOW_WEEKS - 1)


def minutes_per_week(minutes_by_day: Mapping[date, int], today: date) -> float:
    """Average minutes per week over the last four weeks, today included."""
    start = window_start(today)
    total = sum(m for day, m in minutes_by_day.items() if start <= day <= today)
    return total / PACE_WINDOW_WEEKS


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
    """Project the finish date at the recent pace of this enrolment."""
    if remaining_minutes <= 0:
        return EnrolmentPace(0, recent_minutes_per_week, today, True if target_date else None)
    if recent_minutes_per_week <= 0:
        return EnrolmentPace(remaining_minutes, 0.0, None, False if target_date else None)
    days = ceil(remaining_minutes / (recent_minutes_per_week / 7))
    finish = today + timedelta(days=days)
    on_track = None if target_date is None else finish <= target_date
    return EnrolmentPace(remaining_minutes, recent_minutes_per_week, finish, on_track)
