"""Which steps a learner could do next, as units of work readiness.next_best_steps can rank.
Pure: callers pass plain values in.

A step is offered on a route: the learner's active enrolment on its path, or a published path
they could enrol on. On that route a step is doable now when every prerequisite is completed in
that enrolment (a new enrolment has none). A step still waiting on prerequisites is offered as a
chain: its unmet prerequisites (transitively, in path order) and then the step, counted
together in the time and in what they prove. So every unit starts with a step the learner can
log as completed now, and shows what follows.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from tracker.readiness import CandidateStep, proven_level


@dataclass(frozen=True)
class StepFacts:
    step_id: int
    path_id: int
    position: int
    kind: str
    minutes: int
    skill_levels: Mapping[int, int]  # as taught; proven_level caps them by kind
    prerequisites: tuple[int, ...]


@dataclass(frozen=True)
class Route:
    path_id: int
    enrolment_id: int | None  # None: the learner enrols first
    done: frozenset[int]  # steps completed in that enrolment


def chain_to(step: StepFacts, steps: Mapping[int, StepFacts], done: frozenset[int]) -> list[int]:
    """The unmet prerequisites of `step`, transitively, in path order, then the step."""
    needed: set[int] = set()
    pending = [step.step_id]
    while pending:
        for prerequisite in steps[pending.pop()].prerequisites:
            if prerequisite not in done and prerequisite not in needed and prerequisite in steps:
                needed.add(prerequisite)
                pending.append(prerequisite)
    needed.discard(step.step_id)  # a (bad) cycle back to the step itself
    return [*sorted(needed, key=lambda s: (steps[s].position, s)), step.step_id]


def candidate_units(
    steps: Iterable[StepFacts], routes: Iterable[Route], shown: frozenset[int] = frozenset()
) -> dict[int, tuple[CandidateStep, Route]]:
    """Every unfinished step on every route, as a unit (keyed by its last step's id). Steps in
    `shown` (completed before, in any enrolment) still take their time but prove nothing new:
    only a step's first completion counts."""
    by_path: dict[int, dict[int, StepFacts]] = {}
    for step in steps:
        by_path.setdefault(step.path_id, {})[step.step_id] = step
    units = {}
    for route in routes:
        path_steps = by_path.get(route.path_id, {})
        for step in path_steps.values():
            if step.step_id in route.done:
                continue
            chain = chain_to(step, path_steps, route.done)
            proven: dict[int, int] = {}
            for member in chain:
                if member in shown:
                    continue
                facts = path_steps[member]
                for skill, level in facts.skill_levels.items():
                    proven[skill] = max(proven.get(skill, 0), proven_level(facts.kind, level))
            unit = CandidateStep(
                step_id=step.step_id,
                minutes=sum(path_steps[member].minutes for member in chain),
                skill_levels=proven,
                chain=tuple(chain[:-1]),
            )
            units[step.step_id] = (unit, route)
    return units
