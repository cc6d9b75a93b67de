"""Learner histories for the analytics tests, written as rows with exact times (the services
would stamp `now`), and the hand-computed fixture every figure is checked against."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.contrib.auth.models import Group, Permission

from assessments.models import SkillCheck
from careers.models import Skill
from paths.models import LearningPath, Step, StepSkill
from tests.factories import (
    LevelFactory,
    PathFactory,
    RequirementFactory,
    RoleFactory,
    SkillFactory,
    StepFactory,
    UserFactory,
)
from tracker.curators import CURATORS_GROUP
from tracker.models import Enrolment, ProgressEntry, User

AT = datetime(2026, 4, 30, 12, 0, tzinfo=UTC)  # "now" for every computation here


def ago(days: float) -> datetime:
    return AT - timedelta(days=days)


def enrol(
    user: User,
    path: LearningPath,
    *,
    days_ago: float,
    status: str = Enrolment.Status.ACTIVE,
    completed_after: float | None = None,
) -> Enrolment:
    enrolled_at = ago(days_ago)
    completed_at = enrolled_at + timedelta(days=completed_after) if completed_after else None
    return Enrolment.objects.create(
        user=user, path=path, status=status, enrolled_at=enrolled_at, completed_at=completed_at
    )


def log(
    enrolment: Enrolment, step: Step, minutes: int, *, days_ago: float, completed: bool = True
) -> ProgressEntry:
    status = ProgressEntry.Status.COMPLETED if completed else ProgressEntry.Status.STARTED
    return ProgressEntry.objects.create(
        user_id=enrolment.user_id,
        enrolment=enrolment,
        step=step,
        minutes=minutes,
        status=status,
        occurred_at=ago(days_ago),
    )


def step(path: LearningPath, position: int, kind: str, minutes: int, skill: Skill, level: int):
    made = StepFactory.create(
        path=path,
        position=position,
        kind=kind,
        estimated_minutes=minutes,
        title=f"Step {position} of {path.title}",
    )
    StepSkill.objects.create(step=made, skill=skill, level=level)
    return made


def verified(user: User, skill: Skill, level: int, *, days_ago: float) -> SkillCheck:
    """A skill check passed (verified evidence), with no memory state: no fading."""
    return SkillCheck.objects.create(
        user=user,
        skill=skill,
        level=level,
        purpose=SkillCheck.Purpose.VERIFY,
        started_at=ago(days_ago),
        expires_at=ago(days_ago - 1),
        submitted_at=ago(days_ago),
        correct_count=5,
        passed=True,
    )


def grant_analytics(user: User) -> User:
    """The Curators group's analytics permissions, as its migration grants them (a
    transactional test's flush takes the group, and tests.factories makes it again without)."""
    group = Group.objects.get(name=CURATORS_GROUP)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="analytics",
            codename__in=["view_pathsummary", "view_stepsummary"],
        )
    )
    return User.objects.get(pk=user.pk)  # a fresh permission cache


@dataclass
class World:
    path: LearningPath
    steps: list[Step]
    learners: dict[str, User]
    other_path: LearningPath


def hand_computed_path() -> World:
    """Eleven learners on a three-step path; the figures they give, worked out by hand:

    Role and level require x (target 3, weight 1), y (2, 1) and z (4, 2). Step 1 (project, 30
    min) teaches x 3, step 2 (read, 60 min) y 2, step 3 (project, 20 min) z 3. Completed steps
    count 4/5: all three give 100 * (0.8 + 0.8 + 2 * 0.6) / 4 = 70 points (possible gain).

    learner  enrolled  status     step 1      step 2        step 3  gain
    A        40 d ago  completed  20          50            15      40 (z verified at 4)
    B        40 d      completed  25          30 + 40       20      50 (x from another path)
    C        40 d      completed  30          80            20      70
    D        40 d      completed  15 + 25     90            25      70
    E        40 d      completed  45          100           40      70
    F        35 d      active     60 (30 d)   65 (20 d)     -       40  stopped at 3
    G        35 d      active     35 (30 d)   15 started    -       20  stopped at 2
    H        30 d      active     -           -             -       -   stopped at 1
    I        3 d       active     10 started  -             -       -   active (1 d ago)
    J        10 d      withdrawn  50 (5 d)    -             -       20  stopped at 2
    K        40 d      paused     55 (25 d)   -             -       20  stopped at 2

    Completed after 10, 12, 14.5, 20 and 30 days.
    """
    role, level = RoleFactory.create(), LevelFactory.create()
    x, y, z = (SkillFactory.create(slug=f"skill-{name}") for name in "xyz")
    for skill, target, weight in ((x, 3, 1), (y, 2, 1), (z, 4, 2)):
        RequirementFactory.create(
            role=role, level=level, skill=skill, target_level=target, weight=weight
        )
    path = PathFactory.create(
        title="Retrieval in production", role=role, level=level, status="published"
    )
    s1 = step(path, 1, Step.Kind.PROJECT, 30, x, 3)
    s2 = step(path, 2, Step.Kind.READ, 60, y, 2)
    s3 = step(path, 3, Step.Kind.PROJECT, 20, z, 3)
    other_path = PathFactory.create(title="Search basics", status="published")
    elsewhere = step(other_path, 1, Step.Kind.PROJECT, 30, x, 3)

    learners = {name: UserFactory.create(email=f"{name}@example.com") for name in "ABCDEFGHIJK"}
    completers = {}
    for name, after, minutes in (
        ("A", 10, (20, 50, 15)),
        ("B", 12, (25, 40, 20)),
        ("C", 14.5, (30, 80, 20)),
        ("D", 20, (25, 90, 25)),
        ("E", 30, (45, 100, 40)),
    ):
        enrolment = enrol(
            learners[name], path, days_ago=40, status="completed", completed_after=after
        )
        for done, spent, days_ago in zip((s1, s2, s3), minutes, (38, 35, 31), strict=True):
            log(enrolment, done, spent, days_ago=days_ago)
        completers[name] = enrolment
    log(completers["B"], s2, 30, days_ago=36, completed=False)
    log(completers["D"], s1, 15, days_ago=39, completed=False)
    verified(learners["A"], z, 4, days_ago=5)
    log(enrol(learners["B"], other_path, days_ago=60), elsewhere, 30, days_ago=50)

    f = enrol(learners["F"], path, days_ago=35)
    log(f, s1, 60, days_ago=30)
    log(f, s2, 65, days_ago=20)
    g = enrol(learners["G"], path, days_ago=35)
    log(g, s1, 35, days_ago=30)
    log(g, s2, 15, days_ago=20, completed=False)
    enrol(learners["H"], path, days_ago=30)
    log(enrol(learners["I"], path, days_ago=3), s1, 10, days_ago=1, completed=False)
    log(enrol(learners["J"], path, days_ago=10, status="withdrawn"), s1, 50, days_ago=5)
    log(enrol(learners["K"], path, days_ago=40, status="paused"), s1, 55, days_ago=25)
    return World(path, [s1, s2, s3], learners, other_path)


def small_path(learners: int = 4, *, required: bool = False) -> LearningPath:
    """A one-step path every one of `learners` learners completed (10, 20, 30, ... minutes);
    with `required`, its role and level require the skill the step teaches."""
    skill = SkillFactory.create()
    path = PathFactory.create(title="Prompting in a week", status="published")
    if required:
        RequirementFactory.create(role=path.role, level=path.level, skill=skill, target_level=2)
    only = step(path, 1, Step.Kind.EXERCISE, 30, skill, 2)
    for n in range(learners):
        user = UserFactory.create()
        enrolment = enrol(user, path, days_ago=20, status="completed", completed_after=5)
        log(enrolment, only, 10 * (n + 1), days_ago=16)
    return path
