"""A permission matrix over every endpoint and method, for anonymous, another learner, the
owner and a curator: nothing leaks, and nothing of the owner's changes."""

from typing import Any

import pytest
from django.utils import timezone
from fsrs import Rating
from rest_framework.test import APIClient

from assessments.models import Choice, Question, SkillCheck
from assessments.services import memories_review, skill_check_start
from tests.factories import (
    CuratorFactory,
    LevelFactory,
    RequirementFactory,
    RoleFactory,
    SkillFactory,
    UserFactory,
    published_path,
)
from tracker.calendar_feed import calendar_feed_renew
from tracker.models import CalendarFeed, Enrolment, LearnerProfile, ProgressEntry, SkillClaim
from tracker.recompute import readiness_recompute
from tracker.services import enrolment_create, progress_log, skill_claim_set

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "other", "owner", "curator")


@pytest.fixture
def world(client_for) -> dict[str, Any]:
    junior = LevelFactory.create(slug="junior", rank=1)
    llm = RoleFactory.create(slug="llm-engineer")
    RoleFactory.create(slug="ml-engineer")
    evaluation = SkillFactory.create(slug="evaluation")
    RequirementFactory.create(role=llm, level=junior, skill=evaluation)
    owner, other, curator = UserFactory.create(), UserFactory.create(), CuratorFactory.create()
    path = published_path(steps=2, role=llm, level=junior)
    enrolment = enrolment_create(user=owner, path=path)
    progress_log(enrolment=enrolment, step=path.steps.get(position=1), minutes=30)
    claim = skill_claim_set(user=owner, skill=evaluation, level=3)
    readiness_recompute(user_id=owner.pk)
    rag = SkillFactory.create(slug="rag")
    for skill in (evaluation, rag):  # skill-check banks at level 2
        for n in range(5):
            question = Question.objects.create(
                skill=skill, level=2, text=f"Q{n}", explanation=f"E{n}"
            )
            Choice.objects.create(question=question, position=1, text="a", is_correct=True)
    check = skill_check_start(user=owner, skill=evaluation, level=2)
    memories_review(  # the owner holds RAG: a review can be started
        user_id=owner.pk, skill_levels={rag.pk: 2}, rating=Rating.Good, at=timezone.now()
    )
    calendar_feed_renew(user=owner)
    clients = {
        "anonymous": APIClient(),
        "other": client_for(other),
        "owner": client_for(owner),
        "curator": client_for(curator),
    }
    return {
        "owner": owner,
        "clients": clients,
        "ids": {
            "enrolment": enrolment.pk,
            "claim": claim.pk,
            "step": path.steps.get(position=2).pk,
            "path": path.slug,
            "check": check.pk,
        },
    }


def owner_state(owner) -> tuple[Any, ...]:
    return (
        list(Enrolment.objects.filter(user=owner).values_list("status", "target_date")),
        list(ProgressEntry.objects.filter(user=owner).values_list("pk", "minutes")),
        list(SkillClaim.objects.filter(user=owner).values_list("skill_id", "level")),
        LearnerProfile.objects.filter(user=owner)
        .values_list("timezone", "weekly_goal_minutes")
        .get(),
        list(SkillCheck.objects.filter(user=owner).values_list("pk", "submitted_at", "passed")),
        list(CalendarFeed.objects.filter(user=owner).values_list("key", flat=True)),
    )


# (method, url, body, expected status per persona: anonymous, other, owner, curator)
MATRIX: list[tuple[str, str, dict[str, Any] | None, tuple[int, int, int, int]]] = [
    ("get", "/api/v1/roles/", None, (200, 200, 200, 200)),
    ("get", "/api/v1/roles/llm-engineer/", None, (200, 200, 200, 200)),
    ("get", "/api/v1/roles/compare/?roles=ml-engineer,llm-engineer", None, (200, 200, 200, 200)),
    ("get", "/api/v1/skills/", None, (200, 200, 200, 200)),
    ("get", "/api/v1/backgrounds/", None, (200, 200, 200, 200)),
    ("get", "/api/v1/paths/", None, (200, 200, 200, 200)),
    ("get", "/api/v1/paths/{path}/", None, (200, 200, 200, 200)),
    ("post", "/api/v1/roles/", {"slug": "x"}, (405, 405, 405, 405)),
    ("get", "/api/v1/me/", None, (401, 200, 200, 200)),
    ("patch", "/api/v1/me/", {"weekly_goal_minutes": 90}, (401, 200, 200, 200)),
    ("get", "/api/v1/me/export/", None, (401, 200, 200, 200)),
    ("get", "/api/v1/recommendation/", None, (401, 200, 200, 200)),
    ("get", "/api/v1/dashboard/", None, (401, 200, 200, 200)),
    ("get", "/api/v1/memory/", None, (401, 200, 200, 200)),
    ("get", "/api/v1/plan/", None, (401, 409, 409, 409)),  # nobody has a target here
    # Only the owner has a calendar feed; each learner makes and turns off their own.
    ("get", "/api/v1/plan/calendar/", None, (401, 404, 200, 404)),
    ("post", "/api/v1/plan/calendar/", None, (401, 201, 201, 201)),
    ("delete", "/api/v1/plan/calendar/", None, (401, 404, 204, 404)),
    ("get", "/api/v1/enrolments/", None, (401, 200, 200, 200)),
    ("get", "/api/v1/enrolments/{enrolment}/", None, (401, 404, 200, 404)),
    ("patch", "/api/v1/enrolments/{enrolment}/", {"status": "paused"}, (401, 404, 200, 404)),
    ("delete", "/api/v1/enrolments/{enrolment}/", None, (401, 405, 405, 405)),
    ("get", "/api/v1/progress/", None, (401, 200, 200, 200)),
    (
        "post",
        "/api/v1/progress/",
        {"enrolment": "{enrolment}", "step": "{step}", "minutes": 10},
        (401, 400, 201, 400),
    ),
    (
        "post",
        "/api/v1/progress/batch/",
        {"entries": [{"enrolment": "{enrolment}", "step": "{step}", "minutes": 10}]},
        (401, 200, 200, 200),
    ),
    ("get", "/api/v1/skill-claims/", None, (401, 200, 200, 200)),
    ("get", "/api/v1/skill-claims/{claim}/", None, (401, 404, 200, 404)),
    ("patch", "/api/v1/skill-claims/{claim}/", {"level": 5}, (401, 404, 200, 404)),
    ("delete", "/api/v1/skill-claims/{claim}/", None, (401, 404, 204, 404)),
    ("get", "/api/v1/readiness/", None, (401, 200, 200, 200)),
    # Each learner's own score: one without progress gets 0 (test_lists_hold_only_...).
    ("get", "/api/v1/readiness/llm-engineer/?level=junior", None, (401, 200, 200, 200)),
    ("get", "/api/v1/readiness/llm-engineer/history/?level=junior", None, (401, 200, 200, 200)),
    ("get", "/api/v1/checks/", None, (401, 200, 200, 200)),
    ("get", "/api/v1/checks/{check}/", None, (401, 404, 200, 404)),
    # The owner's check of evaluation at level 2 is open: starting it again reopens it (200).
    ("post", "/api/v1/checks/", {"skill": "evaluation", "level": 2}, (401, 201, 200, 201)),
    ("post", "/api/v1/checks/{check}/submit/", {"answers": []}, (401, 404, 200, 404)),
    # Only the owner holds evaluation (a memory of it); the others have nothing to review.
    ("post", "/api/v1/reviews/", {"skill": "rag"}, (401, 422, 201, 422)),
    ("post", "/api/v1/me/delete/", {"password": "wrong password"}, (401, 400, 400, 400)),
    ("delete", "/api/v1/me/", {"password": "wrong password"}, (401, 405, 405, 405)),
]


def fill(value: Any, ids: dict[str, Any]) -> Any:
    if isinstance(value, str):
        for name, real in ids.items():
            if value == f"{{{name}}}":
                return real
        return value.format(**ids)
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, ids) for v in value]
    return value


@pytest.mark.parametrize(("method", "url", "body", "expected"), MATRIX, ids=lambda v: str(v)[:40])
@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(world, persona, method, url, body, expected):
    client = world["clients"][persona]
    owner = world["owner"]
    ids = world["ids"]
    others_before = None if persona == "owner" else owner_state(owner)

    response = getattr(client, method)(fill(url, ids), fill(body, ids), format="json")

    assert response.status_code == expected[PERSONAS.index(persona)], response.content
    if response.status_code >= 400:
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == response.status_code
    if others_before is not None:
        assert owner_state(owner) == others_before  # nothing of the owner's changed


def test_batch_from_another_learner_refuses_each_entry(world):
    response = world["clients"]["other"].post(
        "/api/v1/progress/batch/",
        fill(
            {"entries": [{"enrolment": "{enrolment}", "step": "{step}", "minutes": 10}]},
            world["ids"],
        ),
        format="json",
    )

    (result,) = response.json()
    assert result["status"] == 400
    assert result["errors"][0]["field"] == "enrolment"


def test_lists_hold_only_the_learners_own_rows(world):
    other = world["clients"]["other"]

    for url in (
        "/api/v1/enrolments/",
        "/api/v1/progress/",
        "/api/v1/skill-claims/",
        "/api/v1/checks/",
    ):
        assert other.get(url).json()["results"] == []
    # Filtering by the owner's enrolment is refused as a missing id would be (no oracle).
    filtered = other.get("/api/v1/progress/", {"enrolment": world["ids"]["enrolment"]})
    assert filtered.status_code == 400
    assert filtered.json()["errors"][0]["field"] == "enrolment"
    assert other.get("/api/v1/readiness/").json()["results"] == []
    mine = world["clients"]["owner"].get("/api/v1/readiness/llm-engineer/?level=junior").json()
    theirs = other.get("/api/v1/readiness/llm-engineer/?level=junior").json()
    assert mine["score"] > 0
    assert theirs["score"] == 0
    assert all(line["current"] == 0 for line in theirs["breakdown"])
    assert other.get("/api/v1/me/export/").json()["progress"] == []


def test_a_deactivated_learner_is_refused_at_once(world):
    owner = world["owner"]
    owner.is_active = False
    owner.save()

    response = world["clients"]["owner"].get("/api/v1/me/")

    assert response.status_code == 401
