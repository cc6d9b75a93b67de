"""The database itself refuses rows the product would misread."""

import pytest
from django.db import IntegrityError, transaction

from careers.models import Role, RoleRequirement, SalaryBand, Skill
from paths.models import Step, StepSkill
from tests.factories import (
    LevelFactory,
    PathFactory,
    RequirementFactory,
    RoleFactory,
    SalaryBandFactory,
    SkillFactory,
    StepFactory,
    StepSkillFactory,
)

pytestmark = pytest.mark.django_db


def refused(create) -> bool:
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False


def test_slugs_are_unique():
    RoleFactory.create(slug="ml-engineer")
    SkillFactory.create(slug="rag")

    assert refused(lambda: RoleFactory.create(slug="ml-engineer"))
    assert refused(lambda: SkillFactory.create(slug="rag"))
    assert Role.objects.filter(slug="ml-engineer").count() == 1
    assert Skill.objects.filter(slug="rag").count() == 1


def test_one_requirement_per_role_level_and_skill():
    requirement = RequirementFactory.create()

    assert refused(
        lambda: RequirementFactory.create(
            role=requirement.role, level=requirement.level, skill=requirement.skill
        )
    )
    assert RoleRequirement.objects.count() == 1


@pytest.mark.parametrize(("target", "allowed"), [(0, False), (1, True), (5, True), (6, False)])
def test_requirement_targets_run_from_1_to_5(target, allowed):
    assert refused(lambda: RequirementFactory.create(target_level=target)) is not allowed


def test_requirement_weight_must_be_positive():
    assert refused(lambda: RequirementFactory.create(weight=0))
    assert RoleRequirement.objects.count() == 0


@pytest.mark.parametrize(
    ("low", "high", "allowed"), [(90_000, 80_000, False), (80_000, 80_000, True)]
)
def test_salary_minimum_cannot_exceed_maximum(low, high, allowed):
    assert refused(lambda: SalaryBandFactory.create(min_gbp=low, max_gbp=high)) is not allowed
    assert SalaryBand.objects.count() == int(allowed)


def test_step_position_is_unique_within_a_path_only():
    first = StepFactory.create(position=1)
    other_path = PathFactory.create(role=first.path.role, level=LevelFactory.create())

    assert refused(lambda: StepFactory.create(path=first.path, position=1))
    StepFactory.create(path=other_path, position=1)
    assert Step.objects.filter(position=1).count() == 2


def test_step_position_starts_at_1_and_minutes_are_positive():
    assert refused(lambda: StepFactory.create(position=0))
    assert refused(lambda: StepFactory.create(estimated_minutes=0))


@pytest.mark.parametrize(("level", "allowed"), [(0, False), (3, True), (6, False)])
def test_step_skill_levels_run_from_1_to_5(level, allowed):
    assert refused(lambda: StepSkillFactory.create(level=level)) is not allowed
    assert StepSkill.objects.count() == int(allowed)
