"""Bad input gets a 4xx application/problem+json with the fields named, and stores nothing."""

import json
import threading
import uuid
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from careers.models import Skill
from tests.factories import PathFactory, SkillFactory, UserFactory, published_path
from tests.markers import row_locks
from tracker.models import Enrolment, IdempotencyKey, LearnerProfile, ProgressEntry, SkillClaim
from tracker.services import enrolment_create

pytestmark = [pytest.mark.reliability("Bad input"), pytest.mark.django_db]


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (ProgressEntry, Enrolment, SkillClaim, IdempotencyKey))


@pytest.fixture
def enrolment(owner):
    return enrolment_create(user=owner, path=published_path(steps=2))


def entry(enrolment, /, **changes):
    body = {
        "enrolment": enrolment.pk,
        "step": enrolment.path.steps.get(position=1).pk,
        "minutes": 20,
    }
    body.update(changes)
    return body


def assert_problem(response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["title"]
    assert "Traceback" not in response.content.decode()
    if field is not None:
        assert field in {e["field"] for e in body["errors"]}, body
    return body


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("minutes", -1),
        ("minutes", 1441),
        ("minutes", 10**20),
        ("minutes", "30"),
        ("minutes", "NaN"),
        ("minutes", "Infinity"),
        ("minutes", 2.5),
        ("minutes", True),
        ("minutes", None),
        ("minutes", [30]),
        ("step", 999_999),
        ("step", "one"),
        ("enrolment", 999_999),
        ("enrolment", 10**20),
        ("enrolment", "one"),
        ("enrolment", True),
        ("status", "finished"),
        ("note", "x" * 10_000),
        ("note", "nul \x00 inside"),
        ("evidence_url", "javascript:alert(1)"),
        ("occurred_at", "yesterday"),
        ("occurred_at", "9999-01-01T00:00:00Z"),
        ("client_id", "not-a-uuid"),
    ],
)
def test_bad_progress_fields_are_400_or_422_and_store_nothing(owner_api, enrolment, field, value):
    before = counts()

    response = owner_api.post(
        "/api/v1/progress/", entry(enrolment, **{field: value}), format="json"
    )

    assert response.status_code in (400, 422)
    assert_problem(response, response.status_code, field)
    assert counts() == before


@pytest.mark.parametrize("field", ["user", "id", "created_at", "is_staff"])
def test_mass_assignment_is_refused(owner_api, enrolment, field):
    other = UserFactory.create()
    before = counts()

    response = owner_api.post(
        "/api/v1/progress/", entry(enrolment, **{field: other.pk}), format="json"
    )

    assert_problem(response, 400, field)
    assert counts() == before


def test_profile_refuses_readonly_and_unknown_fields(owner_api, owner):
    response = owner_api.patch(
        "/api/v1/me/",
        {"email": "x@example.com", "readiness_stale_at": None, "is_staff": True},
        format="json",
    )

    body = assert_problem(response, 400)
    assert {e["field"] for e in body["errors"]} == {"email", "readiness_stale_at", "is_staff"}
    owner.refresh_from_db()
    assert not owner.is_staff


def test_invalid_timezone_on_the_profile(owner_api, owner):
    response = owner_api.patch("/api/v1/me/", {"timezone": "Mars/Base"}, format="json")

    assert_problem(response, 400, "timezone")
    assert LearnerProfile.objects.get(user=owner).timezone == "Europe/London"


def test_nan_literal_in_json_is_refused(owner_api, enrolment):
    raw = json.dumps(entry(enrolment)).replace("20", "NaN")

    response = owner_api.generic("POST", "/api/v1/progress/", raw, content_type="application/json")

    assert_problem(response, 400)
    assert ProgressEntry.objects.count() == 0


def test_deeply_nested_json_is_refused(owner_api, enrolment):
    raw = "[" * 5000 + "]" * 5000

    response = owner_api.generic("POST", "/api/v1/progress/", raw, content_type="application/json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_a_5_mb_body_is_413(owner_api, enrolment):
    raw = json.dumps(entry(enrolment, note="x" * (5 * 1024 * 1024)))

    response = owner_api.generic("POST", "/api/v1/progress/", raw, content_type="application/json")

    assert_problem(response, 413)
    assert ProgressEntry.objects.count() == 0


def test_other_media_types_are_415(owner_api, enrolment):
    response = owner_api.post("/api/v1/progress/", entry(enrolment), format="multipart")

    assert_problem(response, 415)


def test_unknown_api_url_and_method_are_problems(owner_api):
    assert_problem(owner_api.get("/api/v1/nothing-here/"), 404)
    assert_problem(owner_api.put("/api/v1/me/", {}, format="json"), 405)


def test_missing_or_bad_token_is_401(api):
    assert_problem(api.get("/api/v1/me/"), 401)
    api.credentials(HTTP_AUTHORIZATION="Bearer not.a.jwt")
    assert_problem(api.get("/api/v1/me/"), 401)


def test_enrolling_on_a_draft_or_twice(owner_api, enrolment):
    draft = PathFactory.create(status="draft")

    assert_problem(
        owner_api.post("/api/v1/enrolments/", {"path": draft.slug}, format="json"), 400, "path"
    )
    again = owner_api.post("/api/v1/enrolments/", {"path": enrolment.path.slug}, format="json")
    assert_problem(again, 422, "path")
    assert Enrolment.objects.count() == 1


def test_sequential_prerequisites_are_422_naming_them(owner_api, owner):
    path = published_path(steps=2, sequential=True)
    first, second = path.steps.order_by("position")
    second.prerequisites.add(first)
    enrolment = enrolment_create(user=owner, path=path)

    response = owner_api.post(
        "/api/v1/progress/",
        {"enrolment": enrolment.pk, "step": second.pk, "minutes": 5, "status": "completed"},
        format="json",
    )

    body = assert_problem(response, 422, "step")
    assert f'step 1 "{first.title}"' in body["errors"][0]["message"]


def test_client_id_conflict_is_409(owner_api, enrolment):
    client_id = str(uuid.uuid4())
    owner_api.post("/api/v1/progress/", entry(enrolment, client_id=client_id), format="json")

    response = owner_api.post(
        "/api/v1/progress/", entry(enrolment, client_id=client_id, minutes=21), format="json"
    )

    assert_problem(response, 409)
    assert ProgressEntry.objects.get().minutes == 20


def test_idempotency_key_with_another_body_is_409(owner_api, enrolment):
    first = owner_api.post(
        "/api/v1/progress/", entry(enrolment), format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    second = owner_api.post(
        "/api/v1/progress/", entry(enrolment, minutes=99), format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )

    assert first.status_code == 201
    assert_problem(second, 409)
    assert ProgressEntry.objects.count() == 1


def test_idempotency_keys_are_per_learner(client_for, enrolment):
    other = UserFactory.create()
    theirs = enrolment_create(user=other, path=enrolment.path)
    owner_client = client_for(enrolment.user)
    other_client = client_for(other)

    a = owner_client.post(
        "/api/v1/progress/", entry(enrolment), format="json", HTTP_IDEMPOTENCY_KEY="same"
    )
    b = other_client.post(
        "/api/v1/progress/", entry(theirs), format="json", HTTP_IDEMPOTENCY_KEY="same"
    )

    assert (a.status_code, b.status_code) == (201, 201)
    assert ProgressEntry.objects.count() == 2


@pytest.fixture
def racers(client_for) -> tuple[Enrolment, list[APIClient]]:
    """One learner's enrolment and four clients signed in as that learner."""
    learner = UserFactory.create()
    enrolment = enrolment_create(user=learner, path=published_path(steps=1))
    return enrolment, [client_for(learner) for _ in range(4)]


def posted_at_once(clients: list[APIClient], body: dict, **headers: Any) -> list[int]:
    """The statuses of one progress POST from each client, all released at the same moment."""
    statuses: list[int] = []
    start = threading.Barrier(len(clients))

    def post(client: APIClient) -> None:
        start.wait()
        response = client.post("/api/v1/progress/", body, format="json", **headers)
        statuses.append(response.status_code)
        connection.close()

    threads = [threading.Thread(target=post, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@row_locks
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_create_one_entry(racers):
    enrolment, clients = racers

    statuses = posted_at_once(clients, entry(enrolment), HTTP_IDEMPOTENCY_KEY="race")

    assert ProgressEntry.objects.count() == 1
    assert statuses.count(201) >= 1
    assert set(statuses) <= {201, 409}


@row_locks
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_client_id_create_one_entry(racers):
    """No Idempotency-Key: the unique client id alone makes the retries replays."""
    enrolment, clients = racers

    statuses = posted_at_once(clients, entry(enrolment, client_id=str(uuid.uuid4())))

    assert ProgressEntry.objects.count() == 1
    assert sorted(statuses) == [200, 200, 200, 201]


def test_batch_of_more_than_100_is_refused(owner_api, enrolment):
    response = owner_api.post(
        "/api/v1/progress/batch/", {"entries": [entry(enrolment)] * 101}, format="json"
    )

    assert_problem(response, 400, "entries")
    assert ProgressEntry.objects.count() == 0


def test_batch_answers_per_entry(owner_api, enrolment):
    client_id = str(uuid.uuid4())
    entries = [
        entry(enrolment, client_id=client_id),
        entry(enrolment, client_id=client_id),  # a retry of the first
        entry(enrolment, minutes=-5),
        entry(enrolment, step=999_999),
    ]

    response = owner_api.post("/api/v1/progress/batch/", {"entries": entries}, format="json")

    assert response.status_code == 200
    assert [r["status"] for r in response.json()] == [201, 200, 400, 400]
    assert response.json()[2]["errors"][0]["field"] == "minutes"
    assert ProgressEntry.objects.count() == 1


def test_skill_claim_bad_level_and_unknown_skill(owner_api):
    SkillFactory.create(slug="rag")

    assert_problem(
        owner_api.post("/api/v1/skill-claims/", {"skill": "rag", "level": 6}, format="json"),
        400,
        "level",
    )
    assert_problem(
        owner_api.post("/api/v1/skill-claims/", {"skill": "alchemy", "level": 2}, format="json"),
        400,
        "skill",
    )
    assert SkillClaim.objects.count() == 0
    assert Skill.objects.count() == 1
