"""GET /api/v1/dashboard/ is cached per learner, and every change shows at the next read."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from careers.models import Role, SeniorityLevel
from paths.models import LearningPath
from tests.factories import UserFactory
from tracker.models import Enrolment
from tracker.recompute import readiness_recompute
from tracker.services import enrolment_create, learner_profile_update

pytestmark = pytest.mark.django_db

DASHBOARD = "/api/v1/dashboard/"


@pytest.fixture
def enrolment(owner, catalogue) -> Enrolment:
    role, level = Role.objects.get(slug="llm-engineer"), SeniorityLevel.objects.get(slug="junior")
    learner_profile_update(user=owner, target_role=role, target_level=level)
    path = LearningPath.objects.get(slug="llm-engineer-from-backend")
    enrolled = enrolment_create(user=owner, path=path)
    readiness_recompute(user_id=owner.pk)
    return enrolled


def test_a_repeated_read_is_served_from_the_cache(owner_api, enrolment):
    first = owner_api.get(DASHBOARD)
    with CaptureQueriesContext(connection) as queries:
        again = owner_api.get(DASHBOARD)

    assert again.json() == first.json()
    tables = " ".join(q["sql"] for q in queries)
    assert "tracker_progressentry" not in tables
    assert "paths_step" not in tables
    assert sum('FROM "tracker_learnerprofile"' in q["sql"] for q in queries) == 1


def test_every_change_shows_at_the_next_read(owner_api, owner, enrolment):
    step = enrolment.path.steps.get(position=1)
    before = owner_api.get(DASHBOARD).json()
    assert before["streak"]["current"] == 0

    owner_api.post(
        "/api/v1/progress/",
        {"enrolment": enrolment.pk, "step": step.pk, "minutes": 40, "status": "completed"},
        format="json",
    )
    logged = owner_api.get(DASHBOARD).json()
    assert logged["streak"]["current"] == 1
    assert logged["enrolments"][0]["steps_done"] == 1
    assert logged["target"]["score"] == before["target"]["score"]  # not recomputed yet

    readiness_recompute(user_id=owner.pk)
    assert owner_api.get(DASHBOARD).json()["target"]["score"] > before["target"]["score"]

    owner_api.patch("/api/v1/me/", {"weekly_goal_minutes": 300}, format="json")
    assert owner_api.get(DASHBOARD).json()["weekly_goal_minutes"] == 300

    target = (timezone.localdate() + timedelta(days=90)).isoformat()
    owner_api.patch(f"/api/v1/enrolments/{enrolment.pk}/", {"target_date": target}, format="json")
    assert owner_api.get(DASHBOARD).json()["enrolments"][0]["enrolment"]["target_date"] == target


def test_a_new_day_is_a_new_dashboard(client_for, owner, enrolment):
    day = timezone.localdate() + timedelta(days=1)
    before_midnight = datetime.combine(day, time(23, 58), tzinfo=ZoneInfo(owner.profile.timezone))
    with time_machine.travel(before_midnight, tick=False) as traveller:
        api = client_for(owner)  # a token minted at the travelled time
        today = api.get(DASHBOARD).json()["today"]
        traveller.shift(timedelta(minutes=3))
        tomorrow = api.get(DASHBOARD).json()["today"]

    assert (today, tomorrow) == (day.isoformat(), (day + timedelta(days=1)).isoformat())


def test_learners_never_share_a_cached_dashboard(owner_api, enrolment, client_for):
    other = client_for(UserFactory.create())
    owner_api.get(DASHBOARD)

    theirs = other.get(DASHBOARD).json()

    assert theirs["enrolments"] == []
    assert theirs["target"] is None
