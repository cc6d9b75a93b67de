"""How long the tables that grow with use keep their rows, and the cleanup that applies it.

Each policy keeps what the product still reads and deletes the rest, oldest first, in batches
of BATCH_SIZE rows (short transactions: a learner's write never waits long behind the
cleanup). A batch is the oldest rows by the policy's age column, found through its index, so a
run reads the rows it deletes rather than the table (in primary-key order, each batch read every
row kept before the next expired one again: B8 measures the runs on a year of 20 000 learners).
The days come from settings.PATHWISE_RETENTION_DAYS (each overridable from the environment; 0
keeps rows forever). The task `maintenance.retention` runs every policy daily
from beat; `manage.py retention --dry-run` says what a run would delete.

| table | kept | why that long |
| readiness snapshots | 400 days | the history chart and API show up to a year |
| reminder deliveries, sent or failed | 365 days | backoff counts recent ignored reminders;
  claimed and sending rows are in flight and never deleted |
| idempotency keys | 1 day | a retry with the same key replays within 24 hours |
| skill checks never answered | 90 days after they expired | a check that was answered, or
  closed as failed, is evidence (verified levels, memory history) and stays with the account |
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from assessments.models import SkillCheck
from tracker.models import IdempotencyKey, ReadinessSnapshot, ReminderDelivery

BATCH_SIZE = 5_000


@dataclass(frozen=True)
class Policy:
    name: str  # the key of its days in settings.PATHWISE_RETENTION_DAYS
    expired: Callable[[datetime], QuerySet]  # rows older than the cutoff
    age: str  # the indexed field the cutoff applies to: batches go oldest first by it

    @property
    def days(self) -> int:
        return int(settings.PATHWISE_RETENTION_DAYS[self.name])


POLICIES = (
    Policy(
        "readiness_snapshots",
        lambda cutoff: ReadinessSnapshot.objects.filter(day__lt=cutoff.date()),
        "day",
    ),
    Policy(
        "reminder_deliveries",
        lambda cutoff: ReminderDelivery.objects.filter(
            status__in=(ReminderDelivery.Status.SENT, ReminderDelivery.Status.FAILED),
            claimed_at__lt=cutoff,
        ),
        "claimed_at",
    ),
    Policy(
        "idempotency_keys",
        lambda cutoff: IdempotencyKey.objects.filter(created_at__lt=cutoff),
        "created_at",
    ),
    Policy(
        "abandoned_skill_checks",
        lambda cutoff: SkillCheck.objects.filter(
            submitted_at__isnull=True, passed__isnull=True, expires_at__lt=cutoff
        ),
        "expires_at",  # assessments' check_abandoned_idx
    ),
)


def retention_run(
    *,
    now: datetime | None = None,
    only: tuple[str, ...] | None = None,
    batch_size: int = BATCH_SIZE,
    dry_run: bool = False,
) -> dict[str, int]:
    """Apply the policies (all, or `only` these); rows deleted (or, dry, to delete) per policy."""
    now = now or timezone.now()
    done = {}
    for policy in POLICIES:
        if (only and policy.name not in only) or policy.days <= 0:
            continue
        expired = policy.expired(now - timedelta(days=policy.days))
        done[policy.name] = expired.count() if dry_run else _delete(policy, expired, batch_size)
    return done


def oldest(policy: Policy, expired: QuerySet, batch_size: int = BATCH_SIZE) -> QuerySet:
    """The primary keys of the next batch: the oldest expired rows, by the policy's age."""
    return expired.order_by(policy.age).values_list("pk", flat=True)[:batch_size]


def _delete(policy: Policy, expired: QuerySet, batch_size: int) -> int:
    """Delete in batches of primary keys, oldest first, each batch its own statement."""
    deleted = 0
    while ids := list(oldest(policy, expired, batch_size)):
        deleted += len(ids)
        expired.model.objects.filter(pk__in=ids).delete()
    return deleted
