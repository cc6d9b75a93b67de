"""What the curator analytics say about a path, computed from learners' rows and stored as its
summary rows. A fixed number of queries per path (plus five per READINESS_BATCH learners for the
readiness gain), whatever the number of learners, entries or steps.

Definitions (the admin pages show them too):
- enrolled: learners with an enrolment on the path, whatever its status (withdrawn included).
- started: enrolled learners who logged progress on any step of the path.
- completed: learners with a completed enrolment on the path.
- stopped (drop-off): learners who have not completed the path and left it: they withdrew, or
  logged nothing on it (and did not enrol) for STOPPED_AFTER. Each is counted at one step, the
  first step of the path, in order, they have not completed: the step they stopped at.
- per step: reached = learners who completed every earlier step (step 1: every enrolled
  learner); started = learners who logged progress on it; completed = learners who completed it.
- real minutes of a step: each learner's total minutes on it (every entry, started and
  completed), over the learners who completed it; median and quartiles (analytics/figures.py).
  The suggested estimate is the median rounded to 5 minutes, from MIN_GROUP learners or more.
- days to complete: from enrolment to completion (each learner's first completed enrolment).
- readiness gain (Pathwise's own measure): for each learner who completed at least one step of
  the path, how many points lower their readiness for the path's own role and level would be
  today without the steps they completed on this path, all else as it is (other paths, skill
  checks, claims, fading; tracker/readiness.py scores both). What the path added beyond what the
  learner shows otherwise: a skill already verified at that level gains nothing.
  `gain_possible`: what completing every step gives a learner with no other evidence.
Medians and quartiles are stored only when they cover at least MIN_GROUP learners.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Max, Q, Sum

from analytics.figures import quartiles, suggested_minutes
from analytics.models import PathSummary, StepSummary
from careers.models import RoleRequirement
from paths.models import LearningPath, StepSkill
from tracker import readiness
from tracker.models import Enrolment, ProgressEntry
from tracker.recompute import evidence_by_user

STOPPED_AFTER = timedelta(days=14)
READINESS_BATCH = 1000
SECONDS_PER_DAY = 86_400

PATH_FIELDS = [f.name for f in PathSummary._meta.concrete_fields if not f.primary_key]
STEP_FIELDS = [f.name for f in StepSummary._meta.concrete_fields if not f.primary_key]


@dataclass
class Learner:
    """One learner's history on the path, gathered from their enrolments and entries."""

    last_active: datetime
    latest_status: str = ""
    days_to_complete: float | None = None
    worked: set[int] = field(default_factory=set)  # step ids with any entry
    done: set[int] = field(default_factory=set)  # step ids completed
    minutes: dict[int, int] = field(default_factory=dict)  # step id -> total minutes

    def stopped(self, at: datetime) -> bool:
        if self.days_to_complete is not None:
            return False
        withdrawn = self.latest_status == Enrolment.Status.WITHDRAWN
        return withdrawn or at - self.last_active >= STOPPED_AFTER


def learners_of(path: LearningPath) -> dict[int, Learner]:
    """user id -> their history on the path: two queries."""
    learners: dict[int, Learner] = {}
    enrolments = (
        Enrolment.objects.filter(path=path)
        .order_by("enrolled_at", "pk")
        .values_list("user_id", "status", "enrolled_at", "completed_at")
    )
    for user_id, status, enrolled_at, completed_at in enrolments:
        learner = learners.setdefault(user_id, Learner(last_active=enrolled_at))
        learner.latest_status = status  # in order of enrolment: the latest one wins
        learner.last_active = max(learner.last_active, enrolled_at)
        finished = status == Enrolment.Status.COMPLETED
        if finished and completed_at is not None and learner.days_to_complete is None:
            taken = completed_at - enrolled_at
            learner.days_to_complete = taken.total_seconds() / SECONDS_PER_DAY
    work = (
        ProgressEntry.objects.filter(step__path=path)
        .values_list("user_id", "step_id")
        .annotate(
            minutes=Sum("minutes"),
            last=Max("occurred_at"),
            completions=Count("pk", filter=Q(status=ProgressEntry.Status.COMPLETED)),
        )
        .order_by()
    )
    for user_id, step_id, minutes, last, completions in work:
        if (worker := learners.get(user_id)) is None:
            continue
        worker.worked.add(step_id)
        worker.minutes[step_id] = minutes
        worker.last_active = max(worker.last_active, last)
        if completions:
            worker.done.add(step_id)
    return learners


def first_not_done(step_ids: Sequence[int], learner: Learner) -> int:
    """The index of the first step, in order, the learner has not completed (len: none)."""
    open_steps = (i for i, step_id in enumerate(step_ids) if step_id not in learner.done)
    return next(open_steps, len(step_ids))


def _score(scorer: readiness.Scorer, evidence: dict[int, readiness.SkillEvidence]) -> float:
    score, _ = scorer.score(readiness.scaled_proficiency(evidence))
    return score or 0.0


def readiness_gains(
    path: LearningPath, learners: dict[int, Learner], at: datetime
) -> tuple[list[float], float | None]:
    """(each learner's gain, the possible gain); ([], None) when the path's role and level have
    no requirements. See the module docstring."""
    scorer = readiness.Scorer(
        [
            readiness.Requirement(skill_id, target, weight)
            for skill_id, target, weight in RoleRequirement.objects.filter(
                role_id=path.role_id, level_id=path.level_id
            ).values_list("skill_id", "target_level", "weight")
        ]
    )
    if not scorer.scored:
        return [], None
    taught = StepSkill.objects.filter(step__path=path).values_list(
        "step__kind", "skill_id", "level"
    )
    full = readiness.proven_levels(taught)
    possible = _score(scorer, {s: readiness.SkillEvidence(completed=lv) for s, lv in full.items()})
    ids = sorted(user_id for user_id, learner in learners.items() if learner.done)
    gains = []
    for start in range(0, len(ids), READINESS_BATCH):
        batch = ids[start : start + READINESS_BATCH]
        evidence = evidence_by_user(batch, at=at)
        elsewhere = completed_elsewhere(path, batch)
        for user_id in batch:
            mine = evidence[user_id]
            other = elsewhere.get(user_id, {})
            without = {s: replace(e, completed=other.get(s, 0)) for s, e in mine.items()}
            gains.append(_score(scorer, mine) - _score(scorer, without))
    return gains, possible


def completed_elsewhere(path: LearningPath, user_ids: list[int]) -> dict[int, dict[int, int]]:
    """user -> skill -> the level their completed steps of other paths prove (one query)."""
    rows = (
        StepSkill.objects.filter(
            step__progress_entries__user_id__in=user_ids,
            step__progress_entries__status=ProgressEntry.Status.COMPLETED,
        )
        .exclude(step__path=path)
        .values_list("step__progress_entries__user_id", "skill_id", "step__kind")
        .annotate(top=Max("level"))
        .order_by()
    )
    proven: dict[int, dict[int, int]] = {}
    for user_id, skill_id, kind, level in rows:
        levels = proven.setdefault(user_id, {})
        levels[skill_id] = max(levels.get(skill_id, 0), readiness.proven_level(kind, level))
    return proven


def _spread(values: Sequence[float]) -> dict[str, float | None]:
    p25, median, p75 = quartiles(values) or (None, None, None)
    return {"p25": p25, "median": median, "p75": p75}


def path_summaries_compute(
    *, path: LearningPath, at: datetime
) -> tuple[PathSummary, list[StepSummary]]:
    """The path's summary rows as of `at`, unsaved."""
    step_ids = list(path.steps.order_by("position").values_list("pk", flat=True))
    learners = learners_of(path)
    first_open = {user_id: first_not_done(step_ids, lr) for user_id, lr in learners.items()}
    stops = Counter(
        first_open[user_id]
        for user_id, learner in learners.items()
        if learner.stopped(at) and first_open[user_id] < len(step_ids)
    )
    steps = []
    for index, step_id in enumerate(step_ids):
        minutes = [lr.minutes[step_id] for lr in learners.values() if step_id in lr.done]
        spread = _spread(minutes)
        steps.append(
            StepSummary(
                step_id=step_id,
                path_id=path.pk,
                reached=sum(1 for i in first_open.values() if i >= index),
                started=sum(1 for lr in learners.values() if step_id in lr.worked),
                completed=len(minutes),
                stopped=stops[index],
                minutes_p25=spread["p25"],
                minutes_median=spread["median"],
                minutes_p75=spread["p75"],
                suggested_minutes=suggested_minutes(spread["median"]),
                computed_at=at,
            )
        )
    days = [lr.days_to_complete for lr in learners.values() if lr.days_to_complete is not None]
    gains, possible = readiness_gains(path, learners, at)
    days_spread, gain_spread = _spread(days), _spread(gains)
    summary = PathSummary(
        path_id=path.pk,
        enrolled=len(learners),
        started=sum(1 for lr in learners.values() if lr.worked),
        completed=len(days),
        stopped=sum(stops.values()),
        days_p25=days_spread["p25"],
        days_median=days_spread["median"],
        days_p75=days_spread["p75"],
        gain_learners=len(gains),
        gain_p25=gain_spread["p25"],
        gain_median=gain_spread["median"],
        gain_p75=gain_spread["p75"],
        gain_possible=possible,
        computed_at=at,
    )
    return summary, steps


def path_summaries_store(*, summary: PathSummary, steps: list[StepSummary]) -> None:
    """Replace the path's rows in one transaction: upserts keyed on the path and the steps, so
    a second run with the same figures leaves identical rows (same keys, same values). A
    deleted step's row goes with it (CASCADE)."""
    with transaction.atomic():
        PathSummary.objects.bulk_create(
            [summary], update_conflicts=True, unique_fields=["path"], update_fields=PATH_FIELDS
        )
        StepSummary.objects.bulk_create(
            steps, update_conflicts=True, unique_fields=["step"], update_fields=STEP_FIELDS
        )


def path_summaries_refresh(*, path: LearningPath, at: datetime) -> PathSummary:
    """Compute (reads, outside the transaction) and store the path's rows."""
    summary, steps = path_summaries_compute(path=path, at=at)
    path_summaries_store(summary=summary, steps=steps)
    return summary
