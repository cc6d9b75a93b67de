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


# --- The year's heatmap ----------------------------------------------------------------------

# Minutes per level of the heatmap's cells: 0 is level 0, 1-30 level 1, ..., over 90 level 4.
HEAT_STEP_MINUTES = 30
HEAT_LEVELS = 4


def heat_level(minutes: int) -> int:
    return min(HEAT_LEVELS, (minutes + HEAT_STEP_MINUTES - 1) // HEAT_STEP_MINUTES)


@dataclass(frozen=True)
class HeatDay:
    day: date
    minutes: int
    level: int
    is_today: bool


@dataclass(frozen=True)
class Heatmap:
    """The calendar laid out as a table: a row per weekday (Monday first), a column per week,
    oldest on the left; cells outside the 365 days are None. `months` gives, per column, the
    first of the month that starts in it (None: no label), and `weekdays` a date of each row's
    weekday, for its label."""

    rows: list[list[HeatDay | None]]
    months: list[date | None]
    weekdays: list[date]
    today: HeatDay
    total_minutes: int
    active_days: int

    @property
    def table(self) -> list[tuple[date, list[HeatDay | None]]]:
        """(a date of the row's weekday, its cells) per row."""
        return list(zip(self.weekdays, self.rows, strict=True))


def heatmap(calendar: list[tuple[date, int]], today: date) -> Heatmap:
    """Lay `activity_calendar`'s days out by week; see Heatmap."""
    first = calendar[0][0]
    start = first - timedelta(days=first.weekday())  # the Monday of the first week
    weeks = (today - start).days // 7 + 1
    rows: list[list[HeatDay | None]] = [[None] * weeks for _ in range(7)]
    months: list[date | None] = [None] * weeks
    cells = []
    for day, minutes in calendar:
        cell = HeatDay(day, minutes, heat_level(minutes), day == today)
        cells.append(cell)
        column = (day - start).days // 7
        rows[day.weekday()][column] = cell
        if day.day == 1:
            months[column] = day
    # The first column is labelled with its month unless a month starts within two columns
    # (the labels would overlap).
    if months[0] is None and not any(months[1:3]):
        months[0] = first.replace(day=1)
    return Heatmap(
        rows=rows,
        months=months,
        weekdays=[start + timedelta(days=n) for n in range(7)],
        today=cells[-1],
        total_minutes=sum(minutes for _, minutes in calendar),
        active_days=sum(1 for _, minutes in calendar if minutes),
    )
