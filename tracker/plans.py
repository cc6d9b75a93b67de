"""The learner's plan to their target role and level: the planner's inputs read from the
database (tracker/planner.py plans), and its weeks as dates, steps and paths.

What the plan is for: PLAN_TARGET readiness for the learner's target. The candidate steps are
those next best steps draw from (tracker/selectors.py `learner_routes`): the unfinished steps of
active enrolments and of the published paths at or below the target's level the learner could
enrol on; a step completed before still takes its time but shows nothing new. Estimates are
corrected by the learner's own pace (planner.pace_factor), a started step plans what is left of
it, and the first week has what is left of this week's goal. The plan is computed on every
read, so it follows what happened: a logged step moves it on, a week gone by without progress
shifts it."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from fractions import Fraction
from math import ceil
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, Sum
from django.utils import timezone

from careers.models import Role, RoleRequirement, SeniorityLevel
from paths.models import Step
from tracker import activity, planner, readiness
from tracker.models import MINUTES_PER_DAY, Enrolment, LearnerProfile, ProgressEntry, User
from tracker.recompute import scaled_proficiency_by_user
from tracker.selectors import learner_routes, profile_get, step_facts

PLAN_TARGET = Fraction(80)
"""The readiness a plan aims at (Pathwise's own choice): completed steps count 4/5 of what they
prove until verified, so 80 is what steps alone can reach; skill checks take it further."""


STARTED_STEP_LEFT = Fraction(1, 4)
"""A started step plans its estimate less the minutes logged on it, at least this share of it."""


@dataclass(frozen=True)
class PlanItem:
    step: Step
    enrolment_id: int | None  # None: enrol on the step's path first
    minutes: int  # of this step in this week
    finishes: bool  # the step is finished this week


MIN_SITTING_MINUTES = 30
"""A day's study sitting is at least this long, so a small weekly goal gives a few real
sessions rather than a sliver every day."""
MAX_SITTING_MINUTES = 8 * 60
"""And at most this long: minutes of a week beyond 8 hours a day are not laid out in days."""


@dataclass(frozen=True)
class StudyBlock:
    starts: datetime  # local, aware
    minutes: int
    item: PlanItem


@dataclass(frozen=True)
class PlanWeek:
    start: date  # the learner's local Monday
    minutes: int
    readiness: float  # at the end of the week
    items: list[PlanItem]
    blocks: list[StudyBlock]  # the items as daily sittings at the learner's preferred hour


@dataclass(frozen=True)
class LearnerPlan:
    role: Role
    level: SeniorityLevel
    target: float
    readiness_now: float
    weekly_minutes: int
    pace: float  # the learner's real minutes over the estimates
    weeks: list[PlanWeek]
    reaches_target_on: date | None  # the day of the last sitting that reaches it; None: never
    target_date: date | None  # the earliest target date of the learner's active enrolments
    minutes_per_week_needed: int | None  # on average, to reach it by then (None: date passed)
    today: date
    paused: list[Enrolment]  # their paths' steps are planned once resumed

    @property
    def on_track(self) -> bool | None:
        if self.target_date is None:
            return None
        if self.readiness_now >= self.target:
            return True
        return self.reaches_target_on is not None and self.reaches_target_on <= self.target_date

    @property
    def target_date_passed(self) -> bool:
        return self.target_date is not None and self.target_date < self.today

    @property
    def this_week(self) -> PlanWeek | None:
        return self.weeks[0] if self.weeks else None


def _history(user_id: int) -> tuple[Fraction, dict[tuple[int, int], int]]:
    """The learner's pace (real minutes over the estimates, across the steps they completed)
    and the minutes logged on each step not yet completed, by (enrolment, step)."""
    done, logged = [], {}
    for enrolment_id, step_id, estimated, total, completed in (
        ProgressEntry.objects.filter(user_id=user_id)
        .values("enrolment_id", "step_id", "step__estimated_minutes")
        .annotate(
            total=Sum("minutes"),
            completed=Count("pk", filter=Q(status=ProgressEntry.Status.COMPLETED)),
        )
        .values_list("enrolment_id", "step_id", "step__estimated_minutes", "total", "completed")
        .order_by()
    ):
        if completed:
            done.append((estimated, total))
        else:
            logged[enrolment_id, step_id] = total
    return planner.pace_factor(done), logged


def _minutes_left(estimate: int, logged: int) -> int:
    """What is left of a started step: its estimate less the minutes logged on it, but at
    least STARTED_STEP_LEFT of it (a step that overran is not nearly done)."""
    return max(estimate - logged, ceil(estimate * STARTED_STEP_LEFT)) if logged else estimate


def _candidates(
    user_id: int, level_rank: int, pace: Fraction, logged: dict[tuple[int, int], int]
) -> tuple[list[planner.PlanStep], dict[int, int | None]]:
    """The steps the learner could still do, for the planner, and each one's enrolment."""
    routes, shown = learner_routes(user_id, level_rank)
    by_path = {route.path_id: route for route in routes}
    steps, enrolments = [], {}
    for facts in step_facts(set(by_path)):
        route = by_path[facts.path_id]
        if facts.step_id in route.done:
            continue
        proven = {} if facts.step_id in shown else facts.skill_levels
        steps.append(
            planner.PlanStep(
                facts.step_id,
                _minutes_left(
                    ceil(facts.minutes * pace),
                    logged.get((route.enrolment_id, facts.step_id), 0) if route.enrolment_id else 0,
                ),
                {s: readiness.proven_level(facts.kind, lvl) for s, lvl in proven.items()},
                tuple(p for p in facts.prerequisites if p not in route.done),
            )
        )
        enrolments[facts.step_id] = route.enrolment_id
    return steps, enrolments


def plan_get(
    *, user: User, weekly_minutes: int | None = None, minutes_this_week: int | None = None
) -> LearnerPlan | None:
    """The plan to PLAN_TARGET for the learner's target (None without a target); at their
    weekly goal, or at `weekly_minutes` (what if). `minutes_this_week`, if the caller has it
    (the dashboard), saves reading the learner's activity again."""
    profile = profile_get(user=user)
    weekly = weekly_minutes or profile.weekly_goal_minutes
    if profile.target_role is None or profile.target_level is None or not weekly:
        return None
    role, level = profile.target_role, profile.target_level
    zone = ZoneInfo(profile.timezone)
    now = timezone.now().astimezone(zone)
    today, monday = now.date(), activity.week_start(now.date())
    # Today's sitting is still ahead before the preferred hour; after it, tomorrow's is first.
    first_day = today if now.hour < profile.preferred_hour else today + timedelta(days=1)
    if minutes_this_week is None:
        minutes_this_week = _minutes_this_week(profile, today)
    left_this_week = weekly - minutes_this_week if first_day <= monday + timedelta(days=6) else 0
    pace, logged = _history(user.pk)
    steps, enrolments = _candidates(user.pk, level.rank, pace, logged)
    result = planner.plan(
        requirements=[
            readiness.Requirement(skill_id, target, weight)
            for skill_id, target, weight in RoleRequirement.objects.filter(
                role=role, level=level
            ).values_list("skill_id", "target_level", "weight")
        ],
        levels=scaled_proficiency_by_user([user.pk])[user.pk],
        steps=steps,
        weekly_minutes=weekly,
        target=PLAN_TARGET,
        first_week_minutes=max(0, left_this_week),
    )
    sittings = Sittings(first_day, profile.preferred_hour, zone)
    weeks = _weeks(result, steps, enrolments, monday, sittings)
    target_date, paused = _open_enrolments(user)
    needed = None
    if target_date is not None and target_date >= today and result.minutes_to_target is not None:
        days_left = (target_date - today).days + 1  # today and the target day count
        needed = ceil(result.minutes_to_target * 7 / days_left)
    return LearnerPlan(
        role=role,
        level=level,
        target=float(PLAN_TARGET),
        readiness_now=float(result.start),
        weekly_minutes=weekly,
        pace=float(pace),
        weeks=weeks,
        reaches_target_on=_reaches_on(result, weeks, today),
        target_date=target_date,
        minutes_per_week_needed=needed,
        today=today,
        paused=paused,
    )


def _reaches_on(result: planner.Plan, weeks: list[PlanWeek], today: date) -> date | None:
    """The day of the last sitting of the step that reaches the target (today if it is
    reached already; the week's Sunday if that week has more than its days hold)."""
    if result.start >= result.target:
        return today
    if result.target_week is None:
        return None
    week = weeks[result.target_week]
    days = [b.starts.date() for b in week.blocks if b.item.step.pk == result.target_step]
    return max(days) if days else week.start + timedelta(days=6)


@dataclass(frozen=True)
class Sittings:
    """Where a week's minutes go: days from `first_day`, from `hour`, in `zone`."""

    first_day: date
    hour: int
    zone: ZoneInfo

    def blocks(self, week_start: date, minutes: int, items: list[PlanItem]) -> list[StudyBlock]:
        """One sitting a day (MIN_SITTING_MINUTES to MAX_SITTING_MINUTES, the week's minutes
        shared over its days), earlier than the hour if it would run past midnight; the items
        in the plan's order, a step longer than what is left of a day's sitting going on into
        the next day's."""
        days = [week_start + timedelta(days=n) for n in range(7)]
        days = [d for d in days if d >= self.first_day]
        if not days:
            return []
        sitting = min(MAX_SITTING_MINUTES, max(MIN_SITTING_MINUTES, ceil(minutes / len(days))))
        sits_at = time(*divmod(min(self.hour * 60, MINUTES_PER_DAY - sitting), 60))
        blocks: list[StudyBlock] = []
        day, used = 0, 0
        for item in items:
            left = item.minutes
            while left > 0:
                if used == sitting:
                    day, used = day + 1, 0
                if day == len(days):  # more than the week's days hold
                    return blocks
                take = min(left, sitting - used)
                starts = datetime.combine(days[day], sits_at, self.zone) + timedelta(minutes=used)
                blocks.append(StudyBlock(starts, take, item))
                used, left = used + take, left - take
        return blocks


def _weeks(
    result: planner.Plan,
    steps: list[planner.PlanStep],
    enrolments: dict[int, int | None],
    monday: date,
    sittings: Sittings,
) -> list[PlanWeek]:
    """The planner's weeks with their steps (each step's minutes per week, from the order)."""
    by_id = {step.step_id: step for step in steps}
    rows = Step.objects.select_related("path").in_bulk(result.order)
    left = {step_id: by_id[step_id].minutes for step_id in result.order}
    weeks = []
    for week in result.weeks:
        items, room = [], week.minutes
        for step_id in week.step_ids:
            minutes = min(left[step_id], room)
            left[step_id] -= minutes
            room -= minutes
            items.append(PlanItem(rows[step_id], enrolments[step_id], minutes, left[step_id] == 0))
        start = monday + timedelta(weeks=week.index)
        blocks = sittings.blocks(start, week.minutes, items)
        weeks.append(PlanWeek(start, week.minutes, float(week.readiness), items, blocks))
    return weeks


def _minutes_this_week(profile: LearnerProfile, today: date) -> int:
    """Minutes logged this local week, reading this week's entries only."""
    monday = activity.week_start(today)
    days = activity.minutes_by_day(user_id=profile.user_id, zone=profile.timezone, since=monday)
    return activity.minutes_between(days, monday, today)


def _open_enrolments(user: User) -> tuple[date | None, list[Enrolment]]:
    """The earliest target date of the active enrolments, and the paused ones (their steps
    are not planned until they are resumed)."""
    enrolments = list(
        Enrolment.objects.filter(user=user, status__in=Enrolment.OPEN_STATUSES)
        .select_related("path")
        .order_by("enrolled_at", "pk")
    )
    dates = [
        e.target_date
        for e in enrolments
        if e.status == Enrolment.Status.ACTIVE and e.target_date is not None
    ]
    paused = [e for e in enrolments if e.status == Enrolment.Status.PAUSED]
    return min(dates, default=None), paused
