"""What a mobile client generated from the schema relies on (issue 15): account deletion as an
operation the schema can describe, unknown filter values refused, `Location` on every 201,
one status for "same key or client_id, other content", an export named as the API names
things, and a home screen with what the app shows."""

import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.api_clients import PASSWORD
from tests.factories import RequirementFactory, UserFactory, published_path
from tracker.calendar_feed import calendar_feed_renew
from tracker.models import ProgressEntry, User
from tracker.recompute import readiness_recompute
from tracker.services import (
    enrolment_create,
    learner_profile_update,
    progress_log,
    skill_claim_set,
)

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
DAY = timedelta(days=1)


def problem(response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    if field is not None:
        assert field in {error["field"] for error in body.get("errors", [])}, body
    return body


@pytest.fixture
def enrolment(owner):
    return enrolment_create(user=owner, path=published_path(steps=2))


def entry(enrolment, /, **changes):
    return {
        "enrolment": enrolment.pk,
        "step": enrolment.path.steps.get(position=1).pk,
        "minutes": 20,
        **changes,
    }


# --- 1. Account deletion --------------------------------------------------------------------


def test_post_me_delete_deletes_the_account(owner_api, owner):
    response = owner_api.post("/api/v1/me/delete/", {"password": PASSWORD}, format="json")

    assert response.status_code == 204
    assert not User.objects.filter(pk=owner.pk).exists()
    assert owner_api.get("/api/v1/me/").status_code == 401


def test_post_me_delete_with_a_wrong_password_is_400_on_password(owner_api, owner):
    response = owner_api.post("/api/v1/me/delete/", {"password": "not-the-password"}, format="json")

    problem(response, 400, "password")
    assert User.objects.filter(pk=owner.pk).exists()


def test_delete_me_is_a_405_naming_the_new_operation(owner_api, owner):
    response = owner_api.delete("/api/v1/me/", {"password": PASSWORD}, format="json")

    body = problem(response, 405)
    assert "POST /api/v1/me/delete/" in body["detail"]
    assert "DELETE" not in response["Allow"]
    assert User.objects.filter(pk=owner.pk).exists()


# --- 2. Unknown filter values ---------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/paths/?role=nope",
        "/api/v1/paths/?level=nope",
        "/api/v1/paths/?skill=nope",
        "/api/v1/enrolments/?status=nope",
        "/api/v1/progress/?status=nope",
        "/api/v1/progress/?step=999999999",
    ],
)
def test_an_unknown_filter_value_is_a_400_naming_the_parameter(owner_api, url):
    parameter = url.split("?")[1].split("=")[0]

    problem(owner_api.get(url), 400, parameter)


def test_known_filter_values_still_filter(owner_api, enrolment):
    path = enrolment.path
    skill = path.steps.get(position=1).skills.get()

    by_role = owner_api.get(f"/api/v1/paths/?role={path.role.slug}&level={path.level.slug}")
    by_skill = owner_api.get(f"/api/v1/paths/?skill={skill.slug}")
    by_status = owner_api.get("/api/v1/enrolments/?status=active")

    assert path.slug in [p["slug"] for p in by_role.json()["results"]]
    assert [p["slug"] for p in by_skill.json()["results"]] == [path.slug]
    assert [e["id"] for e in by_status.json()["results"]] == [enrolment.pk]


# --- 3. Location on 201 ---------------------------------------------------------------------


def test_enrolling_answers_the_enrolment_location(owner_api):
    path = published_path(steps=1)

    response = owner_api.post("/api/v1/enrolments/", {"path": path.slug}, format="json")

    assert response.status_code == 201
    location = response["Location"]
    assert location.endswith(f"/api/v1/enrolments/{response.json()['id']}/")
    assert owner_api.get(location).json() == response.json()


def test_logging_progress_answers_the_entry_location_also_on_a_replay(owner_api, enrolment):
    first = owner_api.post(
        "/api/v1/progress/", entry(enrolment), format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    replay = owner_api.post(
        "/api/v1/progress/", entry(enrolment), format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )

    assert first.status_code == replay.status_code == 201
    assert replay["Idempotent-Replayed"] == "true"
    location = first["Location"]
    assert location.endswith(f"/api/v1/progress/{first.json()['id']}/")
    assert replay["Location"] == location
    assert owner_api.get(location).json() == first.json()


def test_another_learners_entry_is_a_404(client_for, owner_api, enrolment):
    logged = owner_api.post("/api/v1/progress/", entry(enrolment), format="json")
    other = client_for(UserFactory.create())

    problem(other.get(logged["Location"]), 404)


def test_claiming_a_skill_answers_the_claim_location(owner_api, enrolment):
    skill = enrolment.path.steps.get(position=1).skills.get()

    response = owner_api.post(
        "/api/v1/skill-claims/", {"skill": skill.slug, "level": 3}, format="json"
    )

    assert response.status_code == 201
    assert response["Location"].endswith(f"/api/v1/skill-claims/{response.json()['id']}/")
    assert owner_api.get(response["Location"]).json() == response.json()


# --- 4. Consistent conflicts ----------------------------------------------------------------


def test_a_reused_idempotency_key_with_another_body_is_a_409_naming_the_key(owner_api, enrolment):
    owner_api.post("/api/v1/progress/", entry(enrolment), format="json", HTTP_IDEMPOTENCY_KEY="k")

    again = owner_api.post(
        "/api/v1/progress/", entry(enrolment, minutes=9), format="json", HTTP_IDEMPOTENCY_KEY="k"
    )

    assert "Idempotency-Key" in problem(again, 409)["detail"]
    assert ProgressEntry.objects.count() == 1


def test_a_reused_client_id_with_another_body_is_a_409_naming_the_client_id(owner_api, enrolment):
    client_id = str(uuid.uuid4())
    owner_api.post("/api/v1/progress/", entry(enrolment, client_id=client_id), format="json")

    again = owner_api.post(
        "/api/v1/progress/", entry(enrolment, client_id=client_id, minutes=9), format="json"
    )

    assert "client_id" in problem(again, 409)["detail"]
    assert ProgressEntry.objects.count() == 1


# --- 5. Export as the API names things ------------------------------------------------------


def _learner_with_everything(owner, enrolment):
    step = enrolment.path.steps.get(position=1)
    path = enrolment.path
    RequirementFactory.create(role=path.role, level=path.level, skill=step.skills.get())
    learner_profile_update(
        user=owner, target_role=enrolment.path.role, target_level=enrolment.path.level
    )
    progress_log(enrolment=enrolment, step=step, minutes=5, note="first go")
    skill_claim_set(user=owner, skill=step.skills.get(), level=3)
    readiness_recompute(user_id=owner.pk)
    calendar_feed_renew(user=owner)


def test_the_export_gives_each_part_as_its_endpoint_does(owner, owner_api, enrolment):
    _learner_with_everything(owner, enrolment)

    data = owner_api.get("/api/v1/me/export/").json()

    assert data["profile"] == owner_api.get("/api/v1/me/").json()
    assert data["profile"]["target_role"] == enrolment.path.role.slug  # a slug, not an id
    assert data["enrolments"] == owner_api.get("/api/v1/enrolments/").json()["results"]
    assert data["progress"] == owner_api.get("/api/v1/progress/").json()["results"]
    assert data["skill_claims"] == owner_api.get("/api/v1/skill-claims/").json()["results"]
    assert data["readiness"] == owner_api.get("/api/v1/readiness/").json()["results"]
    assert set(data["readiness_history"][0]) == {"role", "level", "day", "score"}
    assert data["skill_checks"] == owner_api.get("/api/v1/checks/").json()["results"]
    assert data["memory"] == owner_api.get("/api/v1/memory/").json()
    assert data["calendar_feed"] == owner_api.get("/api/v1/plan/calendar/").json()


def test_the_export_has_no_internal_names_or_fields(owner, owner_api, enrolment):
    _learner_with_everything(owner, enrolment)

    data = owner_api.get("/api/v1/me/export/").json()

    def keys(value):
        if isinstance(value, dict):
            return set(value) | {k for v in value.values() for k in keys(v)}
        if isinstance(value, list):
            return {k for v in value for k in keys(v)}
        return set()

    found = keys(data)
    assert not {key for key in found if "__" in key}
    internal = {"readiness_stale_at", "changed_at", "user", "user_id", "enrolment_id", "step_id"}
    assert not found & internal
    assert not found & {"breakdown", "claim_token", "context", "error", "attempts"}


def test_the_export_is_typed_in_the_schema():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    content = schema["paths"]["/api/v1/me/export/"]["get"]["responses"]["200"]["content"]
    ref = content["application/json"]["schema"]["$ref"]
    export = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(export["properties"]) == {
        "account",
        "profile",
        "enrolments",
        "progress",
        "skill_claims",
        "readiness",
        "readiness_history",
        "skill_checks",
        "memory",
        "reminders",
        "calendar_feed",
    }


# --- 6. Home-screen dashboard ---------------------------------------------------------------


def _targeting(owner, steps: int = 3):
    """A learner enrolled on a path whose steps teach the three skills its target requires."""
    path = published_path(steps=steps)
    for step in path.steps.all():
        RequirementFactory.create(role=path.role, level=path.level, skill=step.skills.get())
    learner_profile_update(user=owner, target_role=path.role, target_level=path.level)
    return enrolment_create(user=owner, path=path)


def test_the_dashboard_names_what_it_shows_and_rounds_the_score(owner, owner_api):
    enrolment = _targeting(owner)
    progress_log(
        enrolment=enrolment,
        step=enrolment.path.steps.get(position=1),
        minutes=30,
        status="completed",
    )
    readiness_recompute(user_id=owner.pk)

    data = owner_api.get("/api/v1/dashboard/").json()

    path = enrolment.path
    assert data["target"]["role"] == path.role.slug
    assert data["target"]["role_name"] == path.role.name
    assert data["target"]["level_name"] == path.level.name
    # one third of the requirements, counted 4/5 until verified (26.666…), one decimal
    assert data["target"]["score"] == 26.7
    assert data["enrolments"][0]["enrolment"]["path"]["title"] == path.title


def test_the_dashboard_counts_this_weeks_minutes_against_the_goal(owner, owner_api):
    enrolment = _targeting(owner)
    learner_profile_update(user=owner, weekly_goal_minutes=120)
    step = enrolment.path.steps.get(position=1)
    progress_log(enrolment=enrolment, step=step, minutes=40)
    progress_log(
        enrolment=enrolment, step=step, minutes=50, occurred_at=timezone.now() - timedelta(days=8)
    )

    week = owner_api.get("/api/v1/dashboard/").json()["week"]

    today = timezone.now().astimezone(ZoneInfo("Europe/London")).date()
    assert week == {
        "start": (today - timedelta(days=today.weekday())).isoformat(),
        "minutes": 40,
        "goal_minutes": 120,
    }


def test_the_streak_says_when_today_is_needed_to_keep_it(owner, owner_api):
    enrolment = _targeting(owner)
    step = enrolment.path.steps.get(position=1)
    progress_log(enrolment=enrolment, step=step, minutes=10, occurred_at=timezone.now() - DAY)

    before = owner_api.get("/api/v1/dashboard/").json()["streak"]
    progress_log(enrolment=enrolment, step=step, minutes=10)
    after = owner_api.get("/api/v1/dashboard/").json()["streak"]  # the cached one moved on

    assert before == {"current": 1, "longest": 1, "at_risk": True}
    assert after == {"current": 2, "longest": 2, "at_risk": False}


def test_a_learner_without_a_streak_is_not_at_risk(owner, owner_api):
    _targeting(owner)

    assert owner_api.get("/api/v1/dashboard/").json()["streak"]["at_risk"] is False


def test_each_enrolment_says_which_step_to_continue_with(owner, owner_api):
    enrolment = _targeting(owner)
    first, second, third = enrolment.path.steps.order_by("position")
    second.prerequisites.add(third)
    progress_log(enrolment=enrolment, step=first, minutes=10, status="completed")

    step = owner_api.get("/api/v1/dashboard/").json()["enrolments"][0]["continue_step"]
    for done in (third, second):
        progress_log(enrolment=enrolment, step=done, minutes=10, status="completed")
    finished = owner_api.get("/api/v1/dashboard/").json()["enrolments"]

    assert step == {
        "step": third.pk,  # the second waits for the third, its prerequisite
        "title": third.title,
        "kind": third.kind,
        "estimated_minutes": third.estimated_minutes,
    }
    assert [e["continue_step"] for e in finished] == [None] * len(finished)
