"""Reads of learning paths: learners only ever see published ones."""

from django.db.models import Count, Prefetch, QuerySet, Sum

from paths.models import LearningPath, Step, StepSkill


def published_paths() -> QuerySet[LearningPath]:
    return (
        LearningPath.objects.filter(status=LearningPath.Status.PUBLISHED)
        .select_related("role", "level")
        .annotate(total_minutes=Sum("steps__estimated_minutes"), step_count=Count("steps"))
        .order_by("role__position", "level__rank", "title")
    )


def _with_steps(paths: QuerySet[LearningPath]) -> QuerySet[LearningPath]:
    steps = Step.objects.order_by("position").prefetch_related(
        Prefetch("step_skills", queryset=StepSkill.objects.select_related("skill")),
        Prefetch("prerequisites", queryset=Step.objects.only("pk", "position", "path_id")),
    )
    return paths.prefetch_related(Prefetch("steps", queryset=steps))


def published_paths_with_steps() -> QuerySet[LearningPath]:
    return _with_steps(published_paths())


def paths_for_preview() -> QuerySet[LearningPath]:
    """Every path, whatever its status, loaded as the learner's path page reads it: for a
    curator's preview in the admin only."""
    return _with_steps(
        LearningPath.objects.select_related("role", "level").annotate(
            total_minutes=Sum("steps__estimated_minutes"), step_count=Count("steps")
        )
    )


def steps_for_editor() -> QuerySet[Step]:
    """Steps with what the path editor summarises on each row: skills taught and
    prerequisites."""
    return Step.objects.order_by("position").prefetch_related(
        Prefetch("step_skills", queryset=StepSkill.objects.select_related("skill")),
        Prefetch("prerequisites", queryset=Step.objects.only("pk", "position", "title")),
    )
