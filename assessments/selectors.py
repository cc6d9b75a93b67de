"""Reads for the skill-check pages: a learner's own check with everything its page shows, and
which skills and levels have a check."""

from collections.abc import Iterable

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Count, Max, Prefetch

from assessments.models import CheckItem, Choice, Question, SkillCheck
from assessments.services import QUESTIONS_PER_CHECK


def check_get(*, user: AbstractBaseUser, pk: int) -> SkillCheck:
    """The learner's check with its items, questions and choices; DoesNotExist for another
    learner's, as for a missing one."""
    items = CheckItem.objects.select_related("question").prefetch_related(
        Prefetch("question__choices", queryset=Choice.objects.order_by("position"))
    )
    return (
        SkillCheck.objects.select_related("skill")
        .prefetch_related(Prefetch("items", queryset=items))
        .get(user_id=user.pk, pk=pk)
    )


def checkable_levels() -> dict[str, list[int]]:
    """Skill slug -> the levels (ascending) with enough active questions for a check."""
    pairs = (
        Question.objects.filter(is_active=True)
        .values_list("skill__slug", "level")
        .annotate(total=Count("pk"))
        .filter(total__gte=QUESTIONS_PER_CHECK)
        .order_by("skill__slug", "level")
        .values_list("skill__slug", "level")
    )
    levels: dict[str, list[int]] = {}
    for slug, level in pairs:
        levels.setdefault(slug, []).append(level)
    return levels


def check_level_for(checkable: dict[str, list[int]], skill: str, target: int) -> int | None:
    """The check that proves `target`: the lowest level with a check at or above it."""
    return next((level for level in checkable.get(skill, ()) if level >= target), None)


def verified_levels(*, user_id: int, skill_ids: Iterable[int]) -> dict[int, int]:
    """Skill id -> the highest level of a skill check the learner passed."""
    return dict(
        SkillCheck.objects.filter(
            user_id=user_id,
            skill_id__in=list(skill_ids),
            purpose=SkillCheck.Purpose.VERIFY,
            passed=True,
        )
        .values_list("skill_id")
        .annotate(top=Max("level"))
        .order_by()
    )
