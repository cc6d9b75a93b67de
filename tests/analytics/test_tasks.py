"""The refresh task: idempotent under redelivery, nightly by a beat schedule, enqueued when a
path is published, on a queue the workers consume."""

import pytest
import time_machine
from django.db import transaction
from django.forms.models import model_to_dict
from django_celery_beat.models import PeriodicTask

from analytics import tasks
from analytics.models import PathSummary, StepSummary
from config.celery_app import app as celery_app
from paths.models import LearningPath
from paths.services import path_draft_open, path_draft_publish, path_publish
from tests.analytics.world import AT, hand_computed_path, log, small_path
from tests.factories import PathFactory, StepFactory, StepSkillFactory

pytestmark = pytest.mark.django_db


def all_rows() -> tuple[list[dict], list[dict]]:
    paths = [model_to_dict(row) for row in PathSummary.objects.order_by("pk")]
    steps = [model_to_dict(row) for row in StepSummary.objects.order_by("pk")]
    return paths, steps


def test_a_redelivered_refresh_writes_identical_rows():
    world = hand_computed_path()

    with time_machine.travel(AT, tick=False):
        tasks.refresh_path_analytics.apply(args=[world.path.pk])
        first = all_rows()
        tasks.refresh_path_analytics.apply(args=[world.path.pk])  # acks_late: delivered again
        second = all_rows()

    assert first == second
    assert len(first[0]) == 1
    assert len(first[1]) == 3
    assert first[0][0]["enrolled"] == 11


def test_a_later_refresh_replaces_the_figures_in_place():
    world = hand_computed_path()
    tasks.refresh_path_analytics.apply(args=[world.path.pk])
    learner = world.learners["I"]  # finishes step 1
    log(learner.enrolments.get(), world.steps[0], 20, days_ago=0)
    added = StepFactory.create(path=world.path, position=4, estimated_minutes=10)

    tasks.refresh_path_analytics.apply(args=[world.path.pk])

    rows = dict(StepSummary.objects.values_list("step_id", "completed"))
    assert rows == {world.steps[0].pk: 10, world.steps[1].pk: 6, world.steps[2].pk: 5, added.pk: 0}
    assert PathSummary.objects.count() == 1
    added.delete()
    assert StepSummary.objects.filter(path=world.path).count() == 3


def test_the_nightly_task_fans_out_one_refresh_per_analysed_path(monkeypatch):
    world = hand_computed_path()
    PathFactory.create(status=LearningPath.Status.DRAFT)
    sent: list[int] = []
    monkeypatch.setattr(tasks.refresh_path_analytics, "delay", sent.append)

    fanned = tasks.refresh_all_analytics.apply().get()

    assert fanned == 2
    assert sorted(sent) == sorted([world.path.pk, world.other_path.pk])


def test_the_nightly_schedule_comes_from_the_migration():
    nightly = PeriodicTask.objects.select_related("crontab").get(name="Refresh curator analytics")

    assert (nightly.task, nightly.queue, nightly.enabled) == ("analytics.refresh", "celery", True)
    assert (nightly.crontab.minute, nightly.crontab.hour) == ("15", "3")
    assert str(nightly.crontab.timezone) == "UTC"


def test_the_tasks_go_to_the_default_queue_that_every_worker_consumes():
    route = celery_app.amqp.router.route
    refresh = celery_app.tasks["analytics.refresh_path"]

    assert route({}, "analytics.refresh")["queue"].name == "celery"
    assert route({}, "analytics.refresh_path")["queue"].name == "celery"
    assert refresh.acks_late
    assert refresh.reject_on_worker_lost
    assert refresh.max_retries == 5


@pytest.fixture
def sent(monkeypatch):
    calls: list[dict] = []
    monkeypatch.setattr(tasks.refresh_path_analytics, "apply_async", lambda **kw: calls.append(kw))
    return calls


def complete_draft_path() -> LearningPath:
    path = PathFactory.create()
    StepSkillFactory.create(step=StepFactory.create(path=path, position=1))
    return path


def test_publishing_a_path_enqueues_its_refresh_after_the_commit(
    sent, django_capture_on_commit_callbacks
):
    path = complete_draft_path()

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        path_publish(path=path)
        path_publish(path=path)  # twice in one transaction: one refresh
        assert sent == []  # nothing before the commit

    assert sent == [{"args": (path.pk,), "retry": False}]


def test_publishing_a_draft_copy_refreshes_the_published_path(
    sent, django_capture_on_commit_callbacks
):
    path = complete_draft_path()
    LearningPath.objects.filter(pk=path.pk).update(status=LearningPath.Status.PUBLISHED)
    draft = path_draft_open(path=path)

    with django_capture_on_commit_callbacks(execute=True):
        path_draft_publish(draft=draft)

    assert sent == [{"args": (path.pk,), "retry": False}]


def test_a_refused_publication_enqueues_nothing(sent, django_capture_on_commit_callbacks):
    path = PathFactory.create()  # no steps: refused

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(Exception, match="no steps"),
    ):
        path_publish(path=path)

    assert sent == []


def test_the_refresh_command_refreshes_the_named_paths(capsys):
    from django.core.management import call_command

    one, two = small_path(learners=1), small_path(learners=1)

    call_command("refresh_analytics", one.slug)

    assert list(PathSummary.objects.values_list("path_id", flat=True)) == [one.pk]
    assert "Refreshed the analytics of 1 path(s)." in capsys.readouterr().out
    assert two.pk not in set(PathSummary.objects.values_list("path_id", flat=True))
