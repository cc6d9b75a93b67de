"""Every non-trivial read of a learner's data, with what it needs loaded in a fixed number of
queries. The web dashboard and the API both read through here."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from careers.models import Role, SeniorityLevel
from careers.recommend import BackgroundRule, Recommendation, RoleOption, recommend
from paths.models import LearningPath, Step, StepSkill
from tracker import pace, readiness, streaks
from tracker.models import (
    Enrolment,
    LearnerProfile,
    ProgressEntry,
    ReadinessScore,
    ReadinessSnapshot,
    User,
)

NEXT_STEPS_LIMIT = 5


def profile_get(*, user: User) -> LearnerProfile:
    return LearnerProfile.objects.select_related(
        "background__recommended_role", "target_role", "target_level"
    ).get(user=user)


def learner_today(profile: LearnerProfile) -> date:
    return timezone.now().astimezone(ZoneInfo(profile.timezone)).date()


def minutes_by_day(*, user: User, zone: str) -> dict[date, int]:
    """Minutes logged per local day (the learner's time zone), over all their history."""
    rows = (
        ProgressEntry.objects.filter(user=user)
        .annotate(day=TruncDate("occurred_at", tzinfo=ZoneInfo(zone)))
        .values_list("day")
        .annotate(total=Sum("minutes"))
        .order_by()
    )
    return dict(rows)


def learners_of_path(*, path: LearningPath) -> QuerySet[LearnerProfile]:
    """Learners with progress on any step of the path."""
    return LearnerProfile.objects.filter(
        user_id__in=ProgressEntry.objects.filter(step__path=path).values("user_id")
    )


def enrolments_for(*, user: User) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(user=user).select_related("path__role", "path__level")


# --- Next best steps ---------------------------------------------------------------------


@dataclass(frozen=True)
class NextStep:
    step: Step
    gain: float  # readiness points it adds
    gain_per_hour: float


def completed_step_ids(*, user: User) -> set[int]:
    return set(
        ProgressEntry.objects.filter(user=user, status=ProgressEntry.Status.COMPLETED)
        .values_list("step_id", flat=True)
        .distinct()
    )


def next_best_steps(
    *, score: ReadinessScore | None, done: set[int], limit: int = NEXT_STEPS_LIMIT
) -> list[NextStep]:
    """Unfinished published steps ranked by readiness gained per hour for the score's role
    and level, from the learner's levels stored in its breakdown."""
    if score is None or score.score is None:
        return []
    requirements = [
        readiness.Requirement(line["skill_id"], line["target"], line["weight"])
        for line in score.breakdown
    ]
    # Stored as floats; proficiencies are multiples of 1/SCALE, which this recovers exactly.
    levels = {
        line["skill_id"]: Fraction(line["current"]).limit_denominator(readiness.SCALE)
        for line in score.breakdown
    }
    # Ranking needs only numbers: read them as tuples, and load the few chosen steps after.
    skill_levels: dict[int, dict[int, int]] = defaultdict(dict)
    minutes: dict[int, int] = {}
    for step_id, step_minutes, skill_id, level in (
        StepSkill.objects.filter(step__path__status=LearningPath.Status.PUBLISHED)
        .exclude(step_id__in=done)
        .values_list("step_id", "step__estimated_minutes", "skill_id", "level")
        .order_by()
    ):
        skill_levels[step_id][skill_id] = level
        minutes[step_id] = step_minutes
    candidates = [
        readiness.CandidateStep(step_id, minutes[step_id], levels_of_step)
        for step_id, levels_of_step in skill_levels.items()
    ]
    best = readiness.next_best_steps(requirements, levels, candidates, limit)
    steps = Step.objects.select_related("path").in_bulk([b.step_id for b in best])
    return [  # a step deleted since the first query is left out
        NextStep(steps[b.step_id], float(b.gain), float(b.gain_per_hour))
        for b in best
        if b.step_id in steps
    ]


# --- Dashboard ----------------------------------------------------------------------------


@dataclass(frozen=True)
class EnrolmentProgress:
    enrolment: Enrolment
    steps_total: int
    steps_done: int
    pace: pace.EnrolmentPace

    @property
    def percent_done(self) -> int:
        return round(100 * self.steps_done / self.steps_total) if self.steps_total else 0


@dataclass(frozen=True)
class Dashboard:
    profile: LearnerProfile
    today: date
    enrolments: list[EnrolmentProgress]
    target_score: ReadinessScore | None
    next_steps: list[NextStep]
    streaks: streaks.Streaks
    calendar: list[tuple[date, int]]
    minutes_per_week: float


def _enrolment_progress(
    user: User, enrolments: list[Enrolment], today: date, zone: ZoneInfo
) -> list[EnrolmentProgress]:
    steps_by_path: dict[int, dict[int, int]] = defaultdict(dict)
    for step_id, path_id, minutes in Step.objects.filter(
        path_id__in={e.path_id for e in enrolments}
    ).values_list("pk", "path_id", "estimated_minutes"):
        steps_by_path[path_id][step_id] = minutes
    done: dict[int, set[int]] = defaultdict(set)
    for enrolment_id, step_id in ProgressEntry.objects.filter(
        user=user, status=ProgressEntry.Status.COMPLETED
    ).values_list("enrolment_id", "step_id"):
        done[enrolment_id].add(step_id)
    since = datetime.combine(pace.window_start(today), time.min, tzinfo=zone)
    recent = dict(
        ProgressEntry.objects.filter(user=user, occurred_at__gte=since)
        .values_list("enrolment_id")
        .annotate(total=Sum("minutes"))
        .order_by()
    )
    rows = []
    for enrolment in enrolments:
        steps = steps_by_path[enrolment.path_id]
        finished = done[enrolment.pk] & steps.keys()
        remaining = sum(m for step_id, m in steps.items() if step_id not in finished)
        rows.append(
            EnrolmentProgress(
                enrolment=enrolment,
                steps_total=len(steps),
                steps_done=len(finished),
                pace=pace.enrolment_pace(
                    remaining_minutes=remaining,
                    recent_minutes_per_week=recent.get(enrolment.pk, 0) / pace.PACE_WINDOW_WEEKS,
                    target_date=enrolment.target_date,
                    today=today,
                ),
            )
        )
    return rows


def target_score_get(*, profile: LearnerProfile) -> ReadinessScore | None:
    if profile.target_role_id is None or profile.target_level_id is None:
        return None
    return ReadinessScore.objects.filter(
        user_id=profile.user_id, role_id=profile.target_role_id, level_id=profile.target_level_id
    ).first()


def dashboard_get(*, user: User) -> Dashboard:
    """Everything the home screen shows, in a fixed number of queries."""
    profile = profile_get(user=user)
    zone = ZoneInfo(profile.timezone)
    today = learner_today(profile)
    enrolments = list(enrolments_for(user=user).exclude(status=Enrolment.Status.WITHDRAWN))
    days = minutes_by_day(user=user, zone=profile.timezone)
    target_score = target_score_get(profile=profile)
    return Dashboard(
        profile=profile,
        today=today,
        enrolments=_enrolment_progress(user, enrolments, today, zone),
        target_score=target_score,
        next_steps=next_best_steps(score=target_score, done=completed_step_ids(user=user)),
        streaks=streaks.streaks(days, today),
        calendar=streaks.activity_calendar(days, today),
        minutes_per_week=pace.minutes_per_week(days, today),
    )


# --- Readiness ----------------------------------------------------------------------------


def readiness_scores_for(*, user: User) -> QuerySet[ReadinessScore]:
    return (
        ReadinessScore.objects.filter(user=user)
        .select_related("role", "level")
        .order_by("role__position", "level__rank")
    )


def readiness_history(
    *, user: User, role: Role, level: SeniorityLevel
) -> QuerySet[ReadinessSnapshot]:
    return ReadinessSnapshot.objects.filter(user=user, role=role, level=level).order_by("day")


def recommendation_get(*, user: User) -> Recommendation:
    """Which role to target, from the learner's background and readiness at their target level
    (the first rung of the ladder when they have not chosen one)."""
    profile = profile_get(user=user)
    level_filter = (
        Q(level_id=profile.target_level_id)
        if profile.target_level_id
        else Q(level__rank=SeniorityLevel.objects.order_by("rank").values("rank")[:1])
    )
    options = [
        RoleOption(s.role.slug, s.role.name, s.score)
        for s in readiness_scores_for(user=user).filter(level_filter)
    ]
    background = profile.background
    rule = (
        BackgroundRule(
            background.name,
            background.recommended_role.slug,
            background.recommended_role.name,
            background.rationale,
        )
        if background
        else None
    )
    return recommend(background=rule, options=options)


# --- Enrolment page --------------------------------------------------------------------------


@dataclass(frozen=True)
class StepProgress:
    step: Step
    status: str  # "completed", "started" or "todo"
    minutes: int


@dataclass(frozen=True)
class EnrolmentDetail:
    enrolment: Enrolment
    steps: list[StepProgress]
    entries: list[ProgressEntry]

    @property
    def steps_done(self) -> int:
        return sum(1 for s in self.steps if s.status == "completed")

    @property
    def percent_done(self) -> int:
        return round(100 * self.steps_done / len(self.steps)) if self.steps else 0


def enrolment_detail_get(*, user: User, enrolment_id: int) -> EnrolmentDetail:
    """One of the learner's enrolments with each step's status; raises DoesNotExist for
    another learner's, as for a missing one."""
    enrolment = enrolments_for(user=user).get(pk=enrolment_id)
    entries = list(enrolment.entries.select_related("step").order_by("-occurred_at", "-pk"))
    minutes: dict[int, int] = defaultdict(int)
    completed = set()
    for entry in entries:
        minutes[entry.step_id] += entry.minutes
        if entry.status == ProgressEntry.Status.COMPLETED:
            completed.add(entry.step_id)
    started = set(minutes)

    def status(step_id: int) -> str:
        return "completed" if step_id in completed else "started" if step_id in started else "todo"

    steps = (
        Step.objects.filter(path_id=enrolment.path_id)
        .order_by("position")
        .prefetch_related("step_skills__skill", "prerequisites")
    )
    return EnrolmentDetail(
        enrolment=enrolment,
        steps=[StepProgress(s, status(s.pk), minutes[s.pk]) for s in steps],
        entries=entries[:20],
    )


# --- Readiness page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadinessPage:
    role: Role | None
    level: SeniorityLevel | None
    score: ReadinessScore | None
    next_steps: list[NextStep]
    chart: dict[str, list[Any]]  # radar (labels, required, current) and history (days, scores)


def readiness_page_get(
    *, user: User, role_slug: str | None, level_slug: str | None
) -> ReadinessPage:
    """The chosen role and level (default: the learner's target, else the first of each),
    with the score, its history and next steps, and the charts' data."""
    profile = profile_get(user=user)
    role = (
        Role.objects.filter(slug=role_slug).first()
        or profile.target_role
        or Role.objects.order_by("position").first()
    )
    level = (
        SeniorityLevel.objects.filter(slug=level_slug).first()
        or profile.target_level
        or SeniorityLevel.objects.order_by("rank").first()
    )
    score = ReadinessScore.objects.filter(user=user, role=role, level=level).first()
    lines = score.breakdown if score else []
    history = list(readiness_history(user=user, role=role, level=level)) if role and level else []
    return ReadinessPage(
        role=role,
        level=level,
        score=score,
        next_steps=next_best_steps(score=score, done=completed_step_ids(user=user)),
        chart={
            "labels": [line["name"] for line in lines],
            "required": [line["target"] for line in lines],
            "current": [line["current"] for line in lines],
            "days": [snapshot.day.isoformat() for snapshot in history],
            "scores": [snapshot.score for snapshot in history],
        },
    )
