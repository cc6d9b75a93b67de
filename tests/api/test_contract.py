"""The rest of the contract: query counts that do not grow with the data, ETags, pagination,
throttling, account deletion and export."""

import re
from uuid import uuid4

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.timezone import now
from fsrs import Rating
from rest_framework.test import APIClient
from rest_framework.throttling import UserRateThrottle

from assessments.models import Choice, Question
from assessments.services import memories_review, skill_check_start
from careers.models import Skill
from paths.models import LearningPath
from tests.api_clients import PASSWORD
from tests.factories import UserFactory, published_path
from tracker.models import Enrolment, LearnerProfile, ProgressEntry, ReadinessScore, User
from tracker.recompute import readiness_recompute
from tracker.services import enrolment_create, learner_profile_update, progress_log, skill_claim_set

pytestmark = pytest.mark.django_db

READS = [
    "/api/v1/me/",
    "/api/v1/me/export/",
    "/api/v1/recommendation/",
    "/api/v1/dashboard/",
    "/api/v1/roles/",
    "/api/v1/roles/llm-engineer/",
    "/api/v1/roles/compare/?roles=ml-engineer,llm-engineer,ai-architect",
    "/api/v1/skills/",
    "/api/v1/backgrounds/",
    "/api/v1/paths/",
    "/api/v1/paths/?skill=rag-architecture",
    "/api/v1/paths/llm-engineer-production-rag/",
    "/api/v1/enrolments/",
    "/api/v1/enrolments/{enrolment}/",
    "/api/v1/progress/",
    "/api/v1/skill-claims/",
    "/api/v1/readiness/",
    "/api/v1/readiness/llm-engineer/?level=junior",
    "/api/v1/readiness/llm-engineer/history/?level=junior",
]


def learner_with_history(client_for, size: int) -> tuple[APIClient, int]:
    """A learner with `size` enrolments (each with two entries) and `size` skill claims."""
    user = UserFactory.create()
    learner_profile_update(user=user, target_role=None)
    paths = list(LearningPath.objects.filter(status="published"))
    extra = [published_path(steps=2) for _ in range(max(0, size - len(paths)))]
    first = None
    for path in (paths + extra)[:size]:
        enrolment = enrolment_create(user=user, path=path)
        first = first or enrolment
        for step in path.steps.order_by("position")[:2]:
            progress_log(enrolment=enrolment, step=step, minutes=15, status="completed")
    for skill in Skill.objects.order_by("slug")[:size]:
        skill_claim_set(user=user, skill=skill, level=2)
    readiness_recompute(user_id=user.pk)
    assert first is not None
    return client_for(user), first.pk


def test_query_counts_do_not_grow_with_the_data(client_for, catalogue):
    small, small_enrolment = learner_with_history(client_for, 1)
    large, large_enrolment = learner_with_history(client_for, 20)

    for url in READS:
        counts = []
        for client, enrolment in ((small, small_enrolment), (large, large_enrolment)):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url.format(enrolment=enrolment))
            assert response.status_code == 200, (url, response.content)
            counts.append(len(queries))
        assert counts[0] == counts[1], (url, counts)


def test_logging_progress_takes_six_statements(client_for, owner):
    """The token's session and user, the step, the enrolment under its lock (refusing one that
    is not the learner's), the entry, the stale mark: nothing read twice."""
    path = published_path(steps=1)
    enrolment = enrolment_create(user=owner, path=path)
    client = client_for(owner)
    body = {"enrolment": enrolment.pk, "step": path.steps.get().pk, "minutes": 20}

    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            "/api/v1/progress/", {**body, "client_id": str(uuid4())}, format="json"
        )

    assert response.status_code == 201, response.content
    statements = [
        re.findall(r'^(\w+) .*?"(\w+)"', q["sql"], re.DOTALL)[0]  # verb, first table
        for q in queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]
    assert statements == [
        ("SELECT", "django_session"),
        ("SELECT", "tracker_user"),
        ("SELECT", "paths_step"),
        ("SELECT", "tracker_enrolment"),
        ("INSERT", "tracker_progressentry"),
        ("UPDATE", "tracker_learnerprofile"),
    ]
    assert ProgressEntry.objects.filter(enrolment=enrolment, minutes=20).count() == 1


def test_catalogue_reads_answer_304_to_a_matching_etag(api, catalogue):
    first = api.get("/api/v1/roles/llm-engineer/")
    etag = first["ETag"]

    again = api.get("/api/v1/roles/llm-engineer/", HTTP_IF_NONE_MATCH=etag)
    other = api.get("/api/v1/roles/ml-engineer/", HTTP_IF_NONE_MATCH=etag)

    assert first.status_code == 200
    assert again.status_code == 304
    assert again.content == b""
    assert other.status_code == 200


def test_lists_are_paginated_with_a_maximum_page_size(api, catalogue):
    page = api.get("/api/v1/skills/", {"page_size": 5})
    capped = api.get("/api/v1/skills/", {"page_size": 10_000})

    assert page.json()["count"] == 24
    assert len(page.json()["results"]) == 5
    assert page.json()["next"] is not None
    assert len(capped.json()["results"]) == 24  # under the cap of 100
    assert api.get("/api/v1/skills/", {"page": 99}).status_code == 404


def test_paths_filter_by_role_level_skill_and_search(api, catalogue):
    def slugs(**params: str) -> set[str]:
        return {p["slug"] for p in api.get("/api/v1/paths/", params).json()["results"]}

    assert slugs(role="ai-architect") == {"ai-architect-full-stack"}
    assert slugs(role="llm-engineer", level="junior") == {"llm-engineer-from-backend"}
    assert "llm-engineer-production-rag" in slugs(skill="embedding-fine-tuning")
    assert slugs(search="Production RAG") == {"llm-engineer-production-rag"}
    assert api.get("/api/v1/paths/", {"role": "nobody"}).status_code == 400  # not an empty 200


def test_learners_are_throttled(owner_api, monkeypatch):
    monkeypatch.setattr(
        UserRateThrottle, "THROTTLE_RATES", {**UserRateThrottle.THROTTLE_RATES, "user": "3/min"}
    )

    statuses = [owner_api.get("/api/v1/me/").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]


def test_failed_logins_are_limited_on_the_app_api(api, owner):
    def attempt(password: str) -> list[str]:
        response = api.post(
            "/_allauth/app/v1/auth/login",
            {"email": owner.email, "password": password},
            format="json",
        )
        assert response.status_code == 400
        return [error["code"] for error in response.json()["errors"]]

    first_five = [attempt("wrong-one-123") for _ in range(5)]
    sixth = attempt("wrong-one-123")
    right_password = attempt(PASSWORD)  # refused too while the limit holds

    assert all("too_many_login_attempts" not in codes for codes in first_five)
    assert "too_many_login_attempts" in sixth
    assert "too_many_login_attempts" in right_password


def test_delete_account_removes_everything_and_kills_the_token(client_for, owner):
    path = published_path(steps=1)
    enrolment = enrolment_create(user=owner, path=path)
    progress_log(enrolment=enrolment, step=path.steps.get(), minutes=5)
    client = client_for(owner)

    response = client.post("/api/v1/me/delete/", {"password": PASSWORD}, format="json")

    assert response.status_code == 204
    assert not User.objects.filter(pk=owner.pk).exists()
    assert (
        Enrolment.objects.count(),
        ProgressEntry.objects.count(),
        LearnerProfile.objects.count(),
    ) == (0, 0, 0)
    assert client.get("/api/v1/me/").status_code == 401


def test_export_holds_everything_stored_about_the_learner(client_for, owner):
    path = published_path(steps=1)
    enrolment = enrolment_create(user=owner, path=path)
    progress_log(enrolment=enrolment, step=path.steps.get(), minutes=5, note="first go")
    skill = path.steps.get().skills.get()
    skill_claim_set(user=owner, skill=skill, level=3)
    readiness_recompute(user_id=owner.pk)
    for n in range(5):  # a bank of five questions at level 2, and a check started on it
        question = Question.objects.create(skill=skill, level=2, text=f"Q{n}", explanation="E")
        Choice.objects.create(question=question, position=1, text="a", is_correct=True)
    skill_check_start(user=owner, skill=skill, level=2)
    memories_review(user_id=owner.pk, skill_levels={skill.pk: 2}, rating=Rating.Good, at=now())

    data = client_for(owner).get("/api/v1/me/export/").json()

    assert data["account"]["email"] == owner.email
    assert data["profile"]["timezone"] == "Europe/London"
    assert [e["path"]["slug"] for e in data["enrolments"]] == [path.slug]
    assert [p["note"] for p in data["progress"]] == ["first go"]
    assert [c["level"] for c in data["skill_claims"]] == [3]
    assert {(r["role"], r["level"]) for r in data["readiness"]} == set(
        ReadinessScore.objects.filter(user=owner).values_list("role__slug", "level__slug")
    )
    assert len(data["readiness_history"]) == len(data["readiness"])
    assert data["reminders"] == []
    assert [(c["skill"], c["level"], c["state"]) for c in data["skill_checks"]] == [
        (skill.slug, 2, "open")
    ]
    assert [(m["skill"], m["level"], m["due"]) for m in data["memory"]] == [(skill.slug, 2, False)]
    assert data["calendar_feed"] is None  # none made


def test_throttled_responses_are_problems(owner_api, monkeypatch):
    monkeypatch.setattr(
        UserRateThrottle, "THROTTLE_RATES", {**UserRateThrottle.THROTTLE_RATES, "user": "1/min"}
    )
    owner_api.get("/api/v1/me/")

    response = owner_api.get("/api/v1/me/")

    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Too Many Requests"
    assert "Retry-After" in response


def test_an_unexpected_error_is_a_500_problem_without_a_trace(owner_api, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("tracker.api.views.selectors.dashboard_get", broken)

    response = owner_api.get("/api/v1/dashboard/")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Internal Server Error",
        "status": 500,
        "detail": "Something went wrong on our side.",
    }
    assert b"secret internals" not in response.content
