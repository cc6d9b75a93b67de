"""B11: the planner for a learner with 5 enrolments and 200 candidate steps, in process: the
whole plan read (tracker/plans.py `plan_get`: the learner's data, the planner, the weeks as
steps) and the planner alone (tracker/planner.py `plan`, on the same inputs).

The data: a level below the catalogue's (so only these paths are candidates) at which the LLM
Engineer role needs 12 skills at 3-4; 5 published paths of 43 steps, each step teaching one
to three of those skills at 1-4, each after the step before it in its path and, for a third of
them, after another earlier one too; the learner enrolled on all five with the first 3 steps
of each done (200 candidates left), a weekly goal of 300 minutes."""

import random
import statistics
import time
from collections.abc import Callable
from typing import Any
from unittest import mock

from careers.models import Role, RoleRequirement, SeniorityLevel, Skill
from paths.models import LearningPath, Step, StepSkill
from tests.bench.harness import Bench, Result
from tracker import planner, plans
from tracker.models import User
from tracker.services import enrolment_create, learner_profile_update, progress_log

ID = "B11"
WHAT = "the plan for 5 enrolments / 200 candidate steps, in process (median)"
TARGET = "< 50 ms"
PATHS = 5
STEPS = 43  # 3 done: 40 candidates a path, 200 in all
SKILLS = 12
DONE = 3  # steps completed on each path
RUNS = 30
KINDS = [k for k in Step.Kind.values if k != Step.Kind.ASSESSMENT] + [Step.Kind.ASSESSMENT]


def _build() -> User:
    rng = random.Random(11)  # noqa: S311 - bench data, not secrets
    level = SeniorityLevel.objects.create(slug="b11-level", name="B11 level", rank=0)
    role = Role.objects.get(slug="llm-engineer")
    skills = list(Skill.objects.order_by("pk")[:SKILLS])
    RoleRequirement.objects.bulk_create(
        RoleRequirement(
            role=role,
            level=level,
            skill=s,
            target_level=rng.randint(3, 4),
            weight=rng.randint(1, 3),
        )
        for s in skills
    )
    user = User.objects.create_user(email="b11@bench.local", password=None)
    learner_profile_update(user=user, target_role=role, target_level=level, weekly_goal_minutes=300)
    for p in range(PATHS):
        path = LearningPath.objects.create(
            slug=f"b11-path-{p}",
            title=f"B11 path {p}",
            role=role,
            level=level,
            summary="Bench path.",
            status=LearningPath.Status.PUBLISHED,
        )
        steps = Step.objects.bulk_create(
            Step(
                path=path,
                position=n + 1,
                title=f"B11 step {p}.{n}",
                kind=rng.choice(KINDS),
                estimated_minutes=rng.choice([20, 30, 45, 60, 90, 120, 180]),
            )
            for n in range(STEPS)
        )
        StepSkill.objects.bulk_create(
            StepSkill(step=step, skill=skill, level=rng.randint(1, 4))
            for step in steps
            for skill in rng.sample(skills, rng.randint(1, 3))
        )
        for n, step in enumerate(steps[1:], start=1):
            before = {steps[n - 1]}
            if rng.random() < 1 / 3:
                before.add(steps[rng.randrange(n)])
            step.prerequisites.set(before)
        enrolment = enrolment_create(user=user, path=path)
        for step in steps[:DONE]:
            progress_log(
                enrolment=enrolment, step=step, minutes=step.estimated_minutes, status="completed"
            )
    return user


def _median_ms(work: Callable[[], Any]) -> float:
    work()  # warm-up
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def _planner_inputs(user: User) -> dict[str, Any]:
    """What plan_get passes the planner (captured from a real call)."""
    captured: dict[str, Any] = {}
    real = planner.plan

    def capture(**kwargs: Any) -> planner.Plan:
        captured.update(kwargs)
        return real(**kwargs)

    with mock.patch.object(planner, "plan", capture):
        plans.plan_get(user=user)
    return captured


def run(bench: Bench) -> Result:
    user = _build()
    inputs = _planner_inputs(user)
    whole = _median_ms(lambda: plans.plan_get(user=user))
    alone = _median_ms(lambda: planner.plan(**inputs))
    plan = plans.plan_get(user=user)
    assert plan is not None
    return Result(
        id=ID,
        what=WHAT,
        value=whole,
        baseline=None,
        ratio=None,
        target=TARGET,
        met=whole < 50 and len(inputs["steps"]) == PATHS * (STEPS - DONE),
        unit="ms",
        details={
            "candidate_steps": len(inputs["steps"]),
            "enrolments": PATHS,
            "planner_alone_ms": alone,
            "planned_steps": sum(len(week.items) for week in plan.weeks),
            "weeks": len(plan.weeks),
            "reaches_target_on": str(plan.reaches_target_on),
        },
    )
