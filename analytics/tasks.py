"""Celery tasks of the curator analytics: thin, idempotent (acks_late: a redelivered message
writes the same rows again), on the default queue, which the `make run` worker and the
production readiness group consume."""

from celery import shared_task

from analytics.selectors import analysed_paths
from analytics.services import analytics_refresh
from config.celery_app import enqueue_or_skip
from tracker.tasks import IDEMPOTENT


@shared_task(name="analytics.refresh_path", **IDEMPOTENT)
def refresh_path_analytics(path_id: int) -> int:
    return analytics_refresh(path_ids=[path_id])


@shared_task(name="analytics.refresh", **IDEMPOTENT)
def refresh_all_analytics() -> int:
    """Nightly: one task per path, so each path has its own time limit and retries."""
    path_ids = list(analysed_paths().values_list("pk", flat=True))
    for path_id in path_ids:
        refresh_path_analytics.delay(path_id)
    return len(path_ids)


def refresh_path_analytics_soon(path_id: int) -> None:
    """After a path is published (called on commit). If the broker is down this does nothing
    and returns at once: the nightly refresh catches up."""
    enqueue_or_skip(refresh_path_analytics, path_id)
