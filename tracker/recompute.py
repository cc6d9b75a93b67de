"""Rebuild learners' stored readiness from their source rows (tracker/readiness.py computes).

`readiness_recompute_many` reads a whole batch with set-based queries and writes it with upserts
(tracker/score_store.py): a fixed number of queries per batch, whatever its size (on PostgreSQL;
SQLite's bulk writes split at its parameter limit). Keep batches to a few hundred learners.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Max, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from assessments.memory import next_fade
from assessments.models import MemoryState, SkillCheck
from careers.models import Role, RoleRequirement, SeniorityLevel, Skill
from paths.models import StepSkill
from tracker import readiness
from tracker.models import (
    LearnerProfile,
    ProgressEntry,
    ReadinessScore,
    ReadinessSnapshot,
    SkillClaim,
)
from tracker.reviews import retained_steps_by_user, retained_steps_replayed
from tracker.score_store import ScoreRows, score_rows_store

RECOMPUTE_BATCH_SIZE = 500
# 10 000 snapshot rows of 5 columns stay under PostgreSQL's 65 535 parameters per statement.
ROWS_PER_STATEMENT = 10_000


def requirements_by_target() -> dict[tuple[int, int], list[readiness.Requirement]]:
    """Every (role id, level id) pair, with its requirements (an empty list if none)."""
    targets: dict[tuple[int, int], list[readiness.Requirement]] = {
        (role_id, level_id): []
        for role_id in Role.objects.values_list("pk", flat=True)
        for level_id in SeniorityLevel.objects.values_list("pk", flat=True)
    }
    for role_id, level_id, skill_id, target, weight in RoleRequirement.objects.values_list(
        "role_id", "level_id", "skill_id", "target_level", "weight"
    ):
        targets[(role_id, level_id)].append(readiness.Requirement(skill_id, target, weight))
    return targets


def proficiency_by_user(
    user_ids: Iterable[int], until: datetime | None = None
) -> dict[int, dict[int, Fraction]]:
    """p_s per skill for each learner (readiness.proficiency), from their evidence now, or from
    the evidence that existed at `until` if given (with decay as it was then: their reviews up
    to then replayed)."""
    return {
        user_id: readiness.proficiency(evidence)
        for user_id, evidence in evidence_by_user(user_ids, until).items()
    }


def scaled_proficiency_by_user(
    user_ids: Iterable[int], at: datetime | None = None
) -> dict[int, dict[int, int]]:
    """The same, times readiness.SCALE, as integers (for readiness.Scorer), with decay as of
    `at` (now by default)."""
    return {
        user_id: readiness.scaled_proficiency(evidence)
        for user_id, evidence in evidence_by_user(user_ids, None, at).items()
    }


def evidence_by_user(
    user_ids: Iterable[int], until: datetime | None = None, at: datetime | None = None
) -> dict[int, dict[int, readiness.SkillEvidence]]:
    """Each learner's evidence per skill: levels proven by completed steps (any path, any
    enrolment, capped by their kind), by passed skill checks, and claimed, with the retained
    fraction of their memory of it at `at`. With `until`: only evidence up to then, and the
    retained fractions then (one learner at a time: their reviews are replayed)."""
    user_ids = list(user_ids)
    completed: dict[int, dict[int, int]] = defaultdict(dict)
    entries = Q(
        step__progress_entries__user_id__in=user_ids,
        step__progress_entries__status=ProgressEntry.Status.COMPLETED,
    )
    claims = SkillClaim.objects.filter(user_id__in=user_ids)
    passed = SkillCheck.objects.filter(
        user_id__in=user_ids, purpose=SkillCheck.Purpose.VERIFY, passed=True
    )
    if until is not None:
        entries &= Q(step__progress_entries__occurred_at__lte=until)
        claims = claims.filter(created_at__lte=until)
        passed = passed.filter(submitted_at__lte=until)
    rows = (  # per kind of step: each kind proves a skill up to its own ceiling
        StepSkill.objects.filter(entries)
        .values_list("step__progress_entries__user_id", "skill_id", "step__kind")
        .annotate(top=Max("level"))
        .order_by()
    )
    for user_id, skill_id, kind, level in rows:
        proven = readiness.proven_level(kind, level)
        if proven > completed[user_id].get(skill_id, 0):
            completed[user_id][skill_id] = proven
    claimed: dict[int, dict[int, int]] = defaultdict(dict)
    for user_id, skill_id, level in claims.values_list("user_id", "skill_id", "level"):
        claimed[user_id][skill_id] = level
    verified: dict[int, dict[int, int]] = defaultdict(dict)
    for user_id, skill_id, level in (
        passed.values_list("user_id", "skill_id").annotate(top=Max("level")).order_by()
    ):
        verified[user_id][skill_id] = level
    retained = (
        {user_id: retained_steps_replayed(user_id=user_id, until=until) for user_id in user_ids}
        if until is not None
        else retained_steps_by_user(user_ids, at or timezone.now())
    )
    evidence: dict[int, dict[int, readiness.SkillEvidence]] = {}
    for user_id in user_ids:
        done, checked, own = completed[user_id], verified[user_id], claimed[user_id]
        kept = retained.get(user_id, {})
        evidence[user_id] = {
            skill: readiness.SkillEvidence(
                completed=done.get(skill, 0),
                verified=checked.get(skill, 0),
                claimed=own.get(skill, 0),
                retained_steps=kept.get(skill, readiness.RETAINED_STEPS),
            )
            for skill in done.keys() | checked.keys() | own.keys()
        }
    return evidence


def breakdown_lines_json(
    lines: list[readiness.FloatLine], skills: dict[int, Skill]
) -> list[dict[str, Any]]:
    return [
        {
            "skill_id": r.skill_id,
            "skill": skills[r.skill_id].slug,
            "name": skills[r.skill_id].name,
            "target": r.target,
            "weight": r.weight,
            "current": current,
            "earned": earned,
            "possible": possible,
        }
        for r, current, earned, possible in lines
    ]


@transaction.atomic
def readiness_recompute_many(*, user_ids: Iterable[int]) -> datetime:
    """Recompute and store every role and level for these learners; returns the start time.

    A learner's stale mark is cleared only if it is not newer than that start, so a change
    that lands while this runs keeps its mark and is picked up next time."""
    ids = list(dict.fromkeys(user_ids))
    # Lock the learners first: a change committing while this reads would otherwise have its
    # stale mark cleared below without being counted. Its mark now waits for this to finish.
    zones = dict(
        LearnerProfile.objects.select_for_update()
        .filter(user_id__in=ids)
        .order_by("pk")
        .values_list("user_id", "timezone")
    )
    started = timezone.now()
    targets = requirements_by_target()
    skills = Skill.objects.in_bulk({r.skill_id for reqs in targets.values() for r in reqs})
    levels_by_user = scaled_proficiency_by_user(ids)
    # Per target: the scorer, and the results already computed for a combination of levels in
    # its skills (many learners share one, and then share the score and the stored breakdown).
    scorers = {target: readiness.Scorer(requirements) for target, requirements in targets.items()}
    seen: dict[tuple[int, int], dict[tuple[int, ...], tuple[float | None, int]]] = {
        target: {} for target in targets
    }
    days = {zone: started.astimezone(ZoneInfo(zone)).date() for zone in set(zones.values())}

    rows = ScoreRows(computed_at=started)
    for user_id in ids:
        day = days[zones[user_id]] if user_id in zones else started.astimezone(UTC).date()
        levels = levels_by_user[user_id]
        for target, scorer in scorers.items():
            key = tuple([levels.get(skill_id, 0) for skill_id in scorer.skill_ids])
            if (done := seen[target].get(key)) is None:
                score, lines = scorer.score(levels)
                done = seen[target][key] = (
                    score,
                    rows.add_breakdown(breakdown_lines_json(lines, skills)),
                )
            rows.add(user_id, *target, day, *done)
    score_rows_store(rows)
    LearnerProfile.objects.filter(user_id__in=ids, readiness_stale_at__lte=started).update(
        readiness_stale_at=None
    )
    return started


def readiness_recompute(*, user_id: int) -> datetime:
    return readiness_recompute_many(user_ids=[user_id])


def readiness_score_compute(*, user_id: int, role: Role, level: SeniorityLevel) -> ReadinessScore:
    """One role and level for one learner, computed now and not stored: what the next
    recompute will store. For a learner whose scores are not stored yet (a new learner, a
    new target), so that readiness exists from the first minute."""
    requirements = [
        readiness.Requirement(skill_id, target, weight)
        for skill_id, target, weight in RoleRequirement.objects.filter(
            role=role, level=level
        ).values_list("skill_id", "target_level", "weight")
    ]
    skills = Skill.objects.in_bulk({r.skill_id for r in requirements})
    score, lines = readiness.Scorer(requirements).score(
        scaled_proficiency_by_user([user_id])[user_id]
    )
    return ReadinessScore(
        user_id=user_id,
        role=role,
        level=level,
        score=score,
        breakdown=breakdown_lines_json(lines, skills),
        computed_at=timezone.now(),
    )


@transaction.atomic
def readiness_snapshots_backfill(*, user_id: int, days: Iterable[date]) -> None:
    """Write the snapshots the learner would have had at the end of each (local) day, from the
    evidence that existed then. For imported or demo history; live days are written by
    the recompute."""
    zone = ZoneInfo(LearnerProfile.objects.get(user_id=user_id).timezone)
    targets = requirements_by_target()
    snapshots = []
    for day in days:
        end_of_day = datetime.combine(day, time.max, tzinfo=zone)
        levels = proficiency_by_user([user_id], until=end_of_day)[user_id]
        for (role_id, level_id), requirements in targets.items():
            score = readiness.readiness(requirements, levels).score
            snapshots.append(
                ReadinessSnapshot(
                    user_id=user_id,
                    role_id=role_id,
                    level_id=level_id,
                    day=day,
                    score=None if score is None else float(score),
                )
            )
    ReadinessSnapshot.objects.bulk_create(
        snapshots,
        update_conflicts=True,
        unique_fields=["user", "role", "level", "day"],
        update_fields=["score"],
    )


SWEEP_BATCH_SIZE = RECOMPUTE_BATCH_SIZE


def stale_sweep(*, batch_size: int = SWEEP_BATCH_SIZE, max_batches: int = 20) -> int:
    """Recompute stale learners, oldest mark first, one committed batch at a time; returns how
    many were recomputed. Rows are taken with SKIP LOCKED, so two sweeps running at once work on
    disjoint batches (on SQLite, which has no row locks, writes are serialised anyway)."""
    done = 0
    for _ in range(max_batches):
        with transaction.atomic():
            ids = list(
                LearnerProfile.objects.select_for_update(skip_locked=True)
                .filter(readiness_stale_at__isnull=False)
                .order_by("readiness_stale_at")
                .values_list("user_id", flat=True)[:batch_size]
            )
            if not ids:
                break
            readiness_recompute_many(user_ids=ids)
        done += len(ids)
    return done


def faded_learners_mark_stale(*, at: datetime, batch_size: int = 1000) -> int:
    """Mark stale the learners with a skill whose retained fraction dropped by `at` (its
    `fades_at` passed), and move each such memory's `fades_at` to its next drop. Only those
    learners are rescored by the sweep; returns how many were marked."""
    marked: set[int] = set()
    while True:
        with transaction.atomic():
            faded = MemoryState.objects.select_for_update(skip_locked=True).filter(fades_at__lte=at)
            memories = list(faded.order_by("fades_at")[:batch_size])
            if not memories:
                return len(marked)
            for memory in memories:
                memory.fades_at = next_fade(memory, at)
            MemoryState.objects.bulk_update(memories, ["fades_at"])
            users = {memory.user_id for memory in memories} - marked
            LearnerProfile.objects.filter(user_id__in=users).update(
                readiness_stale_at=Coalesce("readiness_stale_at", Value(at)), changed_at=at
            )
            marked |= users


def daily_snapshots_write(*, batch_size: int = RECOMPUTE_BATCH_SIZE) -> int:
    """Copy each active learner's current scores into today's snapshot (their local date),
    so the history has a point for every day, changed or not. Returns learners written."""
    active = (
        LearnerProfile.objects.filter(user__enrolments__status="active")
        .values_list("user_id", "timezone")
        .distinct()
        .order_by("user_id")
    )
    now, written, last_id = timezone.now(), 0, 0
    while batch := list(active.filter(user_id__gt=last_id)[:batch_size]):
        days = {user_id: now.astimezone(ZoneInfo(zone)).date() for user_id, zone in batch}
        scores = ReadinessScore.objects.filter(user_id__in=days).values_list(
            "user_id", "role_id", "level_id", "score"
        )
        ReadinessSnapshot.objects.bulk_create(
            [
                ReadinessSnapshot(
                    user_id=user_id,
                    role_id=role_id,
                    level_id=level_id,
                    day=days[user_id],
                    score=score,
                )
                for user_id, role_id, level_id, score in scores
            ],
            update_conflicts=True,
            unique_fields=["user", "role", "level", "day"],
            update_fields=["score"],
            batch_size=ROWS_PER_STATEMENT,
        )
        written += len(batch)
        last_id = batch[-1][0]
    return written
