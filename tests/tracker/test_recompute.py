"""Stored readiness: rebuilt from source rows, upserted, and cheap in batches."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

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
from tests.markers import bulk_query_counts, postgres_only
from tracker import score_store
from tracker.models import LearnerProfile, ReadinessScore, ReadinessSnapshot
from tracker.recompute import readiness_recompute, readiness_recompute_many
from tracker.services import enrolment_create, progress_log, skill_claim_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def target():
    """A role at one level: RAG to 4 (weight 3), evaluation to 2 (weight 1); and an
    empty level of the same role."""
    role, level, empty_level = RoleFactory.create(), LevelFactory.create(), LevelFactory.create()
    rag, evals = SkillFactory.create(slug="rag"), SkillFactory.create(slug="evals")
    RequirementFactory.create(role=role, level=level, skill=rag, target_level=4, weight=3)
    RequirementFactory.create(role=role, level=level, skill=evals, target_level=2, weight=1)
    return role, level, empty_level, rag, evals


def score_of(user, role, level) -> ReadinessScore:
    return ReadinessScore.objects.get(user=user, role=role, level=level)


def test_completed_reads_prove_at_most_working_level(learner, target):
    role, level, _, rag, evals = target
    path = published_path(steps=0)
    read = StepFactory.create(path=path, position=1, kind="read")
    StepSkillFactory.create(step=read, skill=rag, level=4)
    exercise = StepFactory.create(path=path, position=2, kind="exercise")
    StepSkillFactory.create(step=exercise, skill=evals, level=4)
    enrolment = enrolment_create(user=learner, path=path)
    for step in (read, exercise):
        progress_log(enrolment=enrolment, step=step, minutes=30, status="completed")

    readiness_recompute(user_id=learner.pk)

    # Unverified, completed steps count 4/5 of what they prove. RAG 1.6 of 4 (a read proves
    # up to 2), evaluation 2.4 of 2 (the exercise proves 3, capped at the target):
    # 100 * (3 * 1.6/4 + 1 * 2/2) / 4 = 55
    stored = score_of(learner, role, level)
    assert stored.score == 55
    assert [(line["skill"], line["current"]) for line in stored.breakdown] == [
        ("rag", 1.6),
        ("evals", 2.4),
    ]


def test_recompute_matches_the_hand_computed_score(learner, target):
    role, level, empty_level, rag, evals = target
    path = published_path(steps=0)
    step = StepFactory.create(path=path, position=1)
    StepSkillFactory.create(step=step, skill=rag, level=2)
    enrolment = enrolment_create(user=learner, path=path)
    progress_log(enrolment=enrolment, step=step, minutes=30, status="completed")
    skill_claim_set(user=learner, skill=evals, level=4)  # counts as 2 after the discount

    readiness_recompute(user_id=learner.pk)

    # RAG completed at 2, unverified: 1.6. 100 * (3 * 1.6/4 + 1 * 2/2) / 4 = 55
    stored = score_of(learner, role, level)
    assert stored.score == 55
    assert [
        (line["skill"], line["current"], line["earned"], line["possible"])
        for line in stored.breakdown
    ] == [
        ("rag", 1.6, 30.0, 75.0),
        ("evals", 2.0, 25.0, 25.0),
    ]
    assert score_of(learner, role, empty_level).score is None  # no requirements
    assert LearnerProfile.objects.get(user=learner).readiness_stale_at is None


def test_started_steps_earn_nothing_and_skills_count_across_paths(learner, target):
    role, level, _, rag, _ = target
    path = published_path(steps=0)
    started, other_paths_step = StepFactory.create(path=path, position=1), StepFactory.create()
    StepSkillFactory.create(step=started, skill=rag, level=4)
    StepSkillFactory.create(step=other_paths_step, skill=rag, level=3)
    other_paths_step.path.status = "published"
    other_paths_step.path.save()
    progress_log(enrolment=enrolment_create(user=learner, path=path), step=started, minutes=30)
    progress_log(
        enrolment=enrolment_create(user=learner, path=other_paths_step.path),
        step=other_paths_step,
        minutes=30,
        status="completed",
    )

    readiness_recompute(user_id=learner.pk)

    assert score_of(learner, role, level).score == 45  # 100 * 3 * (4/5 * 3)/4 / 4


def test_recompute_upserts_one_row_per_target(learner, target):
    role, level, *_ = target

    readiness_recompute(user_id=learner.pk)
    readiness_recompute(user_id=learner.pk)

    assert ReadinessScore.objects.filter(user=learner).count() == 2  # one role x two levels
    assert ReadinessSnapshot.objects.filter(user=learner).count() == 2
    assert score_of(learner, role, level).score == 0


def test_one_snapshot_per_learner_target_and_local_day(learner, target):
    role, level, *_ = target
    LearnerProfile.objects.filter(user=learner).update(timezone="Pacific/Kiritimati")  # UTC+14

    with time_machine.travel(
        "2026-06-01 09:00:00+00:00", tick=False
    ):  # 23:00 on 1 June in Kiritimati
        readiness_recompute(user_id=learner.pk)
    with time_machine.travel("2026-06-01 11:00:00+00:00", tick=False):  # 01:00 on 2 June there
        readiness_recompute(user_id=learner.pk)
        readiness_recompute(user_id=learner.pk)

    days = ReadinessSnapshot.objects.filter(user=learner, role=role, level=level).values_list(
        "day", flat=True
    )
    assert [str(day) for day in days] == ["2026-06-01", "2026-06-02"]


def test_a_change_during_the_recompute_keeps_the_stale_mark(learner, target):
    started = timezone.now()
    LearnerProfile.objects.filter(user=learner).update(
        readiness_stale_at=started + timedelta(seconds=5)
    )

    with time_machine.travel(started, tick=False):
        readiness_recompute(user_id=learner.pk)

    assert LearnerProfile.objects.get(user=learner).readiness_stale_at is not None


def test_stale_mark_older_than_the_start_is_cleared(learner, target):
    LearnerProfile.objects.filter(user=learner).update(readiness_stale_at=timezone.now())

    readiness_recompute(user_id=learner.pk)

    assert LearnerProfile.objects.get(user=learner).readiness_stale_at is None


def learners_with_progress(count: int, path, step) -> list[int]:
    ids = []
    for _ in range(count):
        user = UserFactory.create()
        progress_log(
            enrolment=enrolment_create(user=user, path=path),
            step=step,
            minutes=10,
            status="completed",
        )
        ids.append(user.pk)
    return ids


@bulk_query_counts
def test_batch_recompute_uses_the_same_queries_for_10_and_500_learners(target):
    role, level, _, rag, _ = target
    path = published_path(steps=0)
    step = StepFactory.create(path=path, position=1)
    StepSkillFactory.create(step=step, skill=rag, level=4)
    small = learners_with_progress(10, path, step)
    large = small + learners_with_progress(490, path, step)

    with CaptureQueriesContext(connection) as small_run:
        readiness_recompute_many(user_ids=small)
    with CaptureQueriesContext(connection) as large_run:
        readiness_recompute_many(user_ids=large)

    assert len(small_run) == len(large_run)
    assert ReadinessScore.objects.filter(role=role, level=level, score=60.0).count() == 500


def stored_rows() -> tuple[list[tuple], list[tuple]]:
    scores = ReadinessScore.objects.order_by("user", "role", "level").values_list(
        "user", "role", "level", "score", "breakdown"
    )
    snapshots = ReadinessSnapshot.objects.order_by("user", "role", "level").values_list(
        "user", "role", "level", "day", "score"
    )
    return list(scores), list(snapshots)


@postgres_only("the one-statement writer is PostgreSQL's; elsewhere the ORM's is the only one")
def test_the_copy_writer_stores_what_the_orm_writer_stores(monkeypatch, target):
    role, level, empty_level, rag, evals = target
    path = published_path(steps=0)
    step = StepFactory.create(path=path, position=1)
    StepSkillFactory.create(step=step, skill=rag, level=4)
    ids = learners_with_progress(2, path, step)  # two learners sharing one breakdown
    claimant, newcomer = UserFactory.create(), UserFactory.create()
    skill_claim_set(user=claimant, skill=evals, level=3)
    ids += [claimant.pk, newcomer.pk]
    LearnerProfile.objects.filter(user=claimant).update(timezone="Pacific/Kiritimati")

    readiness_recompute_many(user_ids=ids)
    with_copy = stored_rows()
    ReadinessScore.objects.all().delete()
    ReadinessSnapshot.objects.all().delete()
    monkeypatch.setattr(score_store, "_store_with_copy", score_store._store_with_the_orm)
    readiness_recompute_many(user_ids=ids)

    assert stored_rows() == with_copy
    scores = {tuple(row[:3]): row[3] for row in with_copy[0]}
    assert [scores[(user, role.pk, level.pk)] for user in ids] == [60.0, 60.0, 18.75, 0.0]
    assert [scores[(user, role.pk, empty_level.pk)] for user in ids] == [None] * 4
    assert len(with_copy[1]) == len(with_copy[0]) > 8
