"""Celery tasks: primitive ids in, one service call, retries and limits declared here.

Every task here is idempotent, so all of them use acks_late with reject_on_worker_lost: a
message whose worker dies is redelivered, and running it again does no harm. Retries are only
for transient database errors, bounded, with exponential backoff and jitter."""

from typing import Any

from celery import Task, shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from config.celery_app import enqueue_or_skip
from tracker import recompute, reminders, retention
from tracker.idempotency import idempotency_keys_expire

TRANSIENT = (OperationalError, InterfaceError)
IDEMPOTENT: dict[str, Any] = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": TRANSIENT,
    "retry_backoff": 2,
    "retry_backoff_max": settings.CELERY_RETRY_BACKOFF_MAX,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(name="readiness.recompute", time_limit=60, soft_time_limit=50, **IDEMPOTENT)
def recompute_readiness(user_id: int) -> None:
    recompute.readiness_recompute(user_id=user_id)


@shared_task(name="readiness.sweep", **IDEMPOTENT)
def sweep_stale_readiness() -> int:
    return recompute.stale_sweep()


@shared_task(name="readiness.fade", **IDEMPOTENT)
def mark_faded_learners_stale() -> int:
    """Hourly: learners whose skills faded visibly since their last score; the sweep rescores
    only them."""
    return recompute.faded_learners_mark_stale(at=timezone.now())


@shared_task(name="readiness.daily_snapshots", **IDEMPOTENT)
def write_daily_snapshots() -> int:
    return recompute.daily_snapshots_write()


@shared_task(name="reminders.plan", **IDEMPOTENT)
def send_due_reminders() -> int:
    """Hourly: claim the reminders due now and fan the sends out in batches."""
    claimed = reminders.reminders_plan()
    for start in range(0, len(claimed), reminders.SEND_BATCH_SIZE):
        send_reminder_batch.delay(claimed[start : start + reminders.SEND_BATCH_SIZE])
    return len(claimed)


@shared_task(name="reminders.send", bind=True, **IDEMPOTENT)
def send_reminder_batch(self: Task[Any, Any], delivery_ids: list[int]) -> int:
    result = reminders.reminders_send(delivery_ids=delivery_ids)
    if result.retry:  # mail server trouble: only those go round again, later
        raise self.retry(args=(result.retry,), countdown=60 * 2**self.request.retries)
    return len(result.sent)


@shared_task(name="api.expire_idempotency_keys", **IDEMPOTENT)
def expire_idempotency_keys() -> int:
    return idempotency_keys_expire()


def recompute_readiness_soon(user_id: int) -> None:
    """After a learner's inputs change (called on commit). If the broker is down this does
    nothing and returns at once: the stale mark stays and the sweep recomputes later."""
    enqueue_or_skip(recompute_readiness, user_id)


@shared_task(name="maintenance.retention", **IDEMPOTENT)
def apply_retention() -> dict[str, int]:
    """Daily: delete what the retention policies no longer keep, in batches."""
    return retention.retention_run()
