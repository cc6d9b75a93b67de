"""tracker/retention.py: each growing table keeps what its policy says, deleted in batches."""

import re
import uuid
from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_celery_beat.models import PeriodicTask

from assessments.models import SkillCheck
from tests.factories import LevelFactory, RoleFactory, SkillFactory, UserFactory
from tracker.models import IdempotencyKey, ReadinessSnapshot, ReminderDelivery
from tracker.retention import POLICIES, oldest, retention_run
from tracker.tasks import apply_retention

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _snapshots(user, *days_ago: int) -> None:
    role, level = RoleFactory.create(), LevelFactory.create()
    ReadinessSnapshot.objects.bulk_create(
        ReadinessSnapshot(user=user, role=role, level=level, day=NOW.date() - timedelta(d), score=1)
        for d in days_ago
    )


def _delivery(user, status: str, days_ago: int) -> ReminderDelivery:
    return ReminderDelivery.objects.create(
        user=user,
        kind="inactivity",
        period_key=f"p{uuid.uuid4().hex[:10]}",
        status=status,
        claim_token=uuid.uuid4(),
        claimed_at=NOW - timedelta(days=days_ago),
    )


def _check(user, days_ago: int, **outcome) -> SkillCheck:
    started = NOW - timedelta(days=days_ago)
    return SkillCheck.objects.create(
        user=user,
        skill=SkillFactory.create(),
        level=2,
        started_at=started,
        expires_at=started + timedelta(minutes=20),
        **outcome,
    )


def test_each_policy_keeps_what_it_says_and_deletes_the_rest():
    user = UserFactory.create()
    _snapshots(user, 0, 399, 400, 401, 800)
    kept = [_delivery(user, "sent", 364), _delivery(user, "claimed", 900)]
    _delivery(user, "sent", 366)
    _delivery(user, "failed", 500)
    IdempotencyKey.objects.create(user=user, key="old", request_hash="x")
    IdempotencyKey.objects.create(user=user, key="new", request_hash="x")
    IdempotencyKey.objects.filter(key="old").update(created_at=NOW - timedelta(hours=25))
    IdempotencyKey.objects.filter(key="new").update(created_at=NOW - timedelta(hours=23))
    answered = _check(user, 400, submitted_at=NOW - timedelta(days=400), passed=True)
    closed = _check(user, 400, passed=False)  # abandoned, closed as failed: memory history
    recent = _check(user, 30)
    _check(user, 91)  # never answered, expired 91 days ago

    deleted = retention_run(now=NOW)

    assert deleted == {
        "readiness_snapshots": 2,
        "reminder_deliveries": 2,
        "idempotency_keys": 1,
        "abandoned_skill_checks": 1,
    }
    days = sorted(
        (NOW.date() - d).days for d in ReadinessSnapshot.objects.values_list("day", flat=True)
    )
    assert days == [0, 399, 400]
    assert set(ReminderDelivery.objects.values_list("pk", flat=True)) == {d.pk for d in kept}
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]
    assert set(SkillCheck.objects.values_list("pk", flat=True)) == {
        answered.pk,
        closed.pk,
        recent.pk,
    }
    assert retention_run(now=NOW) == dict.fromkeys(deleted, 0)  # nothing left to do


def test_rows_go_in_batches_of_their_own_statement():
    user = UserFactory.create()
    _snapshots(user, *range(500, 505))

    with CaptureQueriesContext(connection) as queries:
        deleted = retention_run(now=NOW, only=("readiness_snapshots",), batch_size=2)

    deletes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("DELETE")]
    assert deleted == {"readiness_snapshots": 5}
    assert len(deletes) == 3  # 2 + 2 + 1
    assert not ReadinessSnapshot.objects.exists()


def test_zero_days_keeps_rows_forever_and_a_dry_run_deletes_nothing(settings):
    user = UserFactory.create()
    _snapshots(user, 1000)
    _delivery(user, "sent", 1000)
    settings.PATHWISE_RETENTION_DAYS = {
        **settings.PATHWISE_RETENTION_DAYS,
        "readiness_snapshots": 0,
    }
    out = StringIO()

    dry = retention_run(now=NOW, dry_run=True)
    call_command("retention", "--dry-run", stdout=out)

    assert "readiness_snapshots" not in dry
    assert dry["reminder_deliveries"] == 1
    assert ReminderDelivery.objects.count() == 1
    assert "readiness_snapshots: kept forever (0 days)" in out.getvalue()
    assert "reminder_deliveries (kept 365 days): would delete 1" in out.getvalue()


def test_the_daily_task_runs_from_beat():
    user = UserFactory.create()
    _snapshots(user, 2000)

    schedule = PeriodicTask.objects.select_related("crontab").get(name="Apply retention policies")
    result = apply_retention()

    assert (schedule.task, schedule.crontab.minute, schedule.crontab.hour) == (
        "maintenance.retention",
        "30",
        "4",
    )
    assert result["readiness_snapshots"] == 1
    assert ReadinessSnapshot.objects.filter(day__lt=date(2026, 1, 1)).count() == 0


def test_each_batch_is_read_oldest_first_through_the_index_on_its_age():
    """A batch reads the expired rows it deletes, in order, from the index on the policy's age
    column (in primary-key order, every batch read again each row kept before the next expired
    one; without an index on its age, a policy read its whole table). PostgreSQL's plan, with
    the alternatives (a table scan, a bitmap, a sort) priced out so that only such an index
    can serve it."""
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL plan")
    user = UserFactory.create()
    _snapshots(user, 500, 1)
    _delivery(user, "sent", 500)
    _check(user, 200)
    IdempotencyKey.objects.create(user=user, key="old", request_hash="x")

    for policy in POLICIES:
        expired = policy.expired(NOW - timedelta(days=policy.days))
        sql, params = oldest(policy, expired).query.sql_with_params()
        with transaction.atomic(), connection.cursor() as cursor:
            for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
                cursor.execute(f"SET LOCAL {setting} = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())

        assert "Sort" not in plan, (policy.name, plan)
        assert re.search(rf"Index Cond: \(.*\b{policy.age}\b.*<", plan), (policy.name, plan)
