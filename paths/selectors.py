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


def published_paths_with_steps() -> QuerySet[LearningPath]:
    steps = Step.objects.order_by("position").prefetch_related(
        Prefetch("step_skills", queryset=StepSkill.objects.select_related("skill")),
        Prefetch("prerequisites", queryset=Step.objects.only("pk", "position", "path_id")),
    )
    return published_paths().prefetch_related(Prefetch("steps", queryset=steps))
