"""The dashboard selector: everything the home screen needs, in a fixed number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from careers.models import Role, SeniorityLevel
from paths.models import LearningPath
from tests.factories import (
    LevelFactory,
    RequirementFactory,
    RoleFactory,
    UserFactory,
    published_path,
)
from tracker.recompute import readiness_recompute
from tracker.selectors import dashboard_get
from tracker.services import enrolment_create, learner_profile_update, progress_log, skill_claim_set

pytestmark = pytest.mark.django_db


def test_dashboard_for_a_learner_on_the_real_catalogue(learner, catalogue):
    llm, junior = Role.objects.get(slug="llm-engineer"), SeniorityLevel.objects.get(slug="junior")
    learner_profile_update(user=learner, target_role=llm, target_level=junior)
    path = LearningPath.objects.get(slug="llm-engineer-from-backend")
    enrolment = enrolment_create(
        user=learner, path=path, target_date=timezone.localdate() + timedelta(days=60)
    )
    first, second = path.steps.order_by("position")[:2]
    progress_log(enrolment=enrolment, step=first, minutes=90, status="completed")
    progress_log(enrolment=enrolment, step=second, minutes=30)
    readiness_recompute(user_id=learner.pk)

    dashboard = dashboard_get(user=learner)

    (row,) = dashboard.enrolments
    assert (row.steps_done, row.steps_total) == (1, path.steps.count())
    assert row.percent_done == round(100 / path.steps.count())
    assert row.pace.minutes_per_week == 840  # 120 minutes on the enrolment's first day: 120 / 1 * 7
    assert row.pace.projected_finish is not None
    assert dashboard.target_score is not None
    assert dashboard.target_score.role_id == llm.pk
    assert dashboard.target_score.score is not None
    assert 0 < dashboard.target_score.score < 100
    assert dashboard.streaks.current == 1
    assert dashboard.calendar[-1][1] == 120
    steps = dashboard.next_steps
    # One suggestion per path at or below junior (each path's steps wait on the one before,
    # so each offers one step to start with): the enrolled one goes on at step 2.
    assert {(s.step.path.slug, s.enrolment_id) for s in steps} == {
        ("llm-engineer-from-backend", enrolment.pk),
        ("ml-engineer-foundations", None),
    }
    assert next(s for s in steps if s.enrolment_id).step == second
    assert first.pk not in {step.pk for s in steps for step in s.chain}
    assert [s.gain_per_hour for s in steps] == sorted(
        (s.gain_per_hour for s in steps), reverse=True
    )
    assert all(s.gain > 0 for s in steps)


def test_dashboard_without_target_or_activity(learner):
    dashboard = dashboard_get(user=learner)

    assert dashboard.enrolments == []
    assert dashboard.target_score is None
    assert dashboard.next_steps == []
    assert (dashboard.streaks.current, dashboard.streaks.longest) == (0, 0)
    assert dashboard.minutes_per_week == 0


def enrol_in(learner, count: int, role, level) -> None:
    for _ in range(count):
        path = published_path(steps=3, role=role, level=level)
        enrolment = enrolment_create(user=learner, path=path)
        progress_log(
            enrolment=enrolment, step=path.steps.get(position=1), minutes=20, status="completed"
        )


def test_dashboard_queries_are_the_same_for_1_and_30_enrolments():
    role, level = RoleFactory.create(), LevelFactory.create()
    RequirementFactory.create(role=role, level=level)
    counts = []
    for enrolments in (1, 30):
        learner = UserFactory.create()
        learner_profile_update(user=learner, target_role=role, target_level=level)
        skill_claim_set(user=learner, skill=role.requirements.get().skill, level=2)
        enrol_in(learner, enrolments, role, level)
        readiness_recompute(user_id=learner.pk)
        with CaptureQueriesContext(connection) as queries:
            dashboard = dashboard_get(user=learner)
        assert len(dashboard.enrolments) == enrolments
        counts.append(len(queries))

    assert counts[0] == counts[1]
