"""Every write to learning paths: publishing, archiving, duplicating, saving ordered steps."""

from collections.abc import Sequence

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from paths.models import LearningPath, Step, StepSkill

# Steps are moved out of the way above this offset while a path is renumbered, so that
# the unique (path, position) constraint holds at every statement.
_RENUMBER_OFFSET = 100_000


def path_publication_problems(*, path: LearningPath) -> list[str]:
    """Why the path cannot be published yet; empty when it can."""
    steps = list(path.steps.annotate(skill_count=Count("step_skills")).order_by("position"))
    if not steps:
        return ["it has no steps"]
    problems = [
        f'step {step.position} "{step.title}" teaches no skill'
        for step in steps
        if step.skill_count == 0
    ]
    if [step.position for step in steps] != list(range(1, len(steps) + 1)):
        problems.append("its step positions are not 1, 2, 3, ... without gaps")
    return problems


@transaction.atomic
def path_publish(*, path: LearningPath, by: AbstractBaseUser | None = None) -> LearningPath:
    path = LearningPath.objects.select_for_update().get(pk=path.pk)
    problems = path_publication_problems(path=path)
    if problems:
        raise ValidationError(f'"{path.title}" cannot be published: {"; ".join(problems)}.')
    path.status = LearningPath.Status.PUBLISHED
    path.published_at = path.published_at or timezone.now()
    if by is not None:  # a user of settings.AUTH_USER_MODEL: paths never imports tracker
        path.curated_by_id = by.pk
    path.save(update_fields=["status", "published_at", "curated_by", "updated_at"])
    return path


def path_archive(*, path: LearningPath) -> LearningPath:
    path.status = LearningPath.Status.ARCHIVED
    path.save(update_fields=["status", "updated_at"])
    return path


def _free_slug(base: str) -> str:
    taken = set(LearningPath.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


@transaction.atomic
def path_duplicate(*, path: LearningPath, by: AbstractBaseUser | None = None) -> LearningPath:
    """A draft copy of the path with its steps, their skills and prerequisites."""
    steps = list(path.steps.prefetch_related("step_skills", "prerequisites"))
    copy = LearningPath.objects.create(
        slug=_free_slug(f"{path.slug}-copy"),
        title=f"{path.title} (copy)",
        role_id=path.role_id,
        level_id=path.level_id,
        summary=path.summary,
        sequential=path.sequential,
        status=LearningPath.Status.DRAFT,
        curated_by_id=by.pk if by is not None else None,
    )
    new_steps = Step.objects.bulk_create(
        Step(
            path=copy,
            position=step.position,
            title=step.title,
            kind=step.kind,
            resource_url=step.resource_url,
            estimated_minutes=step.estimated_minutes,
        )
        for step in steps
    )
    by_old_id = {old.pk: new for old, new in zip(steps, new_steps, strict=True)}
    StepSkill.objects.bulk_create(
        StepSkill(step=by_old_id[old.pk], skill_id=link.skill_id, level=link.level)
        for old in steps
        for link in old.step_skills.all()
    )
    Prerequisite = Step.prerequisites.through
    Prerequisite.objects.bulk_create(
        Prerequisite(from_step_id=by_old_id[old.pk].pk, to_step_id=by_old_id[pre.pk].pk)
        for old in steps
        for pre in old.prerequisites.all()
    )
    return copy


@transaction.atomic
def path_steps_save(*, path: LearningPath, steps_in_order: Sequence[Step]) -> None:
    """Save the path's steps so that their positions are exactly 1..n in the given order.

    Existing steps are first moved above an offset in one statement, so swapping two
    positions never collides with the unique (path, position) constraint."""
    path.steps.filter(position__lt=_RENUMBER_OFFSET).update(
        position=F("position") + _RENUMBER_OFFSET
    )
    for position, step in enumerate(steps_in_order, start=1):
        step.path = path
        step.position = position
        step.save()
    leftover = path.steps.filter(position__gte=_RENUMBER_OFFSET).order_by("position")
    start = len(steps_in_order) + 1
    for position, step in enumerate(leftover, start=start):
        Step.objects.filter(pk=step.pk).update(position=position)


@transaction.atomic
def step_skills_set(*, step: Step, levels: dict[int, int]) -> None:
    """Make the step teach exactly these skills (skill id -> level)."""
    step.step_skills.exclude(skill_id__in=levels).delete()
    for skill_id, level in levels.items():
        StepSkill.objects.update_or_create(step=step, skill_id=skill_id, defaults={"level": level})
