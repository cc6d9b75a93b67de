"""Which role and level a learner's readiness is read for: the one home of that rule, for the
readiness page (web), the readiness endpoints (API) and the recommendation.

`target_for(profile=..., role_slug=..., level_slug=...)`:
- a slug that is given (not None or empty) must name a role / level, else `UnknownRole` /
  `UnknownLevel` (both `UnknownTarget`, which names the field and the slug): the web answers
  with its 404 page, the API with a 404 problem naming which;
- no role slug: the learner's target role, else the first role by position;
- no level slug: the learner's target level if the role has requirements at it, else the
  lowest level by rank at which the role has requirements (AI Architect starts at senior); for
  a role with no requirements at all, the learner's target level, else the first level by rank;
- an empty catalogue (no role or no level at all) is `EmptyCatalogue`.

The learner's own target is the default, but an explicit slug always wins, even when it names a
level the role has no requirements at (the page then says the role has none there).
"""

from dataclasses import dataclass

from careers.models import Role, RoleRequirement, SeniorityLevel
from tracker.models import LearnerProfile


class UnknownTarget(LookupError):
    """A slug that names nothing; `field` is "role" or "level"."""

    field = ""

    def __init__(self, slug: str) -> None:
        self.slug = slug
        super().__init__(f'No {self.field} is called "{slug}".')


class UnknownRole(UnknownTarget):
    field = "role"


class UnknownLevel(UnknownTarget):
    field = "level"


class EmptyCatalogue(LookupError):
    """There is no role or no seniority level at all yet."""


@dataclass(frozen=True)
class Target:
    role: Role
    level: SeniorityLevel
    role_explicit: bool  # named by the request, not defaulted
    level_explicit: bool
    is_learners_target: bool  # the role and level the learner chose as their target


def target_for(*, profile: LearnerProfile, role_slug: str | None, level_slug: str | None) -> Target:
    """The role and level to read; see the module docstring. At most three queries; `profile`
    should come with `target_role` and `target_level` loaded (`selectors.profile_get`)."""
    role = _role(profile, role_slug)
    level = _level(profile, role, level_slug)
    return Target(
        role=role,
        level=level,
        role_explicit=bool(role_slug),
        level_explicit=bool(level_slug),
        is_learners_target=(role.pk, level.pk) == (profile.target_role_id, profile.target_level_id),
    )


def _role(profile: LearnerProfile, slug: str | None) -> Role:
    if slug:
        role = Role.objects.filter(slug=slug).first()
        if role is None:
            raise UnknownRole(slug)
        return role
    role = profile.target_role or Role.objects.order_by("position", "name").first()
    if role is None:
        raise EmptyCatalogue("The catalogue has no roles yet.")
    return role


def _level(profile: LearnerProfile, role: Role, slug: str | None) -> SeniorityLevel:
    if slug:
        level = SeniorityLevel.objects.filter(slug=slug).first()
        if level is None:
            raise UnknownLevel(slug)
        return level
    ladder = SeniorityLevel.objects.order_by("rank")
    rungs = list(ladder.filter(pk__in=RoleRequirement.objects.filter(role=role).values("level_id")))
    target = profile.target_level
    if target is not None and (not rungs or target in rungs):
        return target
    level = rungs[0] if rungs else ladder.first()
    if level is None:
        raise EmptyCatalogue("The catalogue has no seniority levels yet.")
    return level
