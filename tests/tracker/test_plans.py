"""tracker/plans.py: the learner's plan read from their data, hand-checked on a small
catalogue: the steps, their weeks as dates, the projection, the target date."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import UserFactory, published_path
from tests.tracker.plan_world import WEDNESDAY, plan_world
from tests.web.clients import signed_in
from tracker.models import Enrolment
from tracker.plans import PLAN_TARGET, plan_get
from tracker.services import (
    enrolment_create,
    enrolment_set_status,
    enrolment_set_target_date,
    learner_profile_update,
    progress_log,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return plan_world()


@time_machine.travel(WEDNESDAY, tick=False)
def test_a_plan_by_hand(world):
    user, path, read, _ = world
    enrolment = enrolment_create(user=user, path=path)
    enrolment_set_target_date(enrolment=enrolment, target_date=date(2026, 12, 13))
    progress_log(enrolment=enrolment, step=read, minutes=40)  # started: 40 of this week's 90

    plan = plan_get(user=user)

    assert plan is not None
    assert (plan.target, plan.readiness_now, plan.weekly_minutes) == (80.0, 0.0, 90)
    # The read (1.6 of 2: 80 points) reaches the target: 20 of its 60 minutes are left.
    assert [(w.start, w.minutes, w.readiness) for w in plan.weeks] == [
        (date(2026, 11, 30), 20, 80.0)
    ]
    (item,) = plan.weeks[0].items
    assert (item.step, item.enrolment_id, item.minutes, item.finishes) == (
        read,
        enrolment.pk,
        20,
        True,
    )
    assert plan.reaches_target_on == date(2026, 12, 2)  # a 20-minute sitting today, at 18:00
    assert (plan.target_date, plan.on_track) == (date(2026, 12, 13), True)
    # 20 minutes over the 12 days from today to the 13th: 20 x 7 / 12 = 12 a week (rounded up).
    assert plan.minutes_per_week_needed == 12


@time_machine.travel(WEDNESDAY, tick=False)
def test_an_overrun_step_still_plans_a_quarter_of_it(world):
    user, path, read, _ = world
    enrolment = enrolment_create(user=user, path=path)
    progress_log(  # last week: 70 minutes on a 60-minute read, not completed
        enrolment=enrolment, step=read, minutes=70, occurred_at=WEDNESDAY - timedelta(days=7)
    )

    plan = plan_get(user=user)

    assert plan is not None
    assert [(i.step, i.minutes) for i in plan.weeks[0].items] == [(read, 15)]


def test_the_plan_follows_what_happened(world):
    """Replanning: a week without progress shifts the plan by a week; logging moves it on."""
    user, path, read, _ = world
    enrolment = enrolment_create(user=user, path=path)
    learner_profile_update(user=user, weekly_goal_minutes=60)
    with time_machine.travel(WEDNESDAY, tick=False):
        first = plan_get(user=user)
    with time_machine.travel(WEDNESDAY + timedelta(days=7), tick=False):
        behind = plan_get(user=user)
        progress_log(enrolment=enrolment, step=read, minutes=60, status="completed")
        done = plan_get(user=user)

    assert first is not None
    assert behind is not None
    assert done is not None
    assert [i.step for w in first.weeks for i in w.items] == [read]
    assert (first.weeks[0].start, first.reaches_target_on) == (
        date(2026, 11, 30),
        date(2026, 12, 3),  # sittings of 30 on Wednesday and Thursday,
    )
    # Nothing logged: the same step, a week later.
    assert [i.step for w in behind.weeks for i in w.items] == [read]
    assert (behind.weeks[0].start, behind.reaches_target_on) == (
        date(2026, 12, 7),
        date(2026, 12, 10),
    )
    # Logged: 80 reached, nothing more to plan (the project is not needed for the target).
    assert (done.readiness_now, done.weeks) == (80.0, [])


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
    assert plan.reaches_target_on == date(2026, 12, 21)  # the fourth week's Monday sitting
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
        "2026-12-03",
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
    assert what_if["reaches_target_on"] == "2026-12-14"
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
    assert "You reach it by 3 December 2026." in text
    assert f'href="/enrolments/{enrolment.pk}/?step={read.pk}#log"' in text
    assert "You reach it by 14 December 2026." in what_if.content.decode()
    assert refused.status_code == 422
    assert "greater than or equal to 1" in refused.content.decode()
    assert 'data-testid="plan-this-week"' in dashboard
    assert "The whole plan: 80% by 3 December 2026" in dashboard


def test_after_the_preferred_hour_the_plan_starts_tomorrow(world):
    user, path, _read, _ = world
    enrolment_create(user=user, path=path)
    wednesday_evening = WEDNESDAY.replace(hour=20)  # after the 18:00 sitting
    sunday_evening = WEDNESDAY.replace(day=6, hour=21)

    with time_machine.travel(wednesday_evening, tick=False):
        evening = plan_get(user=user)
    with time_machine.travel(sunday_evening, tick=False):
        sunday = plan_get(user=user)

    assert evening is not None
    assert sunday is not None
    assert [b.starts.date() for b in evening.weeks[0].blocks] == [
        date(2026, 12, 3),
        date(2026, 12, 4),
    ]
    assert evening.reaches_target_on == date(2026, 12, 4)  # Thursday's and Friday's sittings
    # Sunday evening: nothing is left of this week, the read goes to next week.
    assert [(w.start, w.minutes) for w in sunday.weeks] == [
        (date(2026, 11, 30), 0),
        (date(2026, 12, 7), 60),
    ]
    assert sunday.weeks[0].blocks == []
    assert sunday.reaches_target_on == date(2026, 12, 8)


@time_machine.travel(WEDNESDAY, tick=False)
def test_without_a_weekly_goal_there_is_no_plan_but_what_if_plans(world, client_for):
    user, path, _read, _ = world
    enrolment_create(user=user, path=path)
    learner_profile_update(user=user, weekly_goal_minutes=0)

    assert plan_get(user=user) is None
    assert plan_get(user=user, weekly_minutes=60) is not None
    refused = client_for(user).get("/api/v1/plan/")
    assert refused.status_code == 409
    assert "a weekly goal" in refused.json()["detail"]
    assert "and a weekly goal, to get a plan" in signed_in(user).get("/plan/").content.decode()


@time_machine.travel(WEDNESDAY, tick=False)
def test_on_track_by_the_day_and_a_target_date_that_passed(world):
    user, path, read, _ = world
    enrolment = enrolment_create(user=user, path=path)

    enrolment_set_target_date(enrolment=enrolment, target_date=date(2026, 12, 4))  # Friday
    friday = plan_get(user=user)
    Enrolment.objects.filter(pk=enrolment.pk).update(target_date=date(2026, 11, 27))
    passed = plan_get(user=user)
    page = signed_in(user).get("/plan/").content.decode()
    progress_log(enrolment=enrolment, step=read, minutes=60, status="completed")
    Enrolment.objects.filter(pk=enrolment.pk).update(target_date=date(2026, 12, 2))
    reached = plan_get(user=user)

    assert friday is not None
    assert (friday.reaches_target_on, friday.on_track) == (date(2026, 12, 3), True)
    assert passed is not None
    assert (passed.on_track, passed.target_date_passed) == (False, True)
    assert passed.minutes_per_week_needed is None
    assert "it has passed: choose a new one" in page
    assert reached is not None
    assert (reached.readiness_now, reached.reaches_target_on, reached.on_track) == (
        80.0,
        date(2026, 12, 2),
        True,
    )


@time_machine.travel(WEDNESDAY, tick=False)
def test_the_plans_queries_do_not_grow_with_the_learners_data(world, client_for):
    user, path, _read, _ = world
    enrolment_create(user=user, path=path)
    api, page = client_for(user), signed_in(user)
    counts = []
    for extra_paths in (0, 6):
        for _ in range(extra_paths):
            other = published_path(steps=4, role=path.role, level=path.level)
            enrolment = enrolment_create(user=user, path=other)
            for step in other.steps.all()[:2]:
                progress_log(enrolment=enrolment, step=step, minutes=20, status="completed")
        with CaptureQueriesContext(connection) as api_queries:
            assert api.get("/api/v1/plan/").status_code == 200
        with CaptureQueriesContext(connection) as page_queries:
            assert page.get("/plan/").status_code == 200
        counts.append((len(api_queries), len(page_queries)))

    assert counts[0] == counts[1], counts


@time_machine.travel(WEDNESDAY, tick=False)
def test_a_paused_path_is_named_not_planned(world, client_for):
    user, path, _read, _ = world
    enrolment = enrolment_create(user=user, path=path)
    enrolment_set_status(enrolment=enrolment, status="paused")

    plan = plan_get(user=user)
    body = client_for(user).get("/api/v1/plan/").json()
    page = signed_in(user).get("/plan/").content.decode()

    assert plan is not None
    assert plan.paused == [enrolment]
    assert all(item.step.path_id != path.pk for week in plan.weeks for item in week.items)
    assert body["paused"] == [{"enrolment": enrolment.pk, "path": path.slug}]
    assert "Paused, so not in this plan:" in page
    assert f'href="/enrolments/{enrolment.pk}/">{path.title}</a>' in page


@time_machine.travel(WEDNESDAY, tick=False)
def test_the_weeks_minutes_are_read_from_this_weeks_entries_only(world):
    """What is left of the weekly goal comes from this local week's entries, read through
    (user, occurred_at) from Monday's local midnight: not from every entry of a history that
    only grows (B8)."""
    user, path, read, _ = world
    enrolment = enrolment_create(user=user, path=path)
    learner_profile_update(user=user, weekly_goal_minutes=30)
    for before, minutes in (
        (timedelta(days=300), 10),
        (timedelta(days=2, hours=12, minutes=10), 10),  # Sunday 23:50 in London: last week
        (timedelta(days=2, hours=11, minutes=30), 10),  # Monday 00:30: this week
        (timedelta(days=1), 5),
    ):
        progress_log(
            enrolment=enrolment, step=read, minutes=minutes, occurred_at=WEDNESDAY - before
        )

    with CaptureQueriesContext(connection) as queries:
        plan = plan_get(user=user)

    by_day = [
        q["sql"]
        for q in queries.captured_queries
        if "AT TIME ZONE" in q["sql"] and '"tracker_progressentry"' in q["sql"]
    ]
    assert len(by_day) == 1, by_day
    assert '"tracker_progressentry"."occurred_at" >=' in by_day[0]
    assert plan is not None
    # 15 of this week's 30 logged: the read's last 25 minutes go 15 now and 10 next week.
    assert [(w.start, w.minutes) for w in plan.weeks] == [
        (date(2026, 11, 30), 15),
        (date(2026, 12, 7), 10),
    ]
