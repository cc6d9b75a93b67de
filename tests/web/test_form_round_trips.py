"""Web forms that used to lose or misstate what the learner entered: a target date that came
back empty, a status change made halfway, reminder hours under which nothing could arrive, the
recommendation's heading, guessing the password that deletes the account, and caching."""

import re
from datetime import date

import pytest
from django.test import Client

from careers.models import Background
from tests.factories import UserFactory, published_path
from tests.web.clients import signed_in
from tracker.models import Enrolment, LearnerProfile, User
from tracker.services import enrolment_create, learner_profile_update

pytestmark = pytest.mark.django_db

SETTINGS_FORM = {
    "timezone": "Europe/London",
    "weekly_goal_minutes": "180",
    "inactivity_days": "3",
    "preferred_hour": "18",
    "quiet_hours_start": "",
    "quiet_hours_end": "",
}


@pytest.fixture
def enrolment() -> Enrolment:
    return enrolment_create(user=UserFactory.create(), path=published_path(steps=2))


def test_the_target_date_survives_saving_the_form_as_it_is_shown(enrolment):
    client = signed_in(enrolment.user)
    url = f"/enrolments/{enrolment.pk}/"
    client.post(f"{url}status/", {"target_date": "2027-03-01"})

    page = client.get(url).content.decode()
    shown = re.search(r'<input type="date" name="target_date" value="([^"]*)"', page)
    assert shown is not None
    assert shown.group(1) == "2027-03-01"
    client.post(f"{url}status/", {"target_date": shown.group(1)})

    enrolment.refresh_from_db()
    assert enrolment.target_date == date(2027, 3, 1)


@pytest.mark.reliability("Bad input")
def test_a_status_change_refused_in_part_changes_nothing_on_the_web(enrolment):
    client = signed_in(enrolment.user)

    response = client.post(
        f"/enrolments/{enrolment.pk}/status/", {"status": "paused", "target_date": "2000-01-01"}
    )

    assert response.status_code == 422
    assert "The target date cannot be in the past." in response.content.decode()
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.target_date) == ("active", None)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"quiet_hours_start": "22"},
            "quiet_hours_end",
            "Give both ends of the quiet hours, or neither.",
        ),
        (
            {"quiet_hours_end": "7"},
            "quiet_hours_start",
            "Give both ends of the quiet hours, or neither.",
        ),
        (
            {"quiet_hours_start": "22", "quiet_hours_end": "22"},
            "quiet_hours_end",
            "Quiet hours must end at another hour.",
        ),
        (
            {"preferred_hour": "23", "quiet_hours_start": "22", "quiet_hours_end": "7"},
            "preferred_hour",
            "23:00 is inside your quiet hours (22:00 to 7:00)",
        ),
    ],
)
def test_reminder_hours_that_would_silence_reminders_are_refused(changes, field, message):
    user = UserFactory.create()
    client = signed_in(user)

    web = client.post("/settings/", {**SETTINGS_FORM, **changes})

    assert web.status_code == 422
    page = web.content.decode()
    assert message in page
    # The message sits with its field: after the field's input, before the next label.
    after_input = page.split(f'name="{field}"', 1)[1].split("<label", 1)[0]
    assert message in after_input
    profile = LearnerProfile.objects.get(user=user)
    assert (profile.preferred_hour, profile.quiet_hours_start, profile.quiet_hours_end) == (
        18,
        None,
        None,
    )


def test_the_api_refuses_the_same_reminder_hours(client_for):
    user = UserFactory.create()
    api = client_for(user)

    half = api.patch("/api/v1/me/", {"quiet_hours_start": 22}, format="json")
    inside = api.patch(
        "/api/v1/me/",
        {"preferred_hour": 3, "quiet_hours_start": 22, "quiet_hours_end": 7},
        format="json",
    )
    fine = api.patch(
        "/api/v1/me/",
        {"preferred_hour": 8, "quiet_hours_start": 22, "quiet_hours_end": 7},
        format="json",
    )

    assert half.status_code == inside.status_code == 422
    assert half.json()["errors"][0]["field"] == "quiet_hours_end"
    assert inside.json()["errors"][0]["field"] == "preferred_hour"
    assert fine.status_code == 200
    assert (fine.json()["quiet_hours_start"], fine.json()["quiet_hours_end"]) == (22, 7)


def test_the_recommendation_names_the_role(catalogue):
    user = UserFactory.create()
    learner_profile_update(user=user, background=Background.objects.get(slug="backend-engineering"))

    page = signed_in(user).get("/roles/").content.decode()

    heading = re.search(r'<h2 id="rec-h">.*?<strong><a href="[^"]+">([^<]+)</a>', page, re.S)
    assert heading is not None
    assert heading.group(1) == "LLM Engineer"


@pytest.mark.reliability("Security")
def test_deleting_the_account_is_limited_like_a_login():
    user = UserFactory.create()
    client = signed_in(user)

    wrong = [client.post("/settings/delete/", {"password": f"guess-{n}"}) for n in range(6)]
    right = client.post("/settings/delete/", {"password": "a-long-test-password"})

    assert [r.status_code for r in wrong] == [422] * 5 + [429]
    assert "Too many wrong passwords" in wrong[5].content.decode()
    assert right.status_code == 429
    assert User.objects.filter(pk=user.pk).exists()


@pytest.mark.reliability("Security")
def test_signed_in_pages_are_never_stored(catalogue):
    client = signed_in(UserFactory.create())

    for url in ("/dashboard/", "/settings/", "/readiness/", "/roles/"):
        response = client.get(url)
        assert response.status_code == 200
        assert {"private", "no-store"} <= set(response["Cache-Control"].split(", ")), url

    assert "no-store" not in Client().get("/roles/").get("Cache-Control", "")
