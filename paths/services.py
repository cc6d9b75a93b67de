"""Every write to learning paths: publishing, archiving, duplicating, draft copies of published
paths, saving ordered steps."""

from collections.abc import Sequence

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.db.models import Count, F, ProtectedError, RestrictedError
from django.db.models.deletion import Collector
from django.utils import timezone
from django.utils.translation import gettext as _

from paths.models import LearningPath, Step, StepSkill
from paths.signals import path_published, path_steps_changed

# Steps are moved out of the way above this offset while a path is renumbered, so that
# the unique (path, position) constraint holds at every statement.
_RENUMBER_OFFSET = 100_000


def path_publication_problems(*, path: LearningPath) -> list[str]:
    """Why the path cannot be published yet; empty when it can."""
    steps = list(path.steps.annotate(skill_count=Count("step_skills")).order_by("position"))
    if not steps:
        return [_("it has no steps")]
    problems = [
        _('step %(position)s "%(title)s" teaches no skill')
        % {"position": step.position, "title": step.title}
        for step in steps
        if step.skill_count == 0
    ]
    if [step.position for step in steps] != list(range(1, len(steps) + 1)):
        problems.append(_("its step positions are not 1, 2, 3, ... without gaps"))
    return problems


def _cannot_publish(path: LearningPath, problems: str) -> ValidationError:
    return ValidationError(
        _('"%(title)s" cannot be published: %(problems)s.')
        % {"title": path.title, "problems": problems}
    )


@transaction.atomic
def path_publish(*, path: LearningPath, by: AbstractBaseUser | None = None) -> LearningPath:
    path = LearningPath.objects.select_for_update().get(pk=path.pk)
    if path.draft_of_id is not None:
        return path_draft_publish(draft=path, by=by)
    problems = path_publication_problems(path=path)
    if problems:
        raise _cannot_publish(path, "; ".join(problems))
    path.status = LearningPath.Status.PUBLISHED
    path.published_at = path.published_at or timezone.now()
    if by is not None:  # a user of settings.AUTH_USER_MODEL: paths never imports tracker
        path.curated_by_id = by.pk
    path.save(update_fields=["status", "published_at", "curated_by", "updated_at"])
    path_published.send(sender=LearningPath, path_id=path.pk)
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


def _steps_copy(*, source: LearningPath, target: LearningPath, link: bool) -> None:
    """Copy the source's steps, their skills and prerequisites onto the (empty) target; with
    `link`, each copy remembers the step it was made from (a draft copy's `draft_of`)."""
    steps = list(source.steps.order_by("position").prefetch_related("step_skills", "prerequisites"))
    new_steps = Step.objects.bulk_create(
        Step(
            path=target,
            position=step.position,
            title=step.title,
            kind=step.kind,
            resource_url=step.resource_url,
            estimated_minutes=step.estimated_minutes,
            draft_of=step if link else None,
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


@transaction.atomic
def path_duplicate(*, path: LearningPath, by: AbstractBaseUser | None = None) -> LearningPath:
    """A draft copy of the path with its steps, their skills and prerequisites."""
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
    _steps_copy(source=path, target=copy, link=False)
    return copy


@transaction.atomic
def path_draft_open(*, path: LearningPath, by: AbstractBaseUser | None = None) -> LearningPath:
    """The draft copy in which a published path is edited: the open one, else a new one with
    the path's steps, skills and prerequisites. Learners keep seeing the published path until
    the draft is published (`path_draft_publish`)."""
    path = LearningPath.objects.select_for_update().get(pk=path.pk)
    if path.draft_of_id is not None:
        return path
    existing = LearningPath.objects.filter(draft_of=path).first()
    if existing is not None:
        return existing
    if path.status != LearningPath.Status.PUBLISHED:
        raise ValidationError(
            _("Only a published path is edited in a draft copy; edit this one directly.")
        )
    draft = LearningPath.objects.create(
        slug=_free_slug(f"{path.slug}-draft"),
        title=path.title,
        role_id=path.role_id,
        level_id=path.level_id,
        summary=path.summary,
        sequential=path.sequential,
        status=LearningPath.Status.DRAFT,
        curated_by_id=by.pk if by is not None else path.curated_by_id,
        draft_of=path,
    )
    _steps_copy(source=path, target=draft, link=True)
    return draft


def _protected(step: Step) -> bool:
    """Whether deleting the step would take rows another app protects (learners' progress:
    the catalogue never imports the learner side, so it asks the deletion collector)."""
    try:
        Collector(using=router.db_for_write(Step)).collect([step])
    except (ProtectedError, RestrictedError):
        return True
    return False


@transaction.atomic
def path_draft_publish(*, draft: LearningPath, by: AbstractBaseUser | None = None) -> LearningPath:
    """Apply a draft copy onto the published path it was made from, then delete the draft.

    The published path keeps its id and slug (enrolments stay), and each step the draft kept
    keeps its row (learners' progress keeps pointing at it); the draft's new steps are created
    and the steps it dropped are deleted, unless learners have progress on them: then nothing
    changes and the error names them. Sends `path_steps_changed` once."""
    draft = LearningPath.objects.select_for_update().get(pk=draft.pk)
    if draft.draft_of_id is None:
        raise ValidationError(_("This path is not a draft copy."))
    original = LearningPath.objects.select_for_update().get(pk=draft.draft_of_id)
    problems = path_publication_problems(path=draft)
    if problems:
        raise _cannot_publish(draft, "; ".join(problems))
    draft_steps = list(
        draft.steps.order_by("position").prefetch_related("step_skills", "prerequisites")
    )
    originals = {step.pk: step for step in original.steps.all()}
    kept = {step.draft_of_id for step in draft_steps if step.draft_of_id in originals}
    dropped = [step for pk, step in sorted(originals.items()) if pk not in kept]
    with_progress = [step for step in dropped if _protected(step)]
    if with_progress:
        steps = ", ".join(f'"{step.title}"' for step in with_progress)
        raise _cannot_publish(
            draft,
            _(
                "learners have progress on %(steps)s, which this draft removes; keep those "
                "steps (to start again, delete this draft)"
            )
            % {"steps": steps},
        )
    for step in dropped:
        step.delete()
    original.steps.update(position=F("position") + _RENUMBER_OFFSET)
    target_of: dict[int, Step] = {}
    for position, draft_step in enumerate(draft_steps, start=1):
        step = originals.get(draft_step.draft_of_id or 0) or Step(path=original)
        step.position = position
        step.title = draft_step.title
        step.kind = draft_step.kind
        step.resource_url = draft_step.resource_url
        step.estimated_minutes = draft_step.estimated_minutes
        step.draft_of = None
        step.save()
        target_of[draft_step.pk] = step
    StepSkill.objects.filter(step__path=original).delete()
    StepSkill.objects.bulk_create(
        StepSkill(step=target_of[draft_step.pk], skill_id=link.skill_id, level=link.level)
        for draft_step in draft_steps
        for link in draft_step.step_skills.all()
    )
    Prerequisite = Step.prerequisites.through
    Prerequisite.objects.filter(from_step__path=original).delete()
    Prerequisite.objects.bulk_create(
        Prerequisite(from_step_id=target_of[draft_step.pk].pk, to_step_id=target_of[pre.pk].pk)
        for draft_step in draft_steps
        for pre in draft_step.prerequisites.all()
        if pre.pk in target_of
    )
    for field in ("title", "summary", "role_id", "level_id", "sequential"):
        setattr(original, field, getattr(draft, field))
    original.status = LearningPath.Status.PUBLISHED
    original.published_at = original.published_at or timezone.now()
    if by is not None:
        original.curated_by_id = by.pk
    original.save()
    draft.delete()
    # Completed steps may now grant other levels: the learner side marks their learners stale.
    path_steps_changed.send(sender=LearningPath, path_id=original.pk)
    path_published.send(sender=LearningPath, path_id=original.pk)
    return original


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
def step_delete(*, step: Step) -> None:
    """Delete a step (refused by the database if learners have progress on it) and close the
    gap: the path's positions stay 1..n."""
    learning_path = step.path
    step.delete()
    path_steps_save(path=learning_path, steps_in_order=list(learning_path.steps.all()))
