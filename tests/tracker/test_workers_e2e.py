"""End to end, against PostgreSQL and a private Redis, with live Celery worker and beat
processes: readiness kept fresh, reminders sent once, and recovery from a broker outage and from
a worker killed mid-batch."""

import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from careers.models import RoleRequirement
from paths.models import LearningPath, StepSkill
from tests.factories import LevelFactory, RoleFactory, SkillFactory, UserFactory, published_path
from tests.markers import postgres_only
from tests.processes import CeleryProcess, RedisServer, wait_for, worker_env
from tracker import tasks
from tracker.models import (
    Enrolment,
    LearnerProfile,
    ProgressEntry,
    ReadinessScore,
    ReminderDelivery,
    User,
)
from tracker.services import enrolment_create, progress_log

pytestmark = [
    pytest.mark.reliability("Faults"),
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    postgres_only("worker processes share the test database"),
]

SWEEP_PERIOD = 4  # seconds, in these tests (60 in the product)


@pytest.fixture
def celery(broker: RedisServer, tmp_path: Path):
    """Start workers and beat on demand; all are stopped at the end."""
    started: list[CeleryProcess] = []
    env = worker_env(broker.url, tmp_path / "mail")

    def start(kind: str = "worker", *args: str) -> CeleryProcess:
        name = f"{kind}-{len(started)}.log"
        if kind == "worker":
            args = ("-Q", "celery,readiness,reminders", "-c", "2", *args)
        else:
            args = ("--scheduler", "django_celery_beat.schedulers:DatabaseScheduler", *args)
        process = CeleryProcess(kind, env, tmp_path / name, *args)
        started.append(process)
        process.wait_ready("ready." if kind == "worker" else "beat: Starting")
        return process

    yield start
    for process in started:
        process.stop_begin()
    for process in started:
        process.stop()


@pytest.fixture
def two_skill_target():
    """A role and level needing skill a to 4 and skill b to 2 (equal weights); a published path
    whose step 1 teaches a:2 and step 2 teaches b:2. Completing both, unverified (4/5), gives
    100 * (1.6/4 + 1.6/2) / 2 = 20 + 40 = 60."""
    role, level = RoleFactory.create(), LevelFactory.create()
    a, b = SkillFactory.create(), SkillFactory.create()
    RoleRequirement.objects.create(role=role, level=level, skill=a, target_level=4, weight=1)
    RoleRequirement.objects.create(role=role, level=level, skill=b, target_level=2, weight=1)
    path = published_path(steps=2)
    for position, skill in ((1, a), (2, b)):
        StepSkill.objects.filter(step__path=path, step__position=position).update(
            skill=skill, level=2
        )
    return role, level, path


def scores(role, level) -> dict[int, float | None]:
    return dict(
        ReadinessScore.objects.filter(role=role, level=level).values_list("user_id", "score")
    )


def sweep_every(seconds: int) -> None:
    every, _ = IntervalSchedule.objects.get_or_create(every=seconds, period="seconds")
    PeriodicTask.objects.update_or_create(
        name="Sweep stale readiness",
        defaults={"task": "readiness.sweep", "interval": every, "queue": "readiness"},
    )


def test_progress_changes_the_stored_score_within_seconds(celery, two_skill_target):
    role, level, path = two_skill_target
    celery("worker")
    learner = UserFactory.create()
    enrolment = enrolment_create(user=learner, path=path)

    started = time.monotonic()
    progress_log(
        enrolment=enrolment, step=path.steps.get(position=2), minutes=30, status="completed"
    )
    # Skill b 2 of 2, unverified: 50 * 1.6/2 = 40.
    wait_for(lambda: scores(role, level).get(learner.pk) == 40.0, 10, "the score to reach 40")

    assert time.monotonic() - started < 5
    assert LearnerProfile.objects.get(user=learner).readiness_stale_at is None


def emails_by_recipient(mail_dir: Path) -> Counter[str]:
    recipients: Counter[str] = Counter()
    for message_file in mail_dir.glob("*.log"):
        for line in message_file.read_text().splitlines():
            if line.startswith("To: "):
                recipients[line.removeprefix("To: ")] += 1
    return recipients


def sent_despite_duplicates(expected: int, broker: RedisServer) -> None:
    """Plan twice (two beats firing in the same hour), deliver the send task twice more, and
    wait until `expected` reminders are sent and the queues have drained."""
    tasks.send_due_reminders.delay()  # two beat processes firing in the same hour
    tasks.send_due_reminders.delay()
    claimed = wait_for(
        lambda: list(ReminderDelivery.objects.values_list("pk", flat=True)) or None,
        15,
        "reminders to be claimed",
    )
    tasks.send_reminder_batch.delay(claimed)  # the same send task delivered twice more
    tasks.send_reminder_batch.delay(claimed)
    wait_for(
        lambda: ReminderDelivery.objects.filter(status="sent").count() == expected,
        20,
        "every reminder to be sent",
    )
    wait_for(lambda: broker.drained("reminders", "celery"), 20, "the queues to drain")


def test_reminders_go_out_once_despite_repeated_tasks_and_two_beats(celery, broker, tmp_path):
    path = published_path(steps=2)
    # Learners are due at their preferred hour: keep the whole test inside one clock hour.
    wait_for(lambda: timezone.now().minute < 59, 65, "a clock hour with a minute to spare", 1)
    hour = timezone.now().hour
    learners = [UserFactory.create() for _ in range(4)]
    LearnerProfile.objects.update(timezone="UTC", preferred_hour=hour, remind_weekly_digest=False)
    for user in learners:
        enrolment_create(user=user, path=path)
    Enrolment.objects.update(enrolled_at=timezone.now() - timedelta(days=5))
    celery("worker")

    sent_despite_duplicates(len(learners), broker)

    assert emails_by_recipient(tmp_path / "mail") == Counter({u.email: 1 for u in learners})
    assert ReminderDelivery.objects.count() == len(learners)


def test_progress_survives_a_broker_outage_and_scores_converge(
    celery, broker, two_skill_target, client_for
):
    """Redis stopped: API and web keep taking progress, /healthz degraded, scores converge."""
    role, level, path = two_skill_target
    sweep_every(SWEEP_PERIOD)
    worker = celery("worker")
    celery("beat")
    learners = [UserFactory.create() for _ in range(10)]
    enrolments = [enrolment_create(user=u, path=path) for u in learners]
    wait_for(lambda: len(scores(role, level)) == 10, 20, "the first scores")
    api_clients = [client_for(u) for u in learners[:5]]
    web_clients = [Client() for _ in learners[5:]]
    for web, user in zip(web_clients, learners[5:], strict=True):
        web.force_login(user)

    broker.stop()
    health = Client().get("/healthz")
    assert (health.status_code, health.json()["broker"]) == (503, "unavailable")
    slowest = 0.0
    for n, enrolment in enumerate(enrolments):  # 20 entries, all while Redis is down
        for step in path.steps.order_by("position"):
            started = time.monotonic()
            if n < 5:  # through the API
                response = api_clients[n].post(
                    "/api/v1/progress/",
                    {
                        "enrolment": enrolment.pk,
                        "step": step.pk,
                        "minutes": 20,
                        "status": "completed",
                    },
                    format="json",
                )
                assert response.status_code == 201, response.content
            else:  # through the web form
                response = web_clients[n - 5].post(
                    f"/enrolments/{enrolment.pk}/log/",
                    {"step": step.pk, "minutes": 20, "status": "completed"},
                )
                assert response.status_code == 302, response.content
            slowest = max(slowest, time.monotonic() - started)
    assert ProgressEntry.objects.count() == 20
    assert LearnerProfile.objects.filter(readiness_stale_at__isnull=False).count() == 10
    assert slowest < 1.0  # no request waited on the broker

    broker.start()
    wait_for(
        lambda: worker.output().count("Connected to redis") >= 2, 60, "the worker to reconnect"
    )
    back = time.monotonic()
    wait_for(
        lambda: set(scores(role, level).values()) == {60.0}, 2 * SWEEP_PERIOD + 2, "convergence"
    )

    assert time.monotonic() - back <= 2 * SWEEP_PERIOD + 2
    assert not LearnerProfile.objects.filter(readiness_stale_at__isnull=False).exists()


def many_stale_learners(count: int, path: LearningPath) -> list[int]:
    """Learners who each completed both steps, written in bulk, all marked stale."""
    users = User.objects.bulk_create(
        User(email=f"bulk{n}@example.com", password="!") for n in range(count)
    )
    now = timezone.now()
    LearnerProfile.objects.bulk_create(
        LearnerProfile(user=u, readiness_stale_at=now) for u in users
    )
    enrolments = Enrolment.objects.bulk_create(Enrolment(user=u, path=path) for u in users)
    steps = list(path.steps.order_by("position"))
    ProgressEntry.objects.bulk_create(
        ProgressEntry(
            user_id=e.user_id,
            enrolment=e,
            step=step,
            minutes=10,
            status="completed",
            occurred_at=now,
        )
        for e in enrolments
        for step in steps
    )
    return [u.pk for u in users]


def test_worker_killed_mid_batch_leaves_every_score_correct_and_none_duplicated(
    celery, two_skill_target
):
    role, level, path = two_skill_target
    count = 4000
    many_stale_learners(count, path)
    worker = celery("worker", "-c", "1")

    tasks.sweep_stale_readiness.delay()
    remaining = LearnerProfile.objects.filter(readiness_stale_at__isnull=False)
    wait_for(lambda: 0 < remaining.count() < count, 60, "the sweep to commit a first batch")
    worker.kill()
    left_after_kill = remaining.count()

    assert 0 < left_after_kill < count  # killed in the middle
    sweep_every(SWEEP_PERIOD)
    celery("worker")
    celery("beat")
    wait_for(lambda: not remaining.exists(), 60, "the sweep to finish after the restart")

    stored = scores(role, level)
    assert len(stored) == count
    assert set(stored.values()) == {60.0}
    per_learner = Counter(ReadinessScore.objects.values_list("user_id", flat=True))
    assert set(per_learner.values()) == {
        ReadinessScore.objects.values("role", "level").distinct().count()
    }
