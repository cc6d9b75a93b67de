"""factory_boy factories for the catalogue and users."""

from typing import Any

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from careers.models import Role, RoleRequirement, SalaryBand, SeniorityLevel, Skill
from paths.models import LearningPath, Step, StepSkill
from tracker.curators import CATALOGUE_APPS, CURATORS_GROUP, EXCLUDED_MODELS
from tracker.models import LearnerProfile, User


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"learner{n}@example.com")
    password = "a-long-test-password"

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        # Through the manager, which creates the learner profile with the user; the address
        # counts as verified, as it would after sign-up, and the first-run onboarding as done
        # unless `onboarded=False`.
        onboarded = kwargs.pop("onboarded", True)
        user = model_class.objects.create_user(*args, **kwargs)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        if onboarded:
            LearnerProfile.objects.filter(user=user).update(onboarded_at=timezone.now())
        return user


def curators_group() -> Group:
    """The group its data migration made; made again after a transactional test's flush took
    it (the flush re-creates permissions, not groups)."""
    group, created = Group.objects.get_or_create(name=CURATORS_GROUP)
    if created:
        group.permissions.set(
            Permission.objects.filter(content_type__app_label__in=CATALOGUE_APPS).exclude(
                content_type__model__in=EXCLUDED_MODELS
            )
        )
    return group


class CuratorFactory(UserFactory):
    class Meta:
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"curator{n}@example.com")
    is_staff = True

    @factory.post_generation
    def curators_group(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.groups.add(curators_group())


class LevelFactory(factory.django.DjangoModelFactory[SeniorityLevel]):
    class Meta:
        model = SeniorityLevel
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"level-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.title())
    rank = factory.Sequence(lambda n: n + 100)


class SkillFactory(factory.django.DjangoModelFactory[Skill]):
    class Meta:
        model = Skill

    slug = factory.Sequence(lambda n: f"skill-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.title())
    category = Skill.Category.FOUNDATIONS


class RoleFactory(factory.django.DjangoModelFactory[Role]):
    class Meta:
        model = Role

    slug = factory.Sequence(lambda n: f"role-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.title())
    summary = "Builds things."
    stack_position = "Somewhere in the stack."
    math_depth = Role.MathDepth.WORKING


class RequirementFactory(factory.django.DjangoModelFactory[RoleRequirement]):
    class Meta:
        model = RoleRequirement

    role = factory.SubFactory(RoleFactory)
    level = factory.SubFactory(LevelFactory)
    skill = factory.SubFactory(SkillFactory)
    target_level = 3
    weight = 1


class SalaryBandFactory(factory.django.DjangoModelFactory[SalaryBand]):
    class Meta:
        model = SalaryBand

    role = factory.SubFactory(RoleFactory)
    level = factory.SubFactory(LevelFactory)
    employer_kind = "Product companies"
    min_gbp = 60_000
    max_gbp = 80_000
    source_note = "A test figure."


class PathFactory(factory.django.DjangoModelFactory[LearningPath]):
    class Meta:
        model = LearningPath

    slug = factory.Sequence(lambda n: f"path-{n}")
    title = factory.Sequence(lambda n: f"Path {n}")
    role = factory.SubFactory(RoleFactory)
    level = factory.SubFactory(LevelFactory)
    summary = "A path."


class StepFactory(factory.django.DjangoModelFactory[Step]):
    class Meta:
        model = Step

    path = factory.SubFactory(PathFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Step {n}")
    kind = Step.Kind.PROJECT  # proves the level it teaches (a read would be capped at 2)
    resource_url = "https://docs.example.com/"
    estimated_minutes = 30


class StepSkillFactory(factory.django.DjangoModelFactory[StepSkill]):
    class Meta:
        model = StepSkill

    step = factory.SubFactory(StepFactory)
    skill = factory.SubFactory(SkillFactory)
    level = 2


def published_path(
    *, steps: int = 3, sequential: bool = False, minutes: int = 60, **path_fields: Any
) -> LearningPath:
    """A published path whose steps each teach one new skill at level 3."""
    path = PathFactory.create(
        status=LearningPath.Status.PUBLISHED, sequential=sequential, **path_fields
    )
    for position in range(1, steps + 1):
        step = StepFactory.create(path=path, position=position, estimated_minutes=minutes)
        StepSkillFactory.create(step=step, level=3)
    return path
