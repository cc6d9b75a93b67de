"""Streaks and the activity calendar, on the learner's own local dates. Pure.

A day is active when the learner logged at least one progress entry that day (local time).
The current streak still counts on a day the learner has not logged yet: it is the run that ends
today, or yesterday if today has no activity so far.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

CALENDAR_DAYS = 365


@dataclass(frozen=True)
class Streaks:
    current: int
    longest: int
    # The current streak ends yesterday: logging today keeps it, tomorrow it is gone.
    at_risk: bool = False


def streaks(active_days: Iterable[date], today: date) -> Streaks:
    days = sorted({day for day in active_days if day <= today})
    longest = run = 0
    previous: date | None = None
    for day in days:
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    ends_recently = previous is not None and today - previous <= timedelta(days=1)
    current = run if ends_recently else 0
    return Streaks(current=current, longest=longest, at_risk=current > 0 and previous != today)


def activity_calendar(minutes_by_day: Mapping[date, int], today: date) -> list[tuple[date, int]]:
    """(day, minutes) for each of the last 365 days, oldest first, zeros included."""
    first = today - timedelta(days=CALENDAR_DAYS - 1)
    return [
        (first + timedelta(days=n), minutes_by_day.get(first + timedelta(days=n), 0))
        for n in range(CALENDAR_DAYS)
    ]
