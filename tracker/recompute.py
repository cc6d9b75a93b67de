"""Rebuild learners' stored readiness from their source rows (tracker/readiness.py computes).

`readiness_recompute_many` reads a whole batch with set-based queries and writes it with upserts
(tracker/score_store.py): a fixed number of queries per batch, whatever its size (on PostgreSQL;
SQLite's bulk writes split at its parameter limit). Keep batches to a few hundred learners.
"""

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time
from fractions import Fraction
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Max, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from assessments.memory import next_fade, retained_at
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
from tracker.reviews import retained_steps_replayed
from tracker.score_store import ScoreRows, score_rows_store

T = TypeVar("T")

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
    return _per_skill(user_ids, None, at, _scaled_level)


def _scaled_level(completed: int, verified: int, claimed: int, retained_steps: int) -> int:
    return readiness.scaled_level(
        readiness.SkillEvidence(completed, verified, claimed, retained_steps)
    )


def evidence_by_user(
    user_ids: Iterable[int], until: datetime | None = None, at: datetime | None = None
) -> dict[int, dict[int, readiness.SkillEvidence]]:
    """Each learner's evidence per skill: levels proven by completed steps (any path, any
    enrolment, capped by their kind), by passed skill checks, and claimed, with the retained
    fraction of their memory of it at `at`. With `until`: only evidence up to then, and the
    retained fractions then (one learner at a time: their reviews are replayed)."""
    return _per_skill(user_ids, until, at, readiness.SkillEvidence)


def _per_skill(
    user_ids: Iterable[int],
    until: datetime | None,
    at: datetime | None,
    of: Callable[[int, int, int, int], T],
) -> dict[int, dict[int, T]]:
    """evidence_by_user, with `of(completed, verified, claimed, retained_steps)` made of each
    skill's evidence: once per distinct evidence (levels 0-5 and 11 retained fractions: 2 376
    at most), shared by the learners who have it (a SkillEvidence is frozen)."""
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
        else retained_steps_now(user_ids, at or timezone.now())
    )
    made: dict[tuple[int, int, int, int], T] = {}
    evidence: dict[int, dict[int, T]] = {}
    for user_id in user_ids:
        done, checked, own = completed[user_id], verified[user_id], claimed[user_id]
        kept = retained.get(user_id, {})
        evidence[user_id] = per_skill = {}
        for skill in done.keys() | checked.keys() | own.keys():
            shown = (
                done.get(skill, 0),
                checked.get(skill, 0),
                own.get(skill, 0),
                kept.get(skill, readiness.RETAINED_STEPS),
            )
            if (value := made.get(shown)) is None:
                value = made[shown] = of(*shown)
            per_skill[skill] = value
    return evidence


def retained_steps_now(user_ids: list[int], at: datetime) -> dict[int, dict[int, int]]:
    """user -> skill -> retained fraction in twentieths at `at`, for the skills with a memory
    (assessments.memory.retained of each): the columns it reads, not whole rows."""
    steps = retained_at(at)
    by_user: dict[int, dict[int, int]] = defaultdict(dict)
    for user_id, skill_id, lapsed, stability, last_review in MemoryState.objects.filter(
        user_id__in=user_ids
    ).values_list("user_id", "skill_id", "lapsed", "stability", "last_review"):
        by_user[user_id][skill_id] = steps(lapsed, stability, last_review)
    return by_user


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


class TargetLines:
    """One role and level's breakdown lines and score, per combination of levels in its skills.

    A breakdown line depends on its own skill's level only, and the score's numerator is the sum
    of the lines' (readiness.Scorer), so each line is computed once per level, by the Scorer on
    that one skill, and kept as its JSON text and its part of the numerator. A combination's
    score is then the sum of its lines' parts over the Scorer's denominator, exactly as
    Scorer.score() divides, and its breakdown the lines' texts: json.dumps of
    breakdown_lines_json(), as one text. Kept across batches (see target_lines)."""

    def __init__(self, requirements: list[readiness.Requirement], skills: dict[int, Skill]):
        self.scorer, self.skills = readiness.Scorer(requirements), skills
        self.skill_ids = self.scorer.skill_ids
        self.lines: list[dict[int, tuple[int, str]]] = [{} for _ in self.skill_ids]

    def result(self, levels: tuple[int, ...]) -> tuple[float | None, str]:
        """The score and the breakdown as JSON for these levels (in `skill_ids` order)."""
        if not self.scorer.scored:
            return None, "[]"
        numerator = 0
        parts: list[str] = []
        for position, (line, level) in enumerate(zip(self.lines, levels, strict=True)):
            if (known := line.get(level)) is None:
                known = line[level] = self._line(position, level)
            numerator += known[0]
            parts.append(known[1])
        return numerator / self.scorer.denominator, "[" + ",".join(parts) + "]"

    def _line(self, position: int, level: int) -> tuple[int, str]:
        alone = {self.skill_ids[position]: level}
        _, lines = self.scorer.score(alone)
        line = breakdown_lines_json([lines[position]], self.skills)[0]
        # Without spaces: less to send and parse, and jsonb stores the same value.
        return self.scorer.numerator(alone), json.dumps(line, separators=(",", ":"))


_TARGET_LINES: dict[tuple[Any, ...], TargetLines] = {}


def target_lines(
    requirements: list[readiness.Requirement], skills: dict[int, Skill]
) -> TargetLines:
    """The TargetLines of these requirements (with these skills' names), from earlier batches
    if any: a full recompute computes each line once, not once per batch. At most 256 kept."""
    key = tuple(
        (r.skill_id, r.target, r.weight, skills[r.skill_id].slug, skills[r.skill_id].name)
        for r in sorted(requirements, key=lambda r: r.skill_id)
    )
    if (lines := _TARGET_LINES.get(key)) is None:
        if len(_TARGET_LINES) >= 256:
            _TARGET_LINES.clear()
        lines = _TARGET_LINES[key] = TargetLines(requirements, skills)
    return lines


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
    # Per target: its lines, and the results already added for a combination of levels (many
    # learners share one, and then share the score and the stored breakdown).
    results: list[tuple[int, int, TargetLines, dict[tuple[int, ...], int]]] = [
        (role_id, level_id, target_lines(requirements, skills), {})
        for (role_id, level_id), requirements in targets.items()
    ]
    days = {zone: started.astimezone(ZoneInfo(zone)).date() for zone in set(zones.values())}
    utc_day = started.astimezone(UTC).date()

    rows = ScoreRows(computed_at=started)
    add, add_result = rows.add, rows.add_result
    for user_id in ids:
        day = days[zones[user_id]] if user_id in zones else utc_day
        get = levels_by_user[user_id].get
        for role_id, level_id, target, done in results:
            levels = tuple([get(skill_id, 0) for skill_id in target.skill_ids])
            if (index := done.get(levels)) is None:
                index = done[levels] = add_result(*target.result(levels))
            add(user_id, role_id, level_id, day, index)
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
