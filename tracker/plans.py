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
from datetime import date, timedelta
from fractions import Fraction
from math import ceil

from django.db.models import Count, Q, Sum

from careers.models import Role, RoleRequirement, SeniorityLevel
from paths.models import Step
from tracker import activity, planner, readiness
from tracker.models import Enrolment, LearnerProfile, ProgressEntry, User
from tracker.recompute import scaled_proficiency_by_user
from tracker.selectors import learner_routes, learner_today, profile_get, step_facts

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


@dataclass(frozen=True)
class PlanWeek:
    start: date  # the learner's local Monday
    minutes: int
    readiness: float  # at the end of the week
    items: list[PlanItem]


@dataclass(frozen=True)
class LearnerPlan:
    role: Role
    level: SeniorityLevel
    target: float
    readiness_now: float
    weekly_minutes: int
    pace: float  # the learner's real minutes over the estimates
    weeks: list[PlanWeek]
    reaches_target_on: date | None  # the end of the week it is reached; None: never
    target_date: date | None  # the earliest target date of the learner's active enrolments
    minutes_per_week_needed: int | None  # on average, to reach the target by then

    @property
    def on_track(self) -> bool | None:
        if self.target_date is None:
            return None
        return self.reaches_target_on is not None and self.reaches_target_on <= self.target_date

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
    if profile.target_role is None or profile.target_level is None:
        return None
    role, level = profile.target_role, profile.target_level
    weekly = weekly_minutes or profile.weekly_goal_minutes
    today = learner_today(profile)
    if minutes_this_week is None:
        minutes_this_week = _minutes_this_week(profile, today)
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
        weekly_minutes=max(weekly, 1),
        target=PLAN_TARGET,
        first_week_minutes=max(0, weekly - minutes_this_week),
    )
    monday = activity.week_start(today)
    weeks = _weeks(result, steps, enrolments, monday)
    target_date = _target_date(user)
    needed = None
    if target_date is not None and result.minutes_to_target is not None:
        days_left = max((target_date - today).days + 1, 1)  # today and the target day count
        needed = ceil(result.minutes_to_target * 7 / days_left)
    return LearnerPlan(
        role=role,
        level=level,
        target=float(PLAN_TARGET),
        readiness_now=float(result.start),
        weekly_minutes=weekly,
        pace=float(pace),
        weeks=weeks,
        reaches_target_on=None
        if result.target_week is None
        else monday + timedelta(weeks=result.target_week, days=6),
        target_date=target_date,
        minutes_per_week_needed=needed,
    )


def _weeks(
    result: planner.Plan,
    steps: list[planner.PlanStep],
    enrolments: dict[int, int | None],
    monday: date,
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
        weeks.append(PlanWeek(start, week.minutes, float(week.readiness), items))
    return weeks


def _minutes_this_week(profile: LearnerProfile, today: date) -> int:
    days = activity.minutes_by_day(user_id=profile.user_id, zone=profile.timezone)
    return activity.minutes_between(days, activity.week_start(today), today)


def _target_date(user: User) -> date | None:
    return (
        Enrolment.objects.filter(
            user=user, status=Enrolment.Status.ACTIVE, target_date__isnull=False
        )
        .order_by("target_date")
        .values_list("target_date", flat=True)
        .first()
    )
