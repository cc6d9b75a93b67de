"""The readiness side of the workers, the worker settings, and the operations commands."""

import importlib
import threading
import time
from datetime import UTC, datetime
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from careers.models import RoleRequirement
from config.celery_app import app as celery_app
from config.celery_app import enqueue_or_skip
from tests.admin_forms import inline_data, step_row
from tests.factories import (
    LevelFactory,
    RequirementFactory,
    RoleFactory,
    UserFactory,
    published_path,
)
from tests.markers import row_locks
from tracker import tasks
from tracker.models import LearnerProfile, ReadinessScore, ReadinessSnapshot
from tracker.recompute import daily_snapshots_write, readiness_recompute, stale_sweep
from tracker.services import enrolment_create, progress_log

pytestmark = pytest.mark.django_db


def stale_ids() -> set[int]:
    return set(
        LearnerProfile.objects.filter(readiness_stale_at__isnull=False).values_list(
            "user_id", flat=True
        )
    )


@pytest.fixture
def requirement():
    return RequirementFactory.create(target_level=3, weight=1)


def learner_who_completed(path, position: int = 1):
    user = UserFactory.create()
    enrolment = enrolment_create(user=user, path=path)
    progress_log(
        enrolment=enrolment, step=path.steps.get(position=position), minutes=10, status="completed"
    )
    return user


def test_sweep_recomputes_stale_learners_in_batches(requirement):
    path = published_path(steps=1)
    step_skill = path.steps.get().step_skills.get()
    step_skill.skill = requirement.skill
    step_skill.save()
    users = [learner_who_completed(path) for _ in range(5)]

    recomputed = stale_sweep(batch_size=2)

    assert recomputed == 5
    assert stale_ids() == set()
    assert set(
        ReadinessScore.objects.filter(
            role=requirement.role,
            level=requirement.level,
            score=80.0,  # completed, unverified
        ).values_list("user_id", flat=True)
    ) == {u.pk for u in users}


@row_locks
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_never_work_on_the_same_batch(requirement):
    users = [UserFactory.create() for _ in range(4)]
    LearnerProfile.objects.update(readiness_stale_at=datetime(2026, 1, 1, tzinfo=UTC))
    first_two = sorted(u.pk for u in users)[:2]
    locked, release = threading.Event(), threading.Event()

    def other_sweep_holding_a_batch() -> None:
        with transaction.atomic():
            list(
                LearnerProfile.objects.select_for_update(skip_locked=True)
                .filter(user_id__in=first_two)
                .values_list("user_id", flat=True)
            )
            locked.set()
            release.wait(10)
        connection.close()

    holder = threading.Thread(target=other_sweep_holding_a_batch)
    holder.start()
    locked.wait(10)
    try:
        recomputed = stale_sweep(batch_size=10)
    finally:
        release.set()
        holder.join()

    assert recomputed == 2
    assert stale_ids() == set(first_two)  # left to the sweep that holds them


def test_requirement_change_in_the_admin_marks_every_learner_stale(
    curator_client, curator, requirement
):
    users = [UserFactory.create() for _ in range(3)]
    LearnerProfile.objects.update(readiness_stale_at=None)
    client = curator_client
    url = reverse("admin:careers_rolerequirement_change", args=[requirement.pk])
    form = {
        "role": requirement.role_id,
        "level": requirement.level_id,
        "skill": requirement.skill_id,
        "target_level": 5,
        "weight": 2,
    }

    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, form)

    assert response.status_code == 302
    assert RoleRequirement.objects.get().target_level == 5
    assert stale_ids() == {u.pk for u in users} | {curator.pk}
    marks = [q for q in queries if 'UPDATE "tracker_learnerprofile"' in q["sql"]]
    assert len(marks) == 1  # one set-based statement


def test_step_change_of_a_published_path_marks_its_learners_stale(curator_client, curator):
    path = published_path(steps=1)
    took_it = learner_who_completed(path)
    bystander = UserFactory.create()
    LearnerProfile.objects.update(readiness_stale_at=None)
    step = path.steps.get()
    link = step.step_skills.get()

    # The step's own page in the path editor: its skill now taught to level 5.
    response = curator_client.post(
        reverse("admin:paths_step_change", args=[step.pk]),
        {
            "title": step.title,
            "kind": step.kind,
            "resource_url": step.resource_url,
            "estimated_minutes": step.estimated_minutes,
            "step_skills-TOTAL_FORMS": 1,
            "step_skills-INITIAL_FORMS": 1,
            "step_skills-MIN_NUM_FORMS": 0,
            "step_skills-MAX_NUM_FORMS": 1000,
            "step_skills-0-id": link.pk,
            "step_skills-0-step": step.pk,
            "step_skills-0-skill": link.skill_id,
            "step_skills-0-level": 5,
        },
    )

    assert response.status_code == 302
    assert stale_ids() == {took_it.pk}
    assert bystander.pk not in stale_ids()


def test_a_step_with_progress_cannot_be_deleted_in_the_admin(curator_client):
    path = published_path(steps=1)
    learner_who_completed(path)
    step = path.steps.get()

    response = curator_client.post(
        reverse("admin:paths_learningpath_change", args=[path.pk]),
        inline_data(path, [step_row(step, DELETE="on")]),
    )

    assert response.status_code == 200
    assert "would require deleting the following protected related objects" in (
        response.content.decode()
    )
    assert path.steps.count() == 1


def test_nightly_snapshots_cover_active_learners_only(requirement):
    path = published_path(steps=2)
    active = learner_who_completed(path)
    idle = UserFactory.create()
    for user in (active, idle):
        readiness_recompute(user_id=user.pk)
    ReadinessSnapshot.objects.all().delete()

    with time_machine.travel(datetime(2026, 3, 10, 23, 30, tzinfo=UTC), tick=False):
        written = daily_snapshots_write()

    assert written == 1
    assert set(ReadinessSnapshot.objects.values_list("user_id", "day")) == {
        (active.pk, datetime(2026, 3, 10).date())
    }


def test_progress_enqueues_a_recompute_on_commit(
    learner, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(tasks.recompute_readiness, "apply_async", lambda **kw: sent.append(kw))
    path = published_path()

    with django_capture_on_commit_callbacks(execute=True):
        enrolment = enrolment_create(user=learner, path=path)
        progress_log(enrolment=enrolment, step=enrolment.path.steps.get(position=1), minutes=5)
        progress_log(enrolment=enrolment, step=enrolment.path.steps.get(position=2), minutes=5)

    assert sent == [{"args": (learner.pk,), "retry": False}]  # one per learner and commit


def test_enqueue_never_fails_or_waits_on_a_broker_that_is_down(monkeypatch):
    breaker = importlib.import_module("config.celery_app")  # the module, not the app
    monkeypatch.setattr(breaker, "_broker_down_until", 0.0)
    monkeypatch.setitem(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)
    monkeypatch.setattr(celery_app, "_pool", None)

    started = time.monotonic()
    first = enqueue_or_skip(tasks.recompute_readiness, 1)
    second = enqueue_or_skip(tasks.recompute_readiness, 2)
    elapsed = time.monotonic() - started

    assert (first, second) == (False, False)
    assert elapsed < 1.0
    assert breaker._broker_down_until > time.monotonic()  # the second never tried


def test_redis_visibility_timeout_exceeds_the_longest_task_and_its_retry_delay():
    ours: list[Any] = [  # autoretry options are set on the task class at runtime
        t
        for name, t in celery_app.tasks.items()
        if name.split(".")[0] in {"readiness", "reminders", "api", "analytics"}
    ]
    longest = max(t.time_limit or celery_app.conf.task_time_limit for t in ours)
    largest_delay = max(t.retry_backoff_max for t in ours if t.autoretry_for)
    visibility = celery_app.conf.broker_transport_options["visibility_timeout"]

    assert len(ours) == 11  # 7, the two cohort invite tasks and the two analytics refreshes
    assert visibility > longest + largest_delay
    assert all(t.acks_late and t.reject_on_worker_lost for t in ours)
    assert all(t.max_retries == 5 and t.retry_jitter for t in ours)


def test_tasks_are_routed_to_their_queues():
    route = celery_app.amqp.router.route
    assert route({}, "readiness.recompute")["queue"].name == "readiness"
    assert route({}, "readiness.sweep")["queue"].name == "readiness"
    assert route({}, "reminders.plan")["queue"].name == "reminders"
    assert route({}, "reminders.send")["queue"].name == "reminders"
    assert celery_app.conf.task_serializer == "json"
    assert celery_app.conf.accept_content == ["json"]


def test_periodic_schedules_come_from_the_migration():
    schedules = {t.name: t for t in PeriodicTask.objects.select_related("interval", "crontab")}

    sweep = schedules["Sweep stale readiness"]
    assert (sweep.task, sweep.interval.every, sweep.interval.period) == (
        "readiness.sweep",
        60,
        "seconds",
    )
    hourly = schedules["Send due reminders"]
    assert (hourly.task, hourly.crontab.minute, hourly.crontab.hour) == ("reminders.plan", "0", "*")
    assert schedules["Write daily readiness snapshots"].task == "readiness.daily_snapshots"
    assert schedules["Expire idempotency keys"].task == "api.expire_idempotency_keys"
    assert {t.task for t in schedules.values()} <= set(celery_app.tasks)


def test_recompute_everyone_command():
    role, level = RoleFactory.create(), LevelFactory.create()
    RequirementFactory.create(role=role, level=level)
    users = [UserFactory.create() for _ in range(3)]
    out = StringIO()

    call_command("recompute_readiness", stdout=out)

    assert "Recomputed readiness for 3 learners." in out.getvalue()
    assert ReadinessScore.objects.filter(role=role, level=level, score=0.0).count() == len(users)


def test_send_test_reminder_command():
    user = UserFactory.create()
    out = StringIO()

    call_command("send_test_reminder", user.email, "--kind", "weekly_digest", stdout=out)

    assert f"Sent a weekly_digest reminder to {user.email}." in out.getvalue()
    (message,) = mail.outbox
    assert message.to == [user.email]
    assert message.subject == "Your week on Pathwise"
