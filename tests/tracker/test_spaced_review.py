"""The learner side of spaced review: completing a step reviews its skills, a skill fades
once its review falls due, the hourly fade task marks only the learners whose retained levels
dropped, and the rescore follows (hand-computed against assessments/retention.py)."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from fsrs import Rating

from assessments.memory import REVIEW, retained
from assessments.models import Choice, MemoryState, Question, SkillCheck
from assessments.services import memories_review
from careers.models import RoleRequirement
from tests.factories import (
    LevelFactory,
    RequirementFactory,
    RoleFactory,
    SkillFactory,
    StepFactory,
    StepSkillFactory,
    UserFactory,
    published_path,
)
from tests.web.clients import signed_in
from tracker.models import Enrolment, LearnerProfile, ProgressEntry, ReadinessScore
from tracker.recompute import faded_learners_mark_stale, readiness_recompute, stale_sweep
from tracker.reviews import memories_for, retained_steps_replayed
from tracker.selectors import _verify_points, breakdown_explained, next_best_steps
from tracker.services import (
    enrolment_create,
    learner_profile_update,
    progress_log,
    skill_claim_set,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rag_role():
    role, level, rag = RoleFactory.create(), LevelFactory.create(), SkillFactory.create()
    RequirementFactory.create(role=role, level=level, skill=rag, target_level=2, weight=1)
    return role, level, rag


def check_passed(user, skill, level, at):
    return SkillCheck.objects.create(
        user=user,
        skill=skill,
        level=level,
        started_at=at,
        expires_at=at + timedelta(minutes=20),
        submitted_at=at,
        correct_count=5,
        passed=True,
    )


def stale(user) -> bool:
    return LearnerProfile.objects.get(user=user).readiness_stale_at is not None


def test_completing_a_step_reviews_each_skill_it_teaches_at_the_level_its_kind_proves(rag_role):
    _, _, rag = rag_role
    evals = SkillFactory.create()
    path = published_path(steps=0)
    read = StepFactory.create(path=path, position=1, kind="read")
    StepSkillFactory.create(step=read, skill=rag, level=4)  # a read proves 2
    StepSkillFactory.create(step=read, skill=evals, level=1)
    user = UserFactory.create()
    enrolment = enrolment_create(user=user, path=path)
    at = timezone.now() - timedelta(hours=2)

    progress_log(enrolment=enrolment, step=read, minutes=20, status="started", occurred_at=at)
    assert not MemoryState.objects.filter(user=user).exists()  # started is not a review
    progress_log(enrolment=enrolment, step=read, minutes=20, status="completed", occurred_at=at)

    memories = {m.skill_id: m for m in MemoryState.objects.filter(user=user)}
    assert {skill: (m.level, m.reviews, m.last_review) for skill, m in memories.items()} == {
        rag.pk: (2, 1, at),
        evals.pk: (1, 1, at),
    }
    # A first Good review holds full recall for 21 days; it drops below 90% on day 22.
    assert memories[rag.pk].fades_at == at + timedelta(days=22)


def test_a_skill_fades_after_its_review_is_due_and_the_fade_task_rescored_only_that_learner(
    rag_role,
):
    role, level, rag = rag_role
    now = timezone.now()
    faded, fresh = UserFactory.create(), UserFactory.create()
    for user, days_ago in ((faded, 200), (fresh, 3)):
        memories_review(
            user_id=user.pk,
            skill_levels={rag.pk: 2},
            rating=Rating.Good,
            at=now - timedelta(days=days_ago),
        )
    for user, days_ago in ((faded, 200), (fresh, 3)):
        check_passed(user, rag, 2, now - timedelta(days=days_ago))
        readiness_recompute(user_id=user.pk)
    # The recompute already scores decay as of now: 200 days after one Good review,
    # R = (1 + 0.9817 * 200/21) ** -0.1542 = 0.698, retained floor(20 * 0.698 / 0.9) = 15/20.
    assert ReadinessScore.objects.get(user=faded, role=role, level=level).score == 75.0
    assert ReadinessScore.objects.get(user=fresh, role=role, level=level).score == 100.0

    marked = faded_learners_mark_stale(at=now)

    assert marked == 1  # only the learner whose retained level dropped
    assert stale(faded)
    assert not stale(fresh)
    assert stale_sweep() == 1
    assert faded_learners_mark_stale(at=now) == 0  # moved on to the next drop
    memory = MemoryState.objects.get(user=faded)
    assert memory.fades_at is not None
    assert memory.fades_at > now
    (shown,) = memories_for(user=faded, at=now)
    assert (shown.retained_steps, shown.due, round(shown.retrievability, 3)) == (15, True, 0.698)


def test_the_fade_task_costs_the_same_queries_for_2_and_40_faded_learners(rag_role):
    _, _, rag = rag_role
    long_ago = timezone.now() - timedelta(days=60)

    def faded_learners(n):
        for _ in range(n):
            user = UserFactory.create()
            memories_review(
                user_id=user.pk, skill_levels={rag.pk: 2}, rating=Rating.Good, at=long_ago
            )

    faded_learners(2)
    with CaptureQueriesContext(connection) as small:
        assert faded_learners_mark_stale(at=timezone.now()) == 2
    faded_learners(40)
    with CaptureQueriesContext(connection) as large:
        assert faded_learners_mark_stale(at=timezone.now()) == 40

    assert len(small) == len(large)


def test_a_past_days_retained_level_is_replayed_from_the_reviews_up_to_then(rag_role):
    _, _, rag = rag_role
    user = UserFactory.create()
    start = timezone.now() - timedelta(days=120)
    memories_review(user_id=user.pk, skill_levels={rag.pk: 2}, rating=Rating.Good, at=start)
    check_passed(user, rag, 2, start)

    assert retained_steps_replayed(user_id=user.pk, until=start + timedelta(days=21)) == {
        rag.pk: 20
    }
    # Day 100: R = (1 + 0.9817 * 100/21) ** -0.1542 = 0.774: floor(20 * 0.774 / 0.9) = 17.
    assert retained_steps_replayed(user_id=user.pk, until=start + timedelta(days=100)) == {
        rag.pk: 17
    }


def test_the_memory_api_lists_only_the_learners_own_skills_least_retained_first(
    rag_role, client_for
):
    _, _, rag = rag_role
    evals = SkillFactory.create(slug="evals")
    user, other = UserFactory.create(), UserFactory.create()
    now = timezone.now()
    memories_review(user_id=user.pk, skill_levels={rag.pk: 2}, rating=Rating.Good, at=now)
    old = now - timedelta(days=200)
    memories_review(user_id=user.pk, skill_levels={evals.pk: 3}, rating=Rating.Good, at=old)
    memories_review(user_id=other.pk, skill_levels={rag.pk: 5}, rating=Rating.Good, at=old)

    body = client_for(user).get("/api/v1/memory/").json()

    assert [(m["skill"], m["level"], m["retained"], m["fading"], m["due"]) for m in body] == [
        ("evals", 3, 0.75, True, True),
        (rag.slug, 2, 1.0, False, False),
    ]
    assert body[0]["recall"] == pytest.approx(0.698, abs=0.001)


def test_the_migration_rebuilds_every_memory_from_the_history_and_marks_learners_stale(
    rag_role,
):
    """History from before spaced review (rows written without the services) is replayed in
    the order it was recorded: two completed steps teaching RAG are two Good reviews; a memory
    the first skill checks wrote (no level, no fade time) is rebuilt from its check."""
    _, _, rag = rag_role
    migration = importlib.import_module("tracker.migrations.0013_memories_from_history")
    path = published_path(steps=0)
    read = StepFactory.create(path=path, position=1, kind="read")
    project = StepFactory.create(path=path, position=2, kind="project")
    StepSkillFactory.create(step=read, skill=rag, level=4)  # proves 2
    StepSkillFactory.create(step=project, skill=rag, level=3)  # proves 3
    user, checked = UserFactory.create(), UserFactory.create()
    enrolment = enrolment_create(user=user, path=path)
    first, second = timezone.now() - timedelta(days=90), timezone.now() - timedelta(days=30)
    for step, at in ((read, first), (project, second)):
        ProgressEntry.objects.create(
            user=user,
            enrolment=enrolment,
            step=step,
            minutes=30,
            status="completed",
            occurred_at=at,
        )
    check_passed(checked, rag, 3, first)
    MemoryState.objects.create(  # as the first skill checks left it
        user=checked,
        skill=rag,
        state=2,
        stability=2.3,
        difficulty=2.1,
        due=first,
        last_review=first,
    )

    migration.memories_from_history(django_apps, None)

    memory = MemoryState.objects.get(user=user)
    assert (memory.skill_id, memory.level, memory.reviews, memory.last_review) == (
        rag.pk,
        3,
        2,
        second,
    )
    rebuilt = MemoryState.objects.get(user=checked)
    assert (rebuilt.level, rebuilt.reviews, rebuilt.stability) == (3, 1, 21.0)
    assert rebuilt.fades_at == first + timedelta(days=22)
    assert stale(user)
    assert stale(checked)


def test_the_dashboard_lists_the_reviews_due_by_the_learners_own_retention(rag_role):
    _, _, rag = rag_role
    evals = SkillFactory.create(name="Evaluation methods")
    user = UserFactory.create()
    now = timezone.now()
    # RAG reviewed 25 days ago: recall (1 + 0.9817 * 25/21) ** -0.1542 = 0.887, due at 0.9
    # (the default) and not at 0.85; evaluation reviewed today: never due.
    memories_review(
        user_id=user.pk, skill_levels={rag.pk: 2}, rating=Rating.Good, at=now - timedelta(days=25)
    )
    memories_review(user_id=user.pk, skill_levels={evals.pk: 2}, rating=Rating.Good, at=now)

    page = signed_in(user).get("/dashboard/").content.decode()

    assert f'href="/skills/{rag.slug}/review/"' in page
    assert "89% chance of recall today" in page
    assert f"/skills/{evals.slug}/review/" not in page
    LearnerProfile.objects.filter(user=user).update(desired_retention=0.85)
    assert 'data-testid="reviews-due"' not in signed_in(user).get("/dashboard/").content.decode()


def test_the_breakdown_says_what_a_review_would_restore():
    role, level = RoleFactory.create(), LevelFactory.create()
    rag, evals = SkillFactory.create(slug="rag"), SkillFactory.create(slug="evals")
    RequirementFactory.create(role=role, level=level, skill=rag, target_level=4, weight=1)
    RequirementFactory.create(role=role, level=level, skill=evals, target_level=2, weight=1)
    user = UserFactory.create()
    long_ago = timezone.now() - timedelta(days=200)  # retained 15/20 now
    for skill, checked in ((rag, 4), (evals, 2)):
        memories_review(
            user_id=user.pk, skill_levels={skill.pk: checked}, rating=Rating.Good, at=long_ago
        )
        check_passed(user, skill, checked, long_ago)
    skill_claim_set(user=user, skill=evals, level=4)  # counts 2: more than 3/4 of 2
    readiness_recompute(user_id=user.pk)

    score = ReadinessScore.objects.get(user=user, role=role, level=level)
    lines = {line["skill"]: line for line in breakdown_explained(score=score)}

    # RAG: verified 4, 3 retained: 50 * (4 - 3) / 4 = 12.5 points back with a review.
    assert (lines["rag"]["current"], lines["rag"]["evidence"]["restore_points"]) == (3.0, 12.5)
    assert lines["rag"]["evidence"]["source"] == "check"
    assert lines["rag"]["evidence"]["note"] == (
        "verified by a skill check at 4; fading: 75% retained, review to restore"
    )
    # Evaluation: the claim's 2 already meets the target; a review restores nothing.
    assert lines["evals"]["evidence"]["source"] == "self_claim"
    assert (lines["evals"]["current"], lines["evals"]["evidence"]["restore_points"]) == (2.0, 0)
    assert score.score == 87.5  # 50 * 3/4 + 50


@pytest.mark.parametrize(
    ("value", "status"), [(0.69, 400), (0.98, 400), ("high", 400), (0.93, 200)]
)
def test_desired_retention_through_the_api_is_bounded_with_a_field_error(client_for, value, status):
    user = UserFactory.create()

    response = client_for(user).patch("/api/v1/me/", {"desired_retention": value}, format="json")

    assert response.status_code == status
    stored = LearnerProfile.objects.get(user=user).desired_retention
    if status == 200:
        assert stored == 0.93
    else:
        assert stored == 0.9  # unchanged
        assert [e["field"] for e in response.json()["errors"]] == ["desired_retention"]


def test_through_the_api_a_fading_skill_is_reviewed_and_restored(client_for):
    """The mobile flow: the readiness answer names the review that restores points; the
    learner starts it, submits every answer right, and after the recompute the skill counts in
    full and is no longer due."""
    role, level = RoleFactory.create(), LevelFactory.create()
    rag = SkillFactory.create(slug="rag", name="RAG")
    RequirementFactory.create(role=role, level=level, skill=rag, target_level=4, weight=1)
    for n in range(5):
        question = Question.objects.create(skill=rag, level=4, text=f"Q{n}", explanation="E")
        Choice.objects.create(question=question, position=1, text="right", is_correct=True)
        Choice.objects.create(question=question, position=2, text="wrong", is_correct=False)
    user = UserFactory.create()
    long_ago = timezone.now() - timedelta(days=200)
    memories_review(user_id=user.pk, skill_levels={rag.pk: 4}, rating=Rating.Good, at=long_ago)
    check_passed(user, rag, 4, long_ago)
    readiness_recompute(user_id=user.pk)
    api = client_for(user)
    url = f"/api/v1/readiness/{role.slug}/?level={level.slug}"

    before = api.get(url).json()
    started = api.post("/api/v1/reviews/", {"skill": "rag"}, format="json")
    answers = [
        {"item": q["id"], "choices": [c["id"] for c in q["choices"] if c["text"] == "right"]}
        for q in started.json()["questions"]
    ]
    submitted = api.post(
        f"/api/v1/checks/{started.json()['id']}/submit/", {"answers": answers}, format="json"
    )
    readiness_recompute(user_id=user.pk)
    after = api.get(url).json()

    assert before["score"] == 75.0  # 4 x 15/20 of 4
    assert before["reviews"] == [
        {"skill": "rag", "name": "RAG", "restore_points": 25.0, "retained": 0.75}
    ]
    assert started.status_code == 201
    assert submitted.json()["result"]["passed"] is True
    assert (after["score"], after["reviews"]) == (100.0, [])
    (memory,) = api.get("/api/v1/memory/").json()
    assert (memory["retained"], memory["due"], memory["fading"]) == (1.0, False, False)


def test_ticking_a_completed_step_again_does_not_restore_a_fading_skill(rag_role):
    _, _, rag = rag_role
    path = published_path(steps=0)
    project = StepFactory.create(path=path, position=1, kind="project")
    StepFactory.create(path=path, position=2)  # still to do: the enrolment stays open
    StepSkillFactory.create(step=project, skill=rag, level=2)
    user = UserFactory.create()
    enrolment = enrolment_create(user=user, path=path)
    long_ago = timezone.now() - timedelta(days=200)
    progress_log(
        enrolment=enrolment, step=project, minutes=60, status="completed", occurred_at=long_ago
    )

    progress_log(enrolment=enrolment, step=project, minutes=1, status="completed")

    memory = MemoryState.objects.get(user=user)
    assert (memory.reviews, memory.last_review) == (1, long_ago)
    assert retained(memory, timezone.now()) == 15  # still fading: 200 days after one review


def test_a_lapsed_skill_is_due_at_once_and_first_in_the_list():
    user, rag, evals = UserFactory.create(), SkillFactory.create(), SkillFactory.create()
    now = timezone.now()
    memories_review(
        user_id=user.pk, skill_levels={evals.pk: 2}, rating=Rating.Good, at=now - timedelta(30)
    )
    memories_review(user_id=user.pk, skill_levels={rag.pk: 2}, rating=Rating.Good, at=now)
    memories_review(
        user_id=user.pk, skill_levels={rag.pk: 2}, rating=Rating.Again, at=now, by=REVIEW
    )

    shown_now = memories_for(user=user, at=now)

    assert [(m.skill, m.lapsed, m.due, m.retained_steps) for m in shown_now] == [
        (rag, True, True, 10),  # recall is 1 right after the review, yet it counts half
        (evals, False, True, 19),
    ]


def test_next_steps_and_checks_get_no_credit_for_what_would_not_refresh_a_fading_skill(
    rag_role,
):
    """RAG verified at 3, 200 days ago: 3 x 15/20 = 2.25 of 3. A read proving 2 is below the
    level held, so it leaves RAG as it is: no points, and not offered. A project at 3 refreshes
    it (unverified 2.4 counts, less than the 3 held, but more than 2.25 now)."""
    role, level, rag = rag_role
    RoleRequirement.objects.filter(role=role, level=level).update(target_level=3)
    user = UserFactory.create()
    learner_profile_update(user=user, target_role=role, target_level=level)
    long_ago = timezone.now() - timedelta(days=200)
    memories_review(user_id=user.pk, skill_levels={rag.pk: 3}, rating=Rating.Good, at=long_ago)
    check_passed(user, rag, 3, long_ago)
    path = published_path(steps=0, role=role, level=level)
    read = StepFactory.create(path=path, position=1, kind="read", estimated_minutes=10)
    project = StepFactory.create(path=path, position=2, kind="project", estimated_minutes=600)
    StepSkillFactory.create(step=read, skill=rag, level=2)
    StepSkillFactory.create(step=project, skill=rag, level=3)
    readiness_recompute(user_id=user.pk)
    score = ReadinessScore.objects.get(user=user, role=role, level=level)

    suggested = next_best_steps(score=score)

    assert score.score == 75.0
    assert [(n.step.pk, round(n.gain, 6)) for n in suggested] == [(project.pk, 5.0)]  # 2.4 - 2.25
    (line,) = breakdown_explained(score=score)
    line["check_level"] = 2  # a check below the level held refreshes nothing either
    assert _verify_points(line) == 0.0


def test_a_step_completed_before_is_not_suggested_to_refresh_a_fading_skill(rag_role):
    """Completing it again would show nothing new (only a first completion counts), so a
    finished path offered for enrolment again has nothing to gain from its old steps."""
    role, level, rag = rag_role
    user = UserFactory.create()
    learner_profile_update(user=user, target_role=role, target_level=level)
    path = published_path(steps=0, role=role, level=level)
    project = StepFactory.create(path=path, position=1, kind="project")
    StepSkillFactory.create(step=project, skill=rag, level=2)
    enrolment = enrolment_create(user=user, path=path)
    long_ago = timezone.now() - timedelta(days=200)
    progress_log(
        enrolment=enrolment, step=project, minutes=60, status="completed", occurred_at=long_ago
    )
    readiness_recompute(user_id=user.pk)
    score = ReadinessScore.objects.get(user=user, role=role, level=level)

    assert score.score == 60.0  # 1.6 of 2 x 15/20 = 1.2
    assert Enrolment.objects.get(pk=enrolment.pk).status == "completed"
    assert next_best_steps(score=score) == []
