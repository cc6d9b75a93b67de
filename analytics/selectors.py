"""Reads of the curator analytics: the pages read only the summary rows, in a fixed number of
queries whatever the number of paths, steps or learners."""

from django.db.models import QuerySet

from analytics.models import PathSummary, StepSummary
from paths.models import LearningPath

ANALYSED_STATUSES = (LearningPath.Status.PUBLISHED, LearningPath.Status.ARCHIVED)


def analysed_paths() -> QuerySet[LearningPath]:
    """The paths with analytics: published and archived ones (drafts have no learners)."""
    return LearningPath.objects.filter(status__in=ANALYSED_STATUSES).order_by("pk")


def path_summaries() -> QuerySet[PathSummary]:
    return PathSummary.objects.select_related("path__role", "path__level").order_by(
        "path__title", "path_id"
    )


def path_summary_get(*, path_id: int) -> PathSummary | None:
    return path_summaries().filter(path_id=path_id).first()


def step_summaries(*, path_id: int) -> list[StepSummary]:
    return list(
        StepSummary.objects.filter(path_id=path_id)
        .select_related("step")
        .order_by("step__position")
    )
