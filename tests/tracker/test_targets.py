"""tracker/targets.py: which role and level a learner's readiness is read for, for the web page,
the API and the recommendation alike."""

import pytest

from tests.factories import LevelFactory, RequirementFactory, RoleFactory
from tracker.models import LearnerProfile
from tracker.selectors import profile_get
from tracker.targets import (
    EmptyCatalogue,
    Target,
    UnknownLevel,
    UnknownRole,
    UnknownTarget,
    target_for,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ladder():
    """Junior < mid < senior; ML (position 1) at every level, Architect (position 3) only at
    senior, LLM (position 2) with no requirements yet."""
    junior = LevelFactory.create(slug="junior", rank=1)
    mid = LevelFactory.create(slug="mid", rank=2)
    senior = LevelFactory.create(slug="senior", rank=3)
    ml = RoleFactory.create(slug="ml", position=1)
    llm = RoleFactory.create(slug="llm", position=2)
    architect = RoleFactory.create(slug="architect", position=3)
    for level in (junior, mid, senior):
        RequirementFactory.create(role=ml, level=level)
    RequirementFactory.create(role=architect, level=senior)
    return {"junior": junior, "mid": mid, "senior": senior, "ml": ml, "llm": llm, "arch": architect}


def profile_of(user, **target) -> LearnerProfile:
    LearnerProfile.objects.filter(user=user).update(**target)
    return profile_get(user=user)


def test_explicit_slugs_win(learner, ladder):
    profile = profile_of(learner, target_role=ladder["ml"], target_level=ladder["junior"])

    target = target_for(profile=profile, role_slug="architect", level_slug="junior")

    # Even a level the role has no requirements at: the page says so.
    assert target == Target(ladder["arch"], ladder["junior"], True, True, False)


def test_without_slugs_the_learners_target(learner, ladder):
    profile = profile_of(learner, target_role=ladder["ml"], target_level=ladder["mid"])

    target = target_for(profile=profile, role_slug=None, level_slug=None)

    assert target == Target(ladder["ml"], ladder["mid"], False, False, True)


def test_empty_slugs_count_as_not_given(learner, ladder):
    profile = profile_of(learner, target_role=ladder["ml"], target_level=ladder["mid"])

    target = target_for(profile=profile, role_slug="", level_slug="")

    assert (target.role, target.level, target.role_explicit, target.level_explicit) == (
        ladder["ml"],
        ladder["mid"],
        False,
        False,
    )


def test_without_a_target_the_first_role_by_position_and_its_first_level(learner, ladder):
    profile = profile_get(user=learner)

    target = target_for(profile=profile, role_slug=None, level_slug=None)

    assert (target.role, target.level, target.is_learners_target) == (
        ladder["ml"],
        ladder["junior"],
        False,
    )


def test_a_role_that_starts_higher_defaults_to_its_first_rung(learner, ladder):
    # The learner targets junior; AI Architect only exists at senior.
    profile = profile_of(learner, target_role=ladder["ml"], target_level=ladder["junior"])

    target = target_for(profile=profile, role_slug="architect", level_slug=None)

    assert (target.role, target.level, target.level_explicit) == (
        ladder["arch"],
        ladder["senior"],
        False,
    )


def test_a_role_without_requirements_keeps_the_learners_level_else_the_first(learner, ladder):
    with_target = profile_of(learner, target_level=ladder["mid"])
    assert target_for(profile=with_target, role_slug="llm", level_slug=None).level == ladder["mid"]

    without = profile_of(learner, target_level=None)
    assert target_for(profile=without, role_slug="llm", level_slug=None).level == ladder["junior"]


def test_the_level_alone_may_be_explicit(learner, ladder):
    profile = profile_of(learner, target_role=ladder["arch"], target_level=ladder["senior"])

    target = target_for(profile=profile, role_slug=None, level_slug="mid")

    assert target == Target(ladder["arch"], ladder["mid"], False, True, False)


@pytest.mark.parametrize(
    ("role_slug", "level_slug", "error", "field", "slug"),
    [
        ("data-wizard", None, UnknownRole, "role", "data-wizard"),
        ("data-wizard", "senior", UnknownRole, "role", "data-wizard"),
        ("ml", "principal-wizard", UnknownLevel, "level", "principal-wizard"),
        (None, "principal-wizard", UnknownLevel, "level", "principal-wizard"),
    ],
)
def test_an_unknown_slug_is_an_error_naming_which(
    learner, ladder, role_slug, level_slug, error, field, slug
):
    # Not a silent fall back to the target (the web page did that while the API said 404).
    profile = profile_of(learner, target_role=ladder["ml"], target_level=ladder["junior"])

    with pytest.raises(error) as raised:
        target_for(profile=profile, role_slug=role_slug, level_slug=level_slug)

    assert isinstance(raised.value, UnknownTarget)
    assert (raised.value.field, raised.value.slug) == (field, slug)
    assert str(raised.value) == f'No {field} is called "{slug}".'


def test_an_empty_catalogue_is_said_so(learner):
    with pytest.raises(EmptyCatalogue):
        target_for(profile=profile_get(user=learner), role_slug=None, level_slug=None)

    RoleFactory.create()
    with pytest.raises(EmptyCatalogue):
        target_for(profile=profile_get(user=learner), role_slug=None, level_slug=None)


def test_at_most_three_queries(learner, ladder, django_assert_max_num_queries):
    profile = profile_get(user=learner)

    with django_assert_max_num_queries(3):
        target_for(profile=profile, role_slug="llm", level_slug=None)
    with_target = profile_of(learner, target_role=ladder["ml"])
    with django_assert_max_num_queries(1):  # the level; the target role came with the profile
        target_for(profile=with_target, role_slug=None, level_slug="mid")
