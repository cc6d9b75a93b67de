"""Every non-trivial read of a learner's data, with what it needs loaded in a fixed number of
queries. The web dashboard and the API both read through here."""

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import DateTimePattern, get_date_format, match_skeleton, parse_pattern
from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.formats import localize, number_format
from django.utils.translation import get_language, gettext, to_locale

from assessments.memory import retained, retrievability
from assessments.models import MemoryState
from assessments.retention import RETAINED_STEPS
from assessments.selectors import check_level_for, checkable_levels, verified_levels
from careers.bands import BANDS
from careers.models import Role, RoleRequirement, SeniorityLevel
from careers.recommend import BackgroundRule, Recommendation, RoleOption, recommend
from careers.selectors import role_entry_ranks
from paths.models import LearningPath, Step, StepSkill
from tracker import activity, next_steps, pace, readiness, streaks, targets
from tracker.models import (
    MINUTES_PER_DAY,
    Enrolment,
    LearnerProfile,
    ProgressEntry,
    ReadinessScore,
    ReadinessSnapshot,
    SkillClaim,
    User,
)
from tracker.recompute import readiness_score_compute
from tracker.reviews import SkillMemory, memories_for

NEXT_STEPS_LIMIT = 5


def profile_get(*, user: User) -> LearnerProfile:
    return LearnerProfile.objects.select_related(
        "background__recommended_role", "target_role", "target_level"
    ).get(user=user)


def learner_today(profile: LearnerProfile) -> date:
    return timezone.now().astimezone(ZoneInfo(profile.timezone)).date()


def minutes_by_day(*, user: User, zone: str) -> dict[date, int]:
    """Minutes logged per local day (the learner's time zone), over all their history."""
    return activity.minutes_by_day(user_id=user.pk, zone=zone)


def learners_of_path(*, path: LearningPath) -> QuerySet[LearnerProfile]:
    """Learners with progress on any step of the path."""
    return LearnerProfile.objects.filter(
        user_id__in=ProgressEntry.objects.filter(step__path=path).values("user_id")
    )


def open_enrolment_get(*, user: User, path: LearningPath) -> Enrolment | None:
    """The learner's active or paused enrolment on the path (at most one)."""
    return Enrolment.objects.filter(
        user=user, path=path, status__in=Enrolment.OPEN_STATUSES
    ).first()


def enrolments_for(*, user: User) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(user=user).select_related("path__role", "path__level")


# --- Next best steps ---------------------------------------------------------------------


@dataclass(frozen=True)
class NextStep:
    """A unit of work: `chain` in order, its first step loggable now. Without prerequisites
    to finish first, the chain is the one step."""

    chain: list[Step]
    enrolment_id: int | None  # where to log it; None: enrol on the path first
    gain: float  # readiness points the whole chain adds
    gain_per_hour: float

    @property
    def step(self) -> Step:
        """The step to log now."""
        return self.chain[0]

    @property
    def leads_to(self) -> Step:
        """The step the chain is for (the step itself when there is no chain)."""
        return self.chain[-1]

    @property
    def minutes(self) -> int:
        return sum(step.estimated_minutes for step in self.chain)


def learner_routes(user_id: int, level_rank: int) -> tuple[list[next_steps.Route], frozenset[int]]:
    """Where the learner can log steps: each active enrolment, with the steps completed in it,
    and every published path at or below the target's level that they could enrol on; and the
    steps they ever completed."""
    enrolments = list(
        Enrolment.objects.filter(user_id=user_id, status__in=Enrolment.OPEN_STATUSES).values_list(
            "pk", "path_id", "status"
        )
    )
    done: dict[int, set[int]] = defaultdict(set)
    ever: set[int] = set()
    for enrolment_id, step_id in ProgressEntry.objects.filter(
        user_id=user_id, status=ProgressEntry.Status.COMPLETED
    ).values_list("enrolment_id", "step_id"):
        done[enrolment_id].add(step_id)
        ever.add(step_id)
    routes = [
        next_steps.Route(path_id, pk, frozenset(done[pk]))
        for pk, path_id, status in enrolments
        if status == Enrolment.Status.ACTIVE  # a paused one is resumed first
    ]
    enrollable = (
        LearningPath.objects.filter(
            status=LearningPath.Status.PUBLISHED, level__rank__lte=level_rank
        )
        .exclude(pk__in=[path_id for _, path_id, _ in enrolments])
        .values_list("pk", flat=True)
    )
    routes += [next_steps.Route(path_id, None, frozenset()) for path_id in enrollable]
    return routes, frozenset(ever)


def _prerequisites(path_ids: set[int]) -> dict[int, list[int]]:
    """Per step of these paths, the steps it waits on."""
    prerequisites: dict[int, list[int]] = defaultdict(list)
    for step_id, prerequisite_id in Step.prerequisites.through.objects.filter(
        from_step__path_id__in=path_ids
    ).values_list("from_step_id", "to_step_id"):
        prerequisites[step_id].append(prerequisite_id)
    return prerequisites


def step_facts(path_ids: set[int]) -> list[next_steps.StepFacts]:
    skills: dict[int, dict[int, int]] = defaultdict(dict)
    for step_id, skill_id, level in StepSkill.objects.filter(
        step__path_id__in=path_ids
    ).values_list("step_id", "skill_id", "level"):
        skills[step_id][skill_id] = level
    prerequisites = _prerequisites(path_ids)
    return [
        next_steps.StepFacts(
            pk, path_id, position, kind, minutes, skills[pk], tuple(prerequisites[pk])
        )
        for pk, path_id, position, kind, minutes in Step.objects.filter(
            path_id__in=path_ids
        ).values_list("pk", "path_id", "position", "kind", "estimated_minutes")
    ]


def fading_skills(*, user_id: int) -> tuple[dict[int, int], set[int]]:
    """The learner's fading skills, each with the level a step must reach to refresh it (the
    level held, assessments/memory.py `refreshes`), and the lapsed ones (no step refreshes)."""
    now = timezone.now()
    fading, lapsed = {}, set()
    for memory in MemoryState.objects.filter(user_id=user_id):
        if memory.lapsed:
            lapsed.add(memory.skill_id)
        elif retained(memory, now) < RETAINED_STEPS:
            fading[memory.skill_id] = memory.level
    return fading, lapsed


def next_best_steps(
    *, score: ReadinessScore | None, limit: int = NEXT_STEPS_LIMIT
) -> list[NextStep]:
    """What the learner can do next for the score's role and level, ranked by readiness gained
    per hour: only steps they can log now (or chains that start with one), on their active
    enrolments or on published paths at a fitting level, from the levels in the breakdown."""
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
    routes, shown = learner_routes(score.user_id, score.level.rank)
    units = next_steps.candidate_units(step_facts({r.path_id for r in routes}), routes, shown)
    candidates = [u for u, _ in units.values()]
    fading, lapsed = fading_skills(user_id=score.user_id)
    best = readiness.next_best_steps(requirements, levels, candidates, limit, fading, lapsed)
    steps = Step.objects.select_related("path").in_bulk(
        {step_id for b in best for step_id in (*b.chain, b.step_id)}
    )
    return [  # a step deleted since the first queries is left out
        NextStep(
            chain=[steps[step_id] for step_id in (*b.chain, b.step_id)],
            enrolment_id=units[b.step_id][1].enrolment_id,
            gain=float(b.gain),
            gain_per_hour=float(b.gain_per_hour),
        )
        for b in best
        if all(step_id in steps for step_id in (*b.chain, b.step_id))
    ]


# --- Dashboard ----------------------------------------------------------------------------


@dataclass(frozen=True)
class EnrolmentProgress:
    enrolment: Enrolment
    steps_total: int
    steps_done: int
    pace: pace.EnrolmentPace
    # The first step (by position) not completed whose prerequisites are: where to continue.
    continue_step: Step | None = None

    @property
    def percent_done(self) -> int:
        return round(100 * self.steps_done / self.steps_total) if self.steps_total else 0


@dataclass(frozen=True)
class Dashboard:
    profile: LearnerProfile
    today: date
    enrolments: list[EnrolmentProgress]
    target_score: ReadinessScore | None
    next_steps_for: ReadinessScore | None  # the target's, else the recommended role's
    next_steps: list[NextStep]
    streaks: streaks.Streaks
    calendar: list[tuple[date, int]]
    minutes_per_week: float
    week_start: date  # this local week's Monday
    minutes_this_week: int  # logged from week_start to now


def _continue_steps(enrolments: list[Enrolment]) -> dict[int, Step | None]:
    """Per enrolment id, the first step not completed whose prerequisites are, in three queries
    whatever the number of enrolments."""
    if not enrolments:
        return {}
    path_ids = {e.path_id for e in enrolments}
    steps: dict[int, list[Step]] = defaultdict(list)
    for step in (
        Step.objects.filter(path_id__in=path_ids)
        .only("pk", "path_id", "position", "title", "kind", "estimated_minutes")
        .order_by("position")
    ):
        steps[step.path_id].append(step)
    prerequisites = _prerequisites(path_ids)
    completed: dict[int, set[int]] = defaultdict(set)
    for enrolment_id, step_id in ProgressEntry.objects.filter(
        enrolment_id__in=[e.pk for e in enrolments], status=ProgressEntry.Status.COMPLETED
    ).values_list("enrolment_id", "step_id"):
        completed[enrolment_id].add(step_id)
    return {
        e.pk: next(
            (
                step
                for step in steps[e.path_id]
                if step.pk not in completed[e.pk] and set(prerequisites[step.pk]) <= completed[e.pk]
            ),
            None,
        )
        for e in enrolments
    }


def _enrolment_progress(
    user: User, enrolments: list[Enrolment], today: date, zone: ZoneInfo
) -> list[EnrolmentProgress]:
    """Steps done and pace per enrolment, by the rule of tracker/activity.py (the reminders
    read the same figures)."""
    figures = activity.enrolment_figures(
        enrolments=enrolments, clocks={user.pk: activity.LearnerClock(zone, today)}
    )
    continue_steps = _continue_steps(enrolments)
    return [
        EnrolmentProgress(
            enrolment=enrolment,
            steps_total=figures[enrolment.pk].steps_total,
            steps_done=figures[enrolment.pk].steps_done,
            pace=figures[enrolment.pk].pace,
            continue_step=continue_steps[enrolment.pk],
        )
        for enrolment in enrolments
    ]


def readiness_score_get(*, user_id: int, role: Role, level: SeniorityLevel) -> ReadinessScore:
    """The stored score, or, until the first recompute stores it (a new learner, a new
    target), the same figures computed now: readiness exists from the first minute."""
    stored = (
        ReadinessScore.objects.filter(user_id=user_id, role=role, level=level)
        .select_related("role", "level")
        .first()
    )
    return stored or readiness_score_compute(user_id=user_id, role=role, level=level)


def target_score_get(*, profile: LearnerProfile) -> ReadinessScore | None:
    if profile.target_role is None or profile.target_level is None:
        return None
    return readiness_score_get(
        user_id=profile.user_id, role=profile.target_role, level=profile.target_level
    )


def _recommended_score(profile: LearnerProfile) -> ReadinessScore | None:
    """For a learner without a target: the recommended role, at the first rung."""
    slug = recommendation_get(user=profile.user).role_slug
    if not slug:
        return None
    target = targets.target_for(profile=profile, role_slug=slug, level_slug=None)
    return readiness_score_get(user_id=profile.user_id, role=target.role, level=target.level)


def dashboard_get(*, user: User) -> Dashboard:
    """Everything the home screen shows, in a fixed number of queries."""
    profile = profile_get(user=user)
    zone = ZoneInfo(profile.timezone)
    today = learner_today(profile)
    enrolments = list(enrolments_for(user=user).exclude(status=Enrolment.Status.WITHDRAWN))
    days = minutes_by_day(user=user, zone=profile.timezone)
    target_score = target_score_get(profile=profile)
    steps_for = target_score or _recommended_score(profile)
    week_start = activity.week_start(today)
    return Dashboard(
        profile=profile,
        today=today,
        enrolments=_enrolment_progress(user, enrolments, today, zone),
        target_score=target_score,
        next_steps_for=steps_for,
        next_steps=next_best_steps(score=steps_for),
        streaks=streaks.streaks(days, today),
        calendar=streaks.activity_calendar(days, today),
        minutes_per_week=activity.minutes_per_week(
            days, today=today, started=activity.local_day(user.date_joined, zone)
        ),
        week_start=week_start,
        minutes_this_week=activity.minutes_between(days, week_start, today),
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
    level = profile.target_level or SeniorityLevel.objects.order_by("rank").first()
    entry = role_entry_ranks()  # AI Architect starts at senior: never for a junior
    options = [
        RoleOption(s.role.slug, s.role.name, s.score, entry.get(s.role.slug))
        for s in readiness_scores_for(user=user).filter(level=level)
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
    return recommend(background=rule, options=options, level_rank=level.rank if level else None)


# --- Enrolment page --------------------------------------------------------------------------


@dataclass(frozen=True)
class StepProgress:
    step: Step
    status: str  # "completed", "started" or "todo"
    minutes: int
    ready: bool = True  # its prerequisites are completed (or the path is not sequential)
    # The learner's own entries on it in this enrolment that carry a note or an evidence link,
    # newest first.
    notes: tuple[ProgressEntry, ...] = ()

    @property
    def done_minutes(self) -> int:
        """What the one-tap "done" logs: the step's estimate less the minutes already logged on
        it (never below 0, never above a day)."""
        return min(MINUTES_PER_DAY, max(0, self.step.estimated_minutes - self.minutes))


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
    """One of the learner's enrolments with each step's status, whether it can be completed
    now, and the learner's notes and evidence links on it; raises DoesNotExist for another
    learner's, as for a missing one. Four queries, whatever the number of steps and entries."""
    enrolment = enrolments_for(user=user).get(pk=enrolment_id)
    entries = list(enrolment.entries.select_related("step").order_by("-occurred_at", "-pk"))
    minutes: dict[int, int] = defaultdict(int)
    notes: dict[int, list[ProgressEntry]] = defaultdict(list)
    completed = set()
    for entry in entries:
        minutes[entry.step_id] += entry.minutes
        if entry.status == ProgressEntry.Status.COMPLETED:
            completed.add(entry.step_id)
        if entry.note or entry.evidence_url:
            notes[entry.step_id].append(entry)
    started = set(minutes)

    def status(step_id: int) -> str:
        return "completed" if step_id in completed else "started" if step_id in started else "todo"

    steps = (
        Step.objects.filter(path_id=enrolment.path_id)
        .order_by("position")
        .prefetch_related(
            Prefetch("step_skills", queryset=StepSkill.objects.select_related("skill")),
            Prefetch("prerequisites", queryset=Step.objects.only("pk", "position", "path_id")),
        )
    )
    sequential = enrolment.path.sequential
    return EnrolmentDetail(
        enrolment=enrolment,
        steps=[
            StepProgress(
                s,
                status(s.pk),
                minutes[s.pk],
                ready=not sequential or {p.pk for p in s.prerequisites.all()} <= completed,
                notes=tuple(notes[s.pk]),
            )
            for s in steps
        ],
        entries=entries[:20],
    )


@dataclass(frozen=True)
class PathEnrolment:
    """The learner's enrolment shown on a path's page: the open one, else the latest."""

    enrolment: Enrolment
    steps_done: int
    steps_total: int

    @property
    def is_open(self) -> bool:
        return self.enrolment.status in Enrolment.OPEN_STATUSES

    @property
    def percent_done(self) -> int:
        return round(100 * self.steps_done / self.steps_total) if self.steps_total else 0


def path_enrolment_get(*, user: User, path: LearningPath) -> PathEnrolment | None:
    """The learner's open enrolment on the path, else their latest one (withdrawn or
    completed), with the steps completed in it; None if they never enrolled. One query
    (two when `path` has no `step_count`)."""
    enrolment = (
        Enrolment.objects.filter(user=user, path=path)
        .annotate(
            is_open=Case(
                When(status__in=Enrolment.OPEN_STATUSES, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            steps_done=Count(
                "entries__step",
                filter=Q(entries__status=ProgressEntry.Status.COMPLETED),
                distinct=True,
            ),
        )
        .order_by("-is_open", "-updated_at", "-pk")
        .first()
    )
    if enrolment is None:
        return None
    done: int = enrolment.steps_done
    total = getattr(path, "step_count", None)
    if total is None:
        total = path.steps.count()
    return PathEnrolment(enrolment=enrolment, steps_done=done, steps_total=total)


@dataclass(frozen=True)
class LogTarget:
    """The role and level a logging result reports readiness for."""

    role: Role
    level: SeniorityLevel
    is_learners_target: bool


def log_target_get(*, user: User, path: LearningPath) -> LogTarget:
    """The learner's target role and level, else the path's own."""
    profile = profile_get(user=user)
    if profile.target_role is not None and profile.target_level is not None:
        return LogTarget(profile.target_role, profile.target_level, True)
    return LogTarget(path.role, path.level, False)


def readiness_now(*, user: User, target: LogTarget) -> float | None:
    """The learner's readiness for the target computed now, not stored (the recompute stores
    it): for showing the change a log made. None: the target has no requirements."""
    return readiness_score_compute(user_id=user.pk, role=target.role, level=target.level).score


def target_score_week_ago(*, profile: LearnerProfile, today: date) -> float | None:
    """The target's score in the latest daily snapshot at least a week old, if there is one."""
    if profile.target_role_id is None or profile.target_level_id is None:
        return None
    return (
        ReadinessSnapshot.objects.filter(
            user_id=profile.user_id,
            role_id=profile.target_role_id,
            level_id=profile.target_level_id,
            day__lte=today - timedelta(days=7),
        )
        .order_by("-day")
        .values_list("score", flat=True)
        .first()
    )


# --- Where each level comes from --------------------------------------------------------------


@dataclass(frozen=True)
class _Shown:
    """Everything a learner has shown of one skill, for the breakdown's `evidence`."""

    step: tuple[int, str, int, str] | None  # (proven, kind, taught, title) of the best step
    claimed: int | None
    checked: int | None  # the highest level of a check passed
    retained: int  # twentieths of the held level that count now
    recall: float | None  # FSRS retrievability now; None without a memory


def _evidence(shown: _Shown, line: dict[str, Any]) -> dict[str, Any]:
    """How the breakdown's `current` came about: a passed skill check, the step that proved it
    (and its kind's ceiling, when the step teaches more than its kind can prove), or the
    discounted claim; whether it is verified, and how much of it the learner retains."""
    proven = shown.step[0] if shown.step else 0
    held = max(Fraction(shown.checked or 0), readiness.UNVERIFIED_WEIGHT * proven)
    retained = Fraction(shown.retained, RETAINED_STEPS)
    memory = {
        "verified": False,
        "checked_level": shown.checked,
        "retained": float(retained),
        "recall": None if shown.recall is None else round(shown.recall, 3),
        "fading": retained < 1 and held > 0,
        "restore_points": round(_restore_points(line, held, held * retained, shown.claimed), 6),
    }
    if held * retained < readiness.SELF_CLAIM_DISCOUNT * (shown.claimed or 0):
        note = (
            f"your own claim of {shown.claimed}, counted at {_share(readiness.SELF_CLAIM_DISCOUNT)}"
        )
        return {"source": "self_claim", "claimed": shown.claimed, **memory, "note": note}
    if shown.checked and shown.checked >= readiness.UNVERIFIED_WEIGHT * proven:
        note = f"verified by a skill check at {shown.checked}"
        return {"source": "check", **memory, "verified": True, "note": note + _fading(memory)}
    if shown.step is not None:
        _, kind, taught, title = shown.step
        ceiling = readiness.KIND_CEILING[kind]
        capped = taught > proven
        note = (
            f"{kind}: counts up to {ceiling}; a project or an assessment proves more"
            if capped
            else f"proven by a completed {kind}"
        ) + f"; counts {_share(readiness.UNVERIFIED_WEIGHT)} until a skill check verifies it"
        return {
            "source": "step",
            "kind": kind,
            "step_title": title,
            "taught": taught,
            "counts_up_to": ceiling,
            "capped": capped,
            **memory,
            "note": note + _fading(memory),
        }
    return {"source": None, **memory, "note": "no evidence yet"}


def _restore_points(
    line: dict[str, Any], held: Fraction, kept: Fraction, claimed: int | None
) -> float:
    """The points a review would give back: the held level counting instead of what is kept
    of it (or the claim, if that counts more)."""
    target = Fraction(line["target"])
    now = max(kept, readiness.SELF_CLAIM_DISCOUNT * (claimed or 0))
    restored = max(Fraction(0), min(held, target) - min(now, target))
    return float(line["possible"]) * float(restored / target)


def _share(fraction: Fraction) -> str:
    return f"{fraction.numerator}/{fraction.denominator}"


def _fading(memory: dict[str, Any]) -> str:
    if not memory["fading"]:
        return ""
    return f"; fading: {round(100 * memory['retained'])}% retained, review to restore"


def _rank(evidence: tuple[int, str, int, str]) -> tuple[int, bool]:
    proven, _, taught, _ = evidence
    return proven, taught <= proven  # at equal levels, the step its kind does not cap


def breakdown_explained(*, score: ReadinessScore) -> list[dict[str, Any]]:
    """The score's breakdown lines, each with its `evidence` (see _evidence), read from the
    learner's completed steps, checks, claims and memory now."""
    skill_ids = [line["skill_id"] for line in score.breakdown]
    best: dict[int, tuple[int, str, int, str]] = {}
    for skill_id, kind, level, title in StepSkill.objects.filter(
        skill_id__in=skill_ids,
        step__progress_entries__user_id=score.user_id,
        step__progress_entries__status=ProgressEntry.Status.COMPLETED,
    ).values_list("skill_id", "step__kind", "level", "step__title"):
        candidate = (readiness.proven_level(kind, level), kind, level, title)
        if skill_id not in best or _rank(candidate) > _rank(best[skill_id]):
            best[skill_id] = candidate
    claims = dict(
        SkillClaim.objects.filter(user_id=score.user_id, skill_id__in=skill_ids).values_list(
            "skill_id", "level"
        )
    )
    checked = verified_levels(user_id=score.user_id, skill_ids=skill_ids)
    now = timezone.now()
    memories = {
        m.skill_id: m
        for m in MemoryState.objects.filter(user_id=score.user_id, skill_id__in=skill_ids)
    }
    lines = []
    for line in score.breakdown:
        skill_id = line["skill_id"]
        memory = memories.get(skill_id)
        shown = _Shown(
            step=best.get(skill_id),
            claimed=claims.get(skill_id),
            checked=checked.get(skill_id),
            retained=retained(memory, now) if memory else RETAINED_STEPS,
            recall=retrievability(memory, now) if memory else None,
        )
        memory_level = memory.level if memory else None
        lines.append({**line, "evidence": _evidence(shown, line), "memory_level": memory_level})
    return lines


# --- What a path covers --------------------------------------------------------------------------


@dataclass(frozen=True)
class CoverageGap:
    """A required skill the path leaves short, and the published paths that take it further."""

    line: dict[str, Any]  # the breakdown line: skill, name, target, current (what it proves)
    filled_by: list[tuple[LearningPath, int]]  # (path, level it proves), best first


@dataclass(frozen=True)
class PathCoverage:
    score: float | None  # readiness for the path's role and level from finishing it, verified
    unverified_score: float | None  # the same from the completed steps alone (counted 4/5)
    gaps: list[CoverageGap]


def path_coverage_get(*, path: LearningPath) -> PathCoverage:
    """Readiness that finishing this path alone gives for its role and level (each step
    proving what its kind can, readiness.proven_level), once its skills are verified and from
    the completed steps alone; and the required skills it leaves short, each with the other
    published paths that prove more of it."""
    requirements = list(
        RoleRequirement.objects.filter(role_id=path.role_id, level_id=path.level_id)
        .select_related("skill")
        .order_by("skill_id")
    )
    here = readiness.proven_levels(
        StepSkill.objects.filter(step__path=path).values_list("step__kind", "skill_id", "level")
    )
    required = [readiness.Requirement(r.skill_id, r.target_level, r.weight) for r in requirements]
    result = readiness.readiness(
        required, {skill: Fraction(level) for skill, level in here.items()}
    )
    unverified = readiness.readiness(
        required,
        readiness.proficiency(
            {s: readiness.SkillEvidence(completed=lvl) for s, lvl in here.items()}
        ),
    ).score
    short = {line.skill_id: line for line in result.breakdown if line.earned < line.possible}
    elsewhere: dict[int, dict[int, int]] = defaultdict(dict)  # skill -> path -> proven
    for path_id, kind, skill_id, level in (
        StepSkill.objects.filter(
            skill_id__in=short, step__path__status=LearningPath.Status.PUBLISHED
        )
        .exclude(step__path=path)
        .values_list("step__path_id", "step__kind", "skill_id", "level")
    ):
        proven = readiness.proven_level(kind, level)
        elsewhere[skill_id][path_id] = max(elsewhere[skill_id].get(path_id, 0), proven)
    paths = LearningPath.objects.in_bulk({p for by_path in elsewhere.values() for p in by_path})
    gaps = []
    for requirement in requirements:
        if (line := short.get(requirement.skill_id)) is None:
            continue
        better = sorted(
            (
                (paths[path_id], proven)
                for path_id, proven in elsewhere[requirement.skill_id].items()
                if proven > line.current
            ),
            key=lambda pair: (-pair[1], pair[0].title),
        )
        gaps.append(
            CoverageGap(
                {
                    "skill": requirement.skill.slug,
                    "name": requirement.skill.name,
                    "target": line.target,
                    "current": int(line.current),
                },
                better[:3],
            )
        )
    return PathCoverage(
        score=None if result.score is None else float(result.score),
        unverified_score=None if unverified is None else float(unverified),
        gaps=gaps,
    )


# --- Readiness page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadinessPage:
    role: Role | None
    level: SeniorityLevel | None
    score: ReadinessScore | None
    lines: list[dict[str, Any]]  # the breakdown, largest gap first, with each line's evidence
    next_steps: list[NextStep]
    reviews: list[dict[str, Any]]  # breakdown lines of fading skills, most points to restore first
    memories: list[SkillMemory]  # every skill the learner holds, least retained first
    reviewable: set[str]  # slugs of the skills with a bank to review from
    chart: dict[str, Any]  # skills (labels, required, current) and history (days, scores)
    history: list["HistoryRow"] = field(default_factory=list)  # the chart's figures as a table


def readiness_page_get(
    *, user: User, role_slug: str | None, level_slug: str | None
) -> ReadinessPage:
    """The role and level asked for (tracker/targets.py: the learner's target by default; an
    unknown slug raises UnknownTarget), with the score, its history and next steps, and the
    charts' data. An empty catalogue gives an empty page."""
    try:
        target = targets.target_for(
            profile=profile_get(user=user), role_slug=role_slug, level_slug=level_slug
        )
    except targets.EmptyCatalogue:
        role, level = None, None
    else:
        role, level = target.role, target.level
    score = readiness_score_get(user_id=user.pk, role=role, level=level) if role and level else None
    lines = _by_gap(breakdown_explained(score=score)) if score else []
    memories = memories_for(user=user, at=timezone.now())
    checkable = checkable_levels() if lines or memories else {}
    for line in lines:  # "verify this skill": the check that proves its target, if any
        line["check_level"] = check_level_for(checkable, line["skill"], line["target"])
        line["verify_points"] = _verify_points(line)
        line["reviewable"] = line["skill"] in checkable
    best_to_verify = max(lines, key=lambda line: line["verify_points"], default=None)
    if best_to_verify is not None and best_to_verify["verify_points"] > 0:
        best_to_verify["verify_best"] = True
    reviews = review_suggestions(lines, checkable)
    history = (
        list(readiness_history(user=user, role=role, level=level).values_list("day", "score"))
        if role and level
        else []
    )
    days = _DayFormats.get(to_locale(get_language() or "en-gb"))
    return ReadinessPage(
        role=role,
        level=level,
        score=score,
        lines=lines,
        next_steps=next_best_steps(score=score),
        reviews=reviews,
        memories=memories,
        reviewable=set(checkable),
        chart=_readiness_chart(lines, history, days),
        history=_history_rows(history, days),
    )


def review_suggestions(
    lines: list[dict[str, Any]], reviewable: Collection[str]
) -> list[dict[str, Any]]:
    """The explained breakdown lines a review would add points to, of skills with a bank to
    review from (`reviewable` slugs), most points first."""
    return sorted(
        (
            line
            for line in lines
            if line["skill"] in reviewable and line["evidence"]["restore_points"] > 0
        ),
        key=lambda line: (-line["evidence"]["restore_points"], line["name"]),
    )


def _verify_points(line: dict[str, Any]) -> float:
    """The points passing the line's check would add (0 without a check, when the level it
    proves counts no more than the current one, or when a check already verified it: then a
    review restores it)."""
    checked, held = line["evidence"]["checked_level"], line["memory_level"]
    if line["check_level"] is None or (checked is not None and checked >= line["check_level"]):
        return 0.0
    if held is not None and line["check_level"] < held:  # refreshes nothing: counts no more
        return 0.0
    target = line["target"]
    gained = min(line["check_level"], target) - min(line["current"], target)
    return round(max(0.0, line["possible"] * gained / target), 6)


def _by_gap(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The breakdown, largest gap first: by the points still missing (what closing the gap
    would add to the score), then by the levels missing, then by name. Each line gains
    `missing` (points) and `gap` (levels), both 0 once the target is met."""
    for line in lines:
        line["missing"] = round(max(0.0, line["possible"] - line["earned"]), 6)
        line["gap"] = round(max(0.0, line["target"] - line["current"]), 6)
    return sorted(lines, key=lambda line: (-line["missing"], -line["gap"], line["name"]))


class HistoryRow(NamedTuple):
    """A day of the readiness history as the page's table shows it."""

    day: str  # ISO date
    label: str  # the locale's long date
    data: str  # the score as data: the number (one decimal, localised); "" without requirements
    shown: str  # "12.3%", or "no requirements"


@dataclass(frozen=True)
class _DayFormats:
    """The current locale's date patterns, looked up once per page rather than once per day
    (a year of history is 365 rows in the table and 365 points on the chart): `long` is what
    the `longdate` filter gives (babel's format_date "long"), `short` babel's format_skeleton
    "MMMd" ("3 Nov" in en-GB)."""

    locale: Locale
    long: DateTimePattern
    short: DateTimePattern

    @classmethod
    def get(cls, name: str) -> "_DayFormats":
        locale = Locale.parse(name)
        skeletons = locale.datetime_skeletons
        short = "MMMd" if "MMMd" in skeletons else match_skeleton("MMMd", skeletons)
        return cls(
            locale,
            parse_pattern(get_date_format("long", locale=locale)),
            parse_pattern(skeletons[short]),
        )


def _history_score(score: float | None) -> float | None:
    """A day's score as the history chart and its table both show it (one decimal)."""
    return None if score is None else round(score, 1)


def _history_rows(history: list[tuple[date, float | None]], days: _DayFormats) -> list[HistoryRow]:
    """The history table's rows, formatted here once (in the template, its filters cost more
    than the rest of the page for a year of days)."""
    rows = []
    none = gettext("no requirements")
    for day, score in history:
        shown = _history_score(score)
        data = "" if shown is None else localize(shown)
        rows.append(
            HistoryRow(
                day.isoformat(),
                days.long.apply(day, days.locale),
                data,
                none if shown is None else number_format(shown, 1) + "%",
            )
        )
    return rows


def _readiness_chart(
    lines: list[dict[str, Any]], history: list[tuple[date, float | None]], days: _DayFormats
) -> dict[str, Any]:
    """What config/static/js/charts.js draws, in the breakdown's order, with its labels
    translated; the page's tables show the same figures (the charts' text alternative)."""
    return {
        "labels": [line["name"] for line in lines],
        "required": [line["target"] for line in lines],
        "current": [round(line["current"], 2) for line in lines],
        "days": [day.isoformat() for day, _ in history],
        # "3 Nov" in en-GB: the locale's short day and month
        "day_labels": [days.short.apply(day, days.locale) for day, _ in history],
        "scores": [_history_score(score) for _, score in history],
        "bands": {str(band.level): band.name for band in BANDS},
        "text": {
            "required": gettext("Required"),
            "current": gettext("You"),
            "score": gettext("Score"),
            "level": gettext("Level"),
            "readiness": gettext("Readiness"),
        },
    }
