"""A small world to plan in, shared by the plan and calendar tests."""

from datetime import UTC, datetime

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
from tracker.services import learner_profile_update

WEDNESDAY = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)  # London is on UTC in winter


def plan_world():
    """A role at one level needing RAG to 2 (one skill: 100 points); a published path with a
    read on RAG (proves 2, 60 minutes) and a project behind it (proves 2 again, 120)."""
    role, level, rag = RoleFactory.create(), LevelFactory.create(), SkillFactory.create()
    RequirementFactory.create(role=role, level=level, skill=rag, target_level=2, weight=1)
    path = published_path(steps=0, role=role, level=level)
    read = StepFactory.create(path=path, position=1, kind="read", estimated_minutes=60)
    project = StepFactory.create(path=path, position=2, kind="project", estimated_minutes=120)
    project.prerequisites.set([read])
    for step in (read, project):
        StepSkillFactory.create(step=step, skill=rag, level=2)
    user = UserFactory.create()
    learner_profile_update(user=user, target_role=role, target_level=level, weekly_goal_minutes=90)
    return user, path, read, project
