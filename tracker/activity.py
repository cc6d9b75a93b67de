"""Activity: minutes per local day and pace, the one home of both rules.

Read by the dashboard (web and API, through `tracker/selectors.py`) and by the reminders
(`tracker/reminders.py`: the behind-pace and weekly-digest emails), so the same enrolment at the
same moment shows the same figures everywhere. The first part is pure; the queries that feed it
are at the end.

Local day
    An entry counts on the learner's local date of its `occurred_at`, in the time zone of their
    profile: `local_day(occurred_at, zone)`, which is what SQL's
    `TruncDate(occurred_at, tzinfo=zone)` gives too.

The pace window
    Pace is measured over the last WINDOW_DAYS (28) local days, today included: from
    `today - 27 days` to `today`. When what is measured is younger than that, the window starts
    on its first day instead: for an enrolment, the local date it was enrolled on; for the
    learner's own weekly figure, the local date they joined. Entries can be back-dated (up to a
    year), so when minutes were logged on a day before that start, the window starts on the first
    such day (still never more than 28 days back). The window always holds at least one day,
    today; days after today are never counted.

Minutes per week
    `minutes logged in the window / days in the window * 7`.

Examples, with today = 28 June:
    - an enrolment of last year: 60 minutes on 1 June (27 days back) and 60 today, 1000 on
      31 May (outside): 120 / 28 * 7 = 30 a week;
    - enrolled today, 60 minutes today: 60 / 1 * 7 = 420 a week (not 60 / 4 = 15);
    - enrolled on 25 June, 60 minutes: the window is 25-28 June, 60 / 4 * 7 = 105 a week;
    - enrolled today with 30 minutes back-dated to 26 June and 30 today: the window is
      26-28 June, 60 / 3 * 7 = 140 a week.

Projection (`tracker/pace.py`, pure): the remaining minutes of the enrolment's steps at that pace
give the projected finish date, compared with the target date.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Sum
from django.db.models.functions import TruncDate

from paths.models import Step
from tracker import pace
from tracker.models import Enrolment, ProgressEntry

WINDOW_DAYS = 28


# --- Pure -------------------------------------------------------------------------------------


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    """The learner's local date of a moment."""
    return moment.astimezone(zone).date()


@dataclass(frozen=True)
class Window:
    """The local days pace is measured over, both ends included."""

    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first <= day <= self.last


def pace_window(minutes_by_day: Mapping[date, int], *, today: date, started: date | None) -> Window:
    """The window for what started on `started` (None: long ago); see the module docstring."""
    first = today - timedelta(days=WINDOW_DAYS - 1)
    if started is not None:
        logged = [day for day, minutes in minutes_by_day.items() if minutes and day <= today]
        start = min([started, *logged])
        first = min(max(first, start), today)
    return Window(first, today)


def minutes_per_week(
    minutes_by_day: Mapping[date, int], *, today: date, started: date | None
) -> float:
    """Minutes a week over the pace window; see the module docstring."""
    window = pace_window(minutes_by_day, today=today, started=started)
    total = sum(minutes for day, minutes in minutes_by_day.items() if day in window)
    return total / window.days * 7


def week_start(day: date) -> date:
    """The Monday of the day's week: weeks run Monday to Sunday, in the learner's own days."""
    return day - timedelta(days=day.weekday())


def minutes_between(minutes_by_day: Mapping[date, int], first: date, last: date) -> int:
    """Minutes logged from the local day `first` to `last`, both included."""
    return sum(minutes for day, minutes in minutes_by_day.items() if first <= day <= last)


def bucket_by_local_day(
    rows: Iterable[tuple[int, datetime, int]], zones: Mapping[int, ZoneInfo]
) -> dict[int, dict[date, int]]:
    """(key, occurred_at, minutes) rows -> minutes per local day per key, each key's days in
    the time zone `zones[key]`."""
    result: dict[int, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for key, at, minutes in rows:
        result[key][local_day(at, zones[key])] += minutes
    return {key: dict(days) for key, days in result.items()}


@dataclass(frozen=True)
class LearnerClock:
    """A learner's time zone and local date at one moment."""

    zone: ZoneInfo
    today: date

    @classmethod
    def at(cls, now: datetime, zone: str | ZoneInfo) -> "LearnerClock":
        zone = zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)
        return cls(zone, local_day(now, zone))


@dataclass(frozen=True)
class EnrolmentFigures:
    steps_total: int
    steps_done: int
    window: Window
    pace: pace.EnrolmentPace


def enrolment_figures_from(
    *,
    enrolment: Enrolment,
    clock: LearnerClock,
    step_minutes: Mapping[int, int],
    completed: set[int],
    minutes_by_day: Mapping[date, int],
) -> EnrolmentFigures:
    """Steps done, remaining minutes, pace and projected finish of one enrolment, from its path's
    steps (id -> estimated minutes), the steps it completed and its minutes per local day."""
    finished = completed & step_minutes.keys()
    remaining = sum(m for step_id, m in step_minutes.items() if step_id not in finished)
    started = local_day(enrolment.enrolled_at, clock.zone)
    window = pace_window(minutes_by_day, today=clock.today, started=started)
    return EnrolmentFigures(
        steps_total=len(step_minutes),
        steps_done=len(finished),
        window=window,
        pace=pace.enrolment_pace(
            remaining_minutes=remaining,
            recent_minutes_per_week=minutes_per_week(
                minutes_by_day, today=clock.today, started=started
            ),
            target_date=enrolment.target_date,
            today=clock.today,
        ),
    )


# --- Queries ----------------------------------------------------------------------------------


def minutes_by_day(*, user_id: int, zone: str, since: date | None = None) -> dict[date, int]:
    """One learner's minutes per local day from the local day `since` (None: over all their
    history), summed in the database."""
    tz = ZoneInfo(zone)
    entries = ProgressEntry.objects.filter(user_id=user_id)
    if since is not None:  # from the learner's local midnight, through (user, occurred_at)
        entries = entries.filter(occurred_at__gte=datetime.combine(since, time.min, tzinfo=tz))
    rows = (
        entries.annotate(day=TruncDate("occurred_at", tzinfo=tz))
        .values_list("day")
        .annotate(total=Sum("minutes"))
        .order_by()
    )
    return dict(rows)


def _since(todays: Iterable[date], days: int) -> datetime:
    """A UTC moment before the first of the last `days` local days (today included) of every
    learner, whatever their time zone (local midnight is at most 14 hours before UTC's)."""
    return datetime.combine(min(todays) - timedelta(days=days), time.min, tzinfo=UTC)


def minutes_by_day_for(
    *, clocks: Mapping[int, LearnerClock], days: int
) -> dict[int, dict[date, int]]:
    """Minutes per local day of many learners (user id -> their clock), over at least their
    last `days` local days, in one query."""
    if not clocks:
        return {}
    rows = ProgressEntry.objects.filter(
        user_id__in=list(clocks), occurred_at__gte=_since((c.today for c in clocks.values()), days)
    ).values_list("user_id", "occurred_at", "minutes")
    by_user = bucket_by_local_day(rows, {user_id: c.zone for user_id, c in clocks.items()})
    return {user_id: by_user.get(user_id, {}) for user_id in clocks}


def enrolment_figures(
    *, enrolments: Sequence[Enrolment], clocks: Mapping[int, LearnerClock]
) -> dict[int, EnrolmentFigures]:
    """Figures per enrolment id, each on its learner's clock (user id -> clock), in three
    queries whatever the number of enrolments and learners."""
    if not enrolments:
        return {}
    steps: dict[int, dict[int, int]] = defaultdict(dict)
    for step_id, path_id, minutes in Step.objects.filter(
        path_id__in={e.path_id for e in enrolments}
    ).values_list("pk", "path_id", "estimated_minutes"):
        steps[path_id][step_id] = minutes
    ids = [e.pk for e in enrolments]
    completed: dict[int, set[int]] = defaultdict(set)
    for enrolment_id, step_id in ProgressEntry.objects.filter(
        enrolment_id__in=ids, status=ProgressEntry.Status.COMPLETED
    ).values_list("enrolment_id", "step_id"):
        completed[enrolment_id].add(step_id)
    rows = ProgressEntry.objects.filter(
        user_id__in={e.user_id for e in enrolments},
        enrolment_id__in=ids,
        occurred_at__gte=_since((clocks[e.user_id].today for e in enrolments), WINDOW_DAYS),
    ).values_list("enrolment_id", "occurred_at", "minutes")
    recent = bucket_by_local_day(rows, {e.pk: clocks[e.user_id].zone for e in enrolments})
    return {
        e.pk: enrolment_figures_from(
            enrolment=e,
            clock=clocks[e.user_id],
            step_minutes=steps[e.path_id],
            completed=completed[e.pk],
            minutes_by_day=recent.get(e.pk, {}),
        )
        for e in enrolments
    }
