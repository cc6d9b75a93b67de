"""The breakdown says where each level comes from: the step that proved it, capped by its
kind ("read: counts up to 2"), or the learner's discounted claim, or nothing yet."""

import pytest

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
from tracker.recompute import readiness_recompute
from tracker.services import (
    enrolment_create,
    learner_profile_update,
    progress_log,
    skill_claim_set,
)

pytestmark = pytest.mark.django_db


def test_the_breakdown_names_the_evidence_and_the_cap_of_its_kind(client_for):
    role, level = RoleFactory.create(), LevelFactory.create()
    rag, evals, prompts = (SkillFactory.create(slug=s) for s in ("rag", "evals", "prompts"))
    for skill in (rag, evals, prompts):
        RequirementFactory.create(role=role, level=level, skill=skill, target_level=4, weight=1)
    path = published_path(steps=0)
    read = StepFactory.create(path=path, position=1, kind="read", title="Chunking strategies")
    StepSkillFactory.create(step=read, skill=rag, level=4)
    user = UserFactory.create()
    learner_profile_update(user=user, target_role=role, target_level=level)
    enrolment = enrolment_create(user=user, path=path)
    progress_log(enrolment=enrolment, step=read, minutes=90, status="completed")
    skill_claim_set(user=user, skill=evals, level=3)
    readiness_recompute(user_id=user.pk)

    body = client_for(user).get(f"/api/v1/readiness/{role.slug}/?level={level.slug}").json()

    by_skill = {line["skill"]: line for line in body["breakdown"]}
    assert by_skill["rag"]["target_band"] == "Advanced"  # 4
    assert body["model_note"].startswith("Pathwise's own model")
    assert by_skill["rag"]["current"] == 1.6  # proves 2, counted 4/5 until verified
    assert by_skill["rag"]["evidence"] == {
        "source": "step",
        "kind": "read",
        "step_title": "Chunking strategies",
        "taught": 4,
        "counts_up_to": 2,
        "capped": True,
        "verified": False,
        "checked_level": None,
        "retained": 1.0,
        "recall": 1.0,  # reviewed today by completing the read
        "fading": False,
        "restore_points": 0.0,
        "note": "read: counts up to 2; a project or an assessment proves more; counts 4/5 "
        "until a skill check verifies it",
    }
    assert by_skill["evals"]["current"] == 1.5
    assert by_skill["evals"]["evidence"]["source"] == "self_claim"
    assert by_skill["evals"]["evidence"]["claimed"] == 3
    assert by_skill["prompts"]["evidence"]["source"] is None
    assert by_skill["prompts"]["evidence"]["note"] == "no evidence yet"
    # 100 * (1.6/4 + 1.5/4 + 0) / 3 = 25.83
    assert body["score"] == pytest.approx(25.8333, abs=1e-3)
