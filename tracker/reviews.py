"""Reads for the learner side of spaced review (assessments/memory.py keeps the FSRS memory
states): how much of each skill a learner retains, and which reviews are due for them."""

from dataclasses import dataclass
from datetime import datetime

from fsrs import Rating

from assessments.memory import CHECK, REVIEW, STEP, retained, retrievability, shown
from assessments.models import MemoryState, SkillCheck
from assessments.retention import RETAINED_STEPS
from assessments.services import review_rating
from careers.models import Skill
from paths.models import StepSkill
from tracker.models import LearnerProfile, ProgressEntry, User
from tracker.readiness import proven_level


@dataclass(frozen=True)
class SkillMemory:
    skill: Skill
    level: int  # the highest level reviewed (what a review checks)
    retrievability: float  # the chance of recalling it now, 0-1
    retained_steps: int  # twentieths of the held level that count now
    lapsed: bool  # the last review failed: counts at the floor until a review passes
    due: bool  # lapsed, or below the learner's desired retention

    @property
    def retained_fraction(self) -> float:
        return self.retained_steps / RETAINED_STEPS

    @property
    def fading(self) -> bool:
        return self.retained_steps < RETAINED_STEPS


def memories_for(
    *, user: User, at: datetime, desired_retention: float | None = None
) -> list[SkillMemory]:
    """The learner's memory of each skill they hold, lapsed first, then least retained (due:
    lapsed or below their desired retention, read from their profile unless given)."""
    wanted = desired_retention or LearnerProfile.objects.get(user=user).desired_retention
    memories = []
    for memory in MemoryState.objects.filter(user=user).select_related("skill"):
        recall = retrievability(memory, at)
        memories.append(
            SkillMemory(
                skill=memory.skill,
                level=memory.level,
                retrievability=recall,
                retained_steps=retained(memory, at),
                lapsed=memory.lapsed,
                due=memory.lapsed or recall < wanted,
            )
        )
    return sorted(memories, key=lambda m: (not m.lapsed, m.retrievability, m.skill.name))


def reviews_due(
    *, user: User, at: datetime, desired_retention: float | None = None
) -> list[SkillMemory]:
    memories = memories_for(user=user, at=at, desired_retention=desired_retention)
    return [memory for memory in memories if memory.due]


def retained_steps_replayed(*, user_id: int, until: datetime) -> dict[int, int]:
    """skill -> retained fraction in twentieths at `until`, from what the learner showed up to
    then (steps first completed, checks and reviews submitted) replayed through their memory in
    the order it was recorded, by the same rules as live (assessments/memory.py `shown`): what
    they retained on a past day, for the history of their scores. A reconstruction: progress
    logged late is placed by when it was recorded, as live."""
    first_completed: dict[int, tuple[datetime, datetime]] = {}
    for step_id, recorded, at in (
        ProgressEntry.objects.filter(user_id=user_id, status=ProgressEntry.Status.COMPLETED)
        .order_by("created_at", "pk")
        .values_list("step_id", "created_at", "occurred_at")
    ):
        first_completed.setdefault(step_id, (recorded, min(at, recorded)))
    first_completed = {  # the first completion, if it had happened by then
        step_id: times for step_id, times in first_completed.items() if times[1] <= until
    }
    showings: list[tuple[datetime, datetime, int, int, Rating, str]] = [
        (*first_completed[step_id], skill_id, proven_level(kind, level), Rating.Good, STEP)
        for step_id, kind, skill_id, level in StepSkill.objects.filter(
            step_id__in=first_completed
        ).values_list("step_id", "step__kind", "skill_id", "level")
    ]
    for check in SkillCheck.objects.filter(user_id=user_id, submitted_at__lte=until):
        rating = review_rating(check)
        if rating is not None and check.submitted_at is not None:
            by = REVIEW if check.purpose == SkillCheck.Purpose.REVIEW else CHECK
            at = min(check.submitted_at, check.expires_at)  # as live: a late one at its end
            showings.append((check.submitted_at, at, check.skill_id, check.level, rating, by))
    memories: dict[int, MemoryState] = {}
    for _recorded, at, skill_id, level, rating, by in sorted(showings, key=lambda s: s[:2]):
        memory = memories.setdefault(
            skill_id, MemoryState(user_id=user_id, skill_id=skill_id, level=1)
        )
        shown(memory, level=level, rating=rating, at=at, by=by)
    return {skill_id: retained(memory, until) for skill_id, memory in memories.items()}
