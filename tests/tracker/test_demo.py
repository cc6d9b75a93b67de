from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client
from rest_framework.test import APIClient

from tests.api_clients import login
from tests.ical_check import rfc5545_calendar
from tests.web.clients import signed_in
from tracker.calendar_feed import feed_url
from tracker.demo import LLM_PATH_HISTORY, ML_PATH_HISTORY
from tracker.management.commands.demo_accounts import DEMO_LEARNER
from tracker.models import (
    CalendarFeed,
    Enrolment,
    ProgressEntry,
    ReadinessScore,
    ReadinessSnapshot,
    SkillClaim,
    User,
)
from tracker.selectors import breakdown_explained, dashboard_get
from tracker.services import enrolment_create, progress_log

pytestmark = pytest.mark.django_db


def test_demo_accounts_give_the_learner_history_once(catalogue, settings):
    settings.DEBUG = True
    out = StringIO()

    call_command("demo_accounts", stdout=out)
    call_command("demo_accounts", stdout=out)

    learner = User.objects.get(email="learner@pathwise.local")
    assert learner.check_password("learn-ai-2026")
    assert Enrolment.objects.filter(user=learner).count() == 2
    assert ProgressEntry.objects.filter(user=learner).count() == len(LLM_PATH_HISTORY) + len(
        ML_PATH_HISTORY
    )
    assert SkillClaim.objects.filter(user=learner).count() == 1
    assert ReadinessScore.objects.filter(user=learner).count() == 12  # 3 roles x 4 levels
    stored = list(
        ReadinessSnapshot.objects.filter(
            user=learner, role__slug="llm-engineer", level__slug="junior"
        ).values_list("score", flat=True)
    )
    junior_llm = [score for score in stored if score is not None]
    assert junior_llm == stored  # the role and level have requirements: never None
    assert len(junior_llm) == 26  # 25 backfilled days and today
    # Before the paths only the old evaluation check counts, already fading; from there the
    # steps add far more than evaluation loses.
    assert 0 < junior_llm[0] < junior_llm[-1]
    assert junior_llm[-1] > 40
    evidence = {
        line["skill"]: line["evidence"]
        for line in breakdown_explained(
            score=ReadinessScore.objects.get(
                user=learner, role__slug="llm-engineer", level__slug="junior"
            )
        )
    }
    assert evidence["prompt-engineering"]["verified"]
    assert evidence["transformer-concepts"]["source"] == "step"
    assert not evidence["transformer-concepts"]["verified"]
    fading = {skill for skill, shown in evidence.items() if shown["fading"]}
    assert fading == {"evaluation"}
    assert evidence["evaluation"]["retained"] == 0.75  # one check, 200 days ago
    curator = User.objects.get(email="curator@pathwise.local")
    assert curator.is_staff
    assert list(curator.groups.values_list("name", flat=True)) == ["Curators"]
    assert out.getvalue().count("learner@pathwise.local / learn-ai-2026") == 2


def test_the_demo_learners_dashboard_shows_steps_they_can_take(catalogue, settings):
    settings.DEBUG = True
    call_command("demo_accounts", stdout=StringIO())
    learner = User.objects.get(email="learner@pathwise.local")

    suggestions = dashboard_get(user=learner).next_steps

    assert suggestions
    for suggestion in suggestions:  # each chain, in order, is logged as completed
        with transaction.atomic():
            enrolment = (
                Enrolment.objects.get(pk=suggestion.enrolment_id, user=learner)
                if suggestion.enrolment_id
                else enrolment_create(user=learner, path=suggestion.step.path)
            )
            for step in suggestion.chain:
                progress_log(enrolment=enrolment, step=step, minutes=5, status="completed")
            transaction.set_rollback(True)


def test_demo_accounts_refuse_without_debug(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG only"):
        call_command("demo_accounts")
    assert not User.objects.filter(email="learner@pathwise.local").exists()


def test_the_demo_learner_has_a_plan_a_projection_and_a_calendar_feed(catalogue, settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("demo_accounts", stdout=out)
    learner = User.objects.get(email="learner@pathwise.local")
    feed = CalendarFeed.objects.get(user=learner)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {login(api, *DEMO_LEARNER)['access']}")

    plan = api.get("/api/v1/plan/").json()
    calendar = api.get("/api/v1/plan/calendar/").json()
    page = signed_in(learner).get("/plan/").content.decode()
    ics = Client().get(urlsplit(feed_url(feed)).path)

    assert f"plan as a calendar feed: {feed_url(feed)}" in out.getvalue()
    assert calendar["url"] == feed_url(feed)
    assert f'value="{feed_url(feed)}"' in page
    assert plan["role"] == "llm-engineer"
    assert plan["weeks"][1]["items"]  # a week with steps (this week may be full already)
    projection = [week["readiness"] for week in plan["weeks"]]
    assert projection == sorted(projection)
    assert projection[0] >= plan["readiness_now"]
    assert plan["target_date"] is not None
    events = rfc5545_calendar(ics.content).events
    planned = {item["title"] for week in plan["weeks"][:4] for item in week["items"]}
    assert {str(e.summary).removeprefix("Study: ") for e in events} == planned
