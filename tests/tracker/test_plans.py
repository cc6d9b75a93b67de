"""tracker/plans.py: the learner's plan read from their data, hand-checked on a small
catalogue: the steps, their weeks as dates, the projection, the target date."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.factories import (
    LevelFactory,
    RequirementFactory,
    RoleFactory,
    SkillFactory,
    StepFactory,
    StepSkillFactory,
    UserFactory,
    published_path,
)
from tests.web.clients import signed_in
from tracker.plans import PLAN_TARGET, plan_get
from tracker.services import (
    enrolment_create,
    enrolment_set_target_date,
    learner_profile_update,
    progress_log,
)

pytestmark = pytest.mark.django_db

WEDNESDAY = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)  # London is on UTC in winter


@pytest.fixture
def world():
    """A role at one level needing RAG to 2 (one skill: 100 points); an enrolled path with a
    read on RAG (proves 2, 60 minutes) and a project behind it (proves 2 again, 120)."""
    role, level, rag = RoleFactory.create(), LevelFactory.create(), SkillFactory.create()
    RequirementFactory.create(role=role, level=level, skill=rag, target_level=2, weight=1)
    path = published_path(steps=0, role=role, level=level)
    read = StepFactory.create(path=path, position=1, kind="read", estimated_minutes=60)
    project = StepFactory.create(path=path, position=2, kind="project", estimated_minutes=120)
    project.prerequisites.set([read])
    for step in (read, project):
        StepSkillFactory.create(step=step, skill=rag, level=2)
    user = UserFactory.create()
    learner_profile_update(user=user, target_role=role, target_level=level, weekly_goal_minutes=90)
    return user, path, read, project


@time_machine.travel(WEDNESDAY, tick=False)
def test_a_plan_by_hand(world):
    user, path, read, _ = world
    enrolment = enrolment_create(user=user, path=path)
    enrolment_set_target_date(enrolment=enrolment, target_date=date(2026, 12, 13))
    progress_log(enrolment=enrolment, step=read, minutes=30)  # started: 30 of this week's 90

    plan = plan_get(user=user)

    assert plan is not None
    assert (plan.target, plan.readiness_now, plan.weekly_minutes) == (80.0, 0.0, 90)
    # The read (1.6 of 2: 80 points) reaches the target: 60 minutes, 60 left this week.
    assert [(w.start, w.minutes, w.readiness) for w in plan.weeks] == [
        (date(2026, 11, 30), 60, 80.0)
    ]
    (item,) = plan.weeks[0].items
    assert (item.step, item.enrolment_id, item.minutes, item.finishes) == (
        read,
        enrolment.pk,
        60,
        True,
    )
    assert plan.reaches_target_on == date(2026, 12, 6)
    assert (plan.target_date, plan.on_track) == (date(2026, 12, 13), True)
    # 60 minutes over the 12 days from today to the 13th: 60 x 7 / 12 = 35 a week.
    assert plan.minutes_per_week_needed == 35


@time_machine.travel(WEDNESDAY, tick=False)
def test_what_if_and_the_learners_own_pace(world):
    user, path, _read, _ = world
    other = published_path(steps=1, role=path.role, level=path.level)
    done = other.steps.get()
    done.estimated_minutes = 30
    done.save()
    enrolment_create(user=user, path=other)
    progress_log(  # last week, double the estimate: the estimates are doubled
        enrolment=user.enrolments.get(path=other),
        step=done,
        minutes=60,
        status="completed",
        occurred_at=timezone.now() - timedelta(days=7),
    )

    plan = plan_get(user=user, weekly_minutes=30)

    assert plan is not None
    assert (plan.pace, plan.weekly_minutes) == (2.0, 30)
    # Not enrolled on the path: enrol first; the read now takes 120 minutes, 30 a week.
    assert [(w.minutes, [i.minutes for i in w.items]) for w in plan.weeks] == [
        (30, [30]),
        (30, [30]),
        (30, [30]),
        (30, [30]),
    ]
    assert plan.weeks[0].items[0].enrolment_id is None
    assert plan.reaches_target_on == date(2026, 12, 27)
    assert plan.target_date is None
    assert plan.on_track is None


def test_no_target_no_plan():
    assert plan_get(user=UserFactory.create()) is None
    assert PLAN_TARGET == 80


@time_machine.travel(WEDNESDAY, tick=False)
def test_the_plan_api_gives_the_same_plan_and_what_if(world, client_for):
    user, path, read, _ = world
    enrolment = enrolment_create(user=user, path=path)
    api = client_for(user)

    body = api.get("/api/v1/plan/").json()
    what_if = api.get("/api/v1/plan/", {"weekly_minutes": 20}).json()
    refused = api.get("/api/v1/plan/", {"weekly_minutes": 0})
    without_target = client_for(UserFactory.create()).get("/api/v1/plan/")

    assert (body["target"], body["weekly_minutes"], body["reaches_target_on"]) == (
        80.0,
        90,
        "2026-12-06",
    )
    assert body["weeks"][0]["items"] == [
        {
            "step": read.pk,
            "title": read.title,
            "kind": "read",
            "path": path.slug,
            "enrolment": enrolment.pk,
            "minutes": 60,
            "finishes": True,
        }
    ]
    assert [w["minutes"] for w in what_if["weeks"]] == [20, 20, 20]
    assert what_if["reaches_target_on"] == "2026-12-20"
    assert refused.status_code == 400
    assert refused["Content-Type"] == "application/problem+json"
    assert without_target.status_code == 409


@time_machine.travel(WEDNESDAY, tick=False)
def test_the_plan_page_and_the_dashboards_week(world):
    user, path, read, _ = world
    enrolment = enrolment_create(user=user, path=path)
    client = signed_in(user)

    page = client.get("/plan/")
    what_if = client.get("/plan/", {"weekly_minutes": "20"})
    refused = client.get("/plan/", {"weekly_minutes": "0"})
    dashboard = client.get("/dashboard/").content.decode()

    assert page.status_code == 200
    text = page.content.decode()
    assert "From 0% to 80% readiness at 90 minutes a week." in text
    assert "You reach it by 6 December 2026." in text
    assert f'href="/enrolments/{enrolment.pk}/?step={read.pk}#log"' in text
    assert "You reach it by 20 December 2026." in what_if.content.decode()
    assert refused.status_code == 422
    assert "greater than or equal to 1" in refused.content.decode()
    assert 'data-testid="plan-this-week"' in dashboard
    assert "The whole plan: 80% by 6 December 2026" in dashboard
