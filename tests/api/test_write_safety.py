"""Writes that used to be lost, half-made or misread, and answers that told too much: every
API write without its trailing slash, naive times, a PATCH refused halfway, another learner's
enrolment in a filter, caching of personal answers, and guessing the password that deletes
the account."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from tests.factories import UserFactory, published_path
from tracker.models import Enrolment, ProgressEntry, SkillClaim, User
from tracker.services import enrolment_create, progress_log

PROBLEM = "application/problem+json"
SECURITY = pytest.mark.reliability("Security")
BAD_INPUT = pytest.mark.reliability("Bad input")


@pytest.fixture
def enrolment(owner: User) -> Enrolment:
    return enrolment_create(user=owner, path=published_path(steps=2))


def rows() -> tuple[int, int, int, int]:
    return (
        ProgressEntry.objects.count(),
        Enrolment.objects.count(),
        SkillClaim.objects.count(),
        User.objects.count(),
    )


@pytest.mark.parametrize("debug", [False, True])
@BAD_INPUT
def test_every_api_write_without_its_slash_is_a_problem_not_a_redirect(owner_api, enrolment, debug):
    step = enrolment.path.steps.get(position=1)
    skill = step.skills.first()
    claim = SkillClaim.objects.create(user=enrolment.user, skill=skill, level=2)
    writes = [
        ("post", "/api/v1/progress", {"enrolment": enrolment.pk, "step": step.pk, "minutes": 5}),
        ("post", "/api/v1/progress/batch", {"entries": [{"minutes": 5}]}),
        ("post", "/api/v1/enrolments", {"path": enrolment.path.slug}),
        ("patch", f"/api/v1/enrolments/{enrolment.pk}", {"status": "paused"}),
        ("post", "/api/v1/skill-claims", {"skill": skill.slug, "level": 3}),
        ("patch", f"/api/v1/skill-claims/{claim.pk}", {"level": 4}),
        ("delete", f"/api/v1/skill-claims/{claim.pk}", None),
        ("patch", "/api/v1/me", {"weekly_goal_minutes": 60}),
        ("delete", "/api/v1/me", {"password": "a-long-test-password"}),
    ]
    before = rows()

    with override_settings(DEBUG=debug):
        answers = [
            getattr(owner_api, method)(url, body, format="json") for method, url, body in writes
        ]

    for (_, url, _), response in zip(writes, answers, strict=True):
        assert response.status_code == 404, (url, response.status_code)
        assert response["Content-Type"] == PROBLEM
        assert response.json()["detail"] == f"API addresses end with a slash: {url}/"
    assert rows() == before
    enrolment.refresh_from_db()
    assert enrolment.status == "active"


def test_the_same_write_with_its_slash_is_stored(owner_api, enrolment):
    step = enrolment.path.steps.get(position=1)

    response = owner_api.post(
        "/api/v1/progress/",
        {"enrolment": enrolment.pk, "step": step.pk, "minutes": 5},
        format="json",
    )

    assert response.status_code == 201
    assert ProgressEntry.objects.filter(enrolment=enrolment, minutes=5).count() == 1


@BAD_INPUT
def test_a_time_without_an_offset_is_refused_naming_the_field(owner_api, enrolment):
    owner = enrolment.user
    owner.profile.timezone = "Pacific/Pago_Pago"  # UTC-11: a naive time read as UTC is 11 h off
    owner.profile.save()
    step = enrolment.path.steps.get(position=1)
    naive = (timezone.now() - timedelta(hours=2)).replace(tzinfo=None).isoformat()
    entry = {"enrolment": enrolment.pk, "step": step.pk, "minutes": 5, "occurred_at": naive}

    single = owner_api.post("/api/v1/progress/", entry, format="json")
    batch = owner_api.post("/api/v1/progress/batch/", {"entries": [entry]}, format="json")

    assert single.status_code == 400
    assert single["Content-Type"] == PROBLEM
    [error] = single.json()["errors"]
    assert error["field"] == "occurred_at"
    assert "UTC offset" in error["message"]
    assert batch.status_code == 200
    assert batch.json()[0]["status"] == 400
    assert batch.json()[0]["errors"][0]["field"] == "occurred_at"
    assert ProgressEntry.objects.count() == 0


def test_a_time_with_an_offset_is_stored_as_that_moment(owner_api, enrolment):
    step = enrolment.path.steps.get(position=1)
    moment = (timezone.now() - timedelta(hours=2)).replace(microsecond=0)
    local = moment.astimezone(timezone.get_fixed_timezone(-11 * 60)).isoformat()

    response = owner_api.post(
        "/api/v1/progress/",
        {"enrolment": enrolment.pk, "step": step.pk, "minutes": 5, "occurred_at": local},
        format="json",
    )

    assert response.status_code == 201
    assert ProgressEntry.objects.get().occurred_at == moment


@BAD_INPUT
def test_a_patch_refused_in_part_changes_nothing(owner_api, enrolment):
    response = owner_api.patch(
        f"/api/v1/enrolments/{enrolment.pk}/",
        {"status": "paused", "target_date": "2000-01-01"},
        format="json",
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "target_date", "message": "The target date cannot be in the past."}
    ]
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.target_date) == ("active", None)


@BAD_INPUT
def test_a_patch_with_an_impossible_status_keeps_the_new_target_date_unmade(owner_api, enrolment):
    owner_api.patch(f"/api/v1/enrolments/{enrolment.pk}/", {"status": "withdrawn"}, format="json")

    response = owner_api.patch(
        f"/api/v1/enrolments/{enrolment.pk}/",
        {"status": "paused", "target_date": "2099-01-31"},
        format="json",
    )

    assert response.status_code == 422
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.target_date) == ("withdrawn", None)


def test_a_patch_of_both_applies_both(owner_api, enrolment):
    response = owner_api.patch(
        f"/api/v1/enrolments/{enrolment.pk}/",
        {"status": "paused", "target_date": "2099-01-31"},
        format="json",
    )

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["target_date"]) == ("paused", "2099-01-31")


@SECURITY
def test_filtering_by_another_learners_enrolment_answers_as_a_missing_one(owner_api, enrolment):
    theirs = enrolment_create(user=UserFactory.create(), path=enrolment.path)
    progress_log(enrolment=theirs, step=theirs.path.steps.get(position=1), minutes=5)
    missing = theirs.pk + 1000

    other = owner_api.get(f"/api/v1/progress/?enrolment={theirs.pk}")
    absent = owner_api.get(f"/api/v1/progress/?enrolment={missing}")

    assert other.status_code == absent.status_code == 400
    assert other.json() == absent.json()
    assert other.json()["errors"] == [
        {"field": "enrolment", "message": "You have no enrolment with this id."}
    ]
    own = owner_api.get(f"/api/v1/progress/?enrolment={enrolment.pk}")
    assert own.status_code == 200


@SECURITY
def test_personal_answers_are_never_stored_and_vary_with_the_token(owner_api, api, catalogue):
    for url in ("/api/v1/me/", "/api/v1/dashboard/", "/api/v1/progress/", "/api/v1/roles/"):
        response = owner_api.get(url)
        assert response.status_code == 200
        assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}, url
        assert "Authorization" in response["Vary"]

    public = api.get("/api/v1/roles/")
    assert "no-store" not in public.get("Cache-Control", "")
    assert "Authorization" in public["Vary"]
    assert public.has_header("ETag")


@SECURITY
def test_tokens_from_the_app_api_are_never_stored(api, owner):
    response = api.post(
        "/_allauth/app/v1/auth/login",
        {"email": owner.email, "password": "a-long-test-password"},
        format="json",
    )

    assert response.status_code == 200
    assert "refresh_token" in response.json()["meta"]
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))


@SECURITY
def test_deleting_the_account_is_limited_like_a_login(owner_api, owner):
    wrong = [
        owner_api.post("/api/v1/me/delete/", {"password": f"guess-{n}-password"}, format="json")
        for n in range(6)
    ]
    right = owner_api.post(
        "/api/v1/me/delete/", {"password": "a-long-test-password"}, format="json"
    )

    assert [r.status_code for r in wrong] == [400] * 5 + [429]
    assert wrong[5]["Content-Type"] == PROBLEM
    assert int(wrong[5]["Retry-After"]) > 0
    assert "Too many wrong passwords" in wrong[5].json()["detail"]
    assert right.status_code == 429  # the right password too, until the limit lifts
    assert User.objects.filter(pk=owner.pk).exists()
