"""The plan to a target: which steps, in which order, week by week, and the readiness it gives
each week. Pure and deterministic, like tracker/readiness.py (whose formula it scores with):
callers pass plain values in.

Ordering. Two methods, and the plan takes the one that reaches the target readiness with fewer
minutes (then the higher readiness at the end, then the chain method):
- `greedy` (the baseline): repeatedly the doable step (every prerequisite planned) with the
  most readiness per hour; when none adds any, the shortest doable step.
- `by_chains`: repeatedly the unit with the most readiness per hour, a unit being a step with
  the prerequisites it still waits on (in path order), counted together in time and gain; so a
  valuable step behind a short prerequisite is not passed over.
Taking the better of the two makes the plan at least as good as the greedy baseline on every
input, by construction (and a property test checks it).

Weeks. Steps are laid out in order into weeks of the weekly goal's minutes; a step longer
than what is left of a week continues in the next, so no week has more than the goal. A step
counts for readiness in the week it is finished.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from tracker.readiness import Requirement, Scorer, SkillEvidence, scaled_level


@dataclass(frozen=True)
class PlanStep:
    step_id: int
    minutes: int  # estimated, corrected by the learner's own pace (pace_factor)
    skill_levels: Mapping[int, int]  # the levels completing it proves (kind-capped)
    prerequisites: tuple[int, ...] = ()  # steps to complete first (not yet completed)


@dataclass(frozen=True)
class Week:
    index: int  # 0: the current week
    step_ids: tuple[int, ...]  # worked on this week, in order
    minutes: int
    readiness: Fraction  # at the end of the week: the steps finished by then


@dataclass(frozen=True)
class Plan:
    order: tuple[int, ...]  # step ids in the order to do them
    weeks: tuple[Week, ...]
    start: Fraction  # readiness now
    target: Fraction
    target_week: int | None  # the week the target is reached; None if the plan never does
    minutes_to_target: int | None
    target_step: int | None  # the step whose completion reaches the target


PACE_BOUNDS = (Fraction(1, 2), Fraction(2))
"""A learner's own pace corrects the estimates by at most half or double: a few quick or slow
steps say something, not everything."""


def pace_factor(done: Sequence[tuple[int, int]]) -> Fraction:
    """Real minutes over estimated minutes across completed steps ((estimated, real) pairs),
    within PACE_BOUNDS; 1 without history."""
    estimated = sum(e for e, _ in done)
    if estimated <= 0:
        return Fraction(1)
    low, high = PACE_BOUNDS
    return min(high, max(low, Fraction(sum(r for _, r in done), estimated)))


class _Scored:
    """Readiness of a set of completed plan steps, from the learner's levels now, with gains as
    exact integer numerators over the Scorer's denominator."""

    def __init__(self, requirements: Sequence[Requirement], levels: Mapping[int, int]):
        self.scorer = Scorer(requirements)
        self.levels = dict(levels)  # scaled (readiness.SCALE)
        # Per required skill: (full level scaled, its numerator per scaled level).
        self.terms = {
            r.skill_id: (full, 100 * r.weight * factor) for r, full, factor, _ in self.scorer.lines
        }

    def shown(self, steps: Sequence[PlanStep]) -> dict[int, int]:
        """What completing these steps shows, per required skill, scaled."""
        shown: dict[int, int] = {}
        for step in steps:
            for skill, level in step.skill_levels.items():
                if skill in self.terms:
                    value = scaled_level(SkillEvidence(completed=level))
                    shown[skill] = max(shown.get(skill, 0), value)
        return shown

    def gain(self, levels: Mapping[int, int], shown: Mapping[int, int]) -> int:
        """The score's numerator gained by raising `levels` to `shown`."""
        gained = 0
        for skill, value in shown.items():
            full, per_level = self.terms[skill]
            now = levels.get(skill, 0)
            if value > now and now < full:
                gained += per_level * (min(value, full) - now)
        return gained

    def raised(self, levels: Mapping[int, int], step: PlanStep) -> dict[int, int]:
        return self.raised_to(levels, self.shown([step]))

    @staticmethod
    def raised_to(levels: Mapping[int, int], shown: Mapping[int, int]) -> dict[int, int]:
        raised = dict(levels)
        for skill, value in shown.items():
            raised[skill] = max(raised.get(skill, 0), value)
        return raised

    def score(self, levels: Mapping[int, int]) -> Fraction:
        if not self.scorer.scored:
            return Fraction(0)
        return Fraction(self.scorer.numerator(levels), self.scorer.denominator)


def _ancestors(steps: Mapping[int, PlanStep]) -> dict[int, set[int]]:
    """Per step, every step it waits on, transitively (among `steps`)."""
    found: dict[int, set[int]] = {}

    def of(step_id: int, seen: frozenset[int]) -> set[int]:
        if step_id not in found:
            direct = [p for p in steps[step_id].prerequisites if p in steps and p not in seen]
            found[step_id] = set(direct).union(*(of(p, seen | {step_id}) for p in direct))
        return found[step_id]

    for step_id in steps:
        of(step_id, frozenset())
    return found


def _chain(step_id: int, steps: Mapping[int, PlanStep], planned: set[int]) -> list[int]:
    """The step's unplanned prerequisites, each after its own, then the step."""
    chain: list[int] = []

    def visit(current: int, path: frozenset[int]) -> None:
        for prerequisite in steps[current].prerequisites:
            if prerequisite in steps and prerequisite not in planned | set(chain) | path:
                visit(prerequisite, path | {current})
        if current not in chain:
            chain.append(current)

    visit(step_id, frozenset())
    return chain


def greedy(scored: _Scored, steps: Mapping[int, PlanStep], target: Fraction) -> list[int]:
    """The baseline: the doable step with most readiness per hour, until the target."""
    order: list[int] = []
    levels = scored.levels
    shown = {s: scored.shown([steps[s]]) for s in steps}
    while scored.score(levels) < target and len(order) < len(steps):
        planned = set(order)
        doable = [
            s
            for s in steps.values()
            if s.step_id not in planned and all(p in planned for p in s.prerequisites)
        ]
        if not doable:
            break
        best = max(
            doable,
            key=lambda step: (
                scored.gain(levels, shown[step.step_id]) / max(step.minutes, 1),
                -step.minutes,
                -step.step_id,
            ),
        )
        order.append(best.step_id)
        levels = scored.raised_to(levels, shown[best.step_id])
    return order


def by_chains(scored: _Scored, steps: Mapping[int, PlanStep], target: Fraction) -> list[int]:
    """The unit (a step and its unplanned prerequisites) with most readiness per hour, until
    the target. A unit shows what its step and all its prerequisites show (the planned ones are
    already in the levels) and takes the minutes of its unplanned members, kept up to date as
    steps are planned; so each round costs a few operations per step."""
    ancestors = _ancestors(steps)
    shown = {s: scored.shown([steps[m] for m in ancestors[s] | {s}]) for s in steps}
    minutes = {s: steps[s].minutes + sum(steps[m].minutes for m in ancestors[s]) for s in steps}
    waiting: dict[int, list[int]] = {m: [] for m in steps}
    for step_id, before in ancestors.items():
        for member in before:
            waiting[member].append(step_id)
    levels, planned, order = dict(scored.levels), set[int](), list[int]()
    goal = target * scored.scorer.denominator
    numerator = scored.scorer.numerator(levels) if scored.scorer.scored else 0
    while numerator < goal and len(planned) < len(steps):
        best, best_rank = None, (-1.0, 0, 0)
        for step_id in steps:
            if step_id in planned:
                continue
            rank = (
                scored.gain(levels, shown[step_id]) / max(minutes[step_id], 1),
                -minutes[step_id],
                -step_id,
            )
            if rank > best_rank:
                best, best_rank = step_id, rank
        if best is None:
            break
        numerator += scored.gain(levels, shown[best])
        levels = scored.raised_to(levels, shown[best])
        for member in _chain(best, steps, planned):
            planned.add(member)
            order.append(member)
            for later in waiting[member]:
                minutes[later] -= steps[member].minutes
    return order


def lay_out(
    order: Sequence[int],
    steps: Mapping[int, PlanStep],
    scored: _Scored,
    weekly_minutes: int,
    first_week_minutes: int | None = None,
) -> tuple[Week, ...]:
    """The steps in order, week by week, never more than `weekly_minutes` in a week (and
    `first_week_minutes` in the first, when what is left of this week is less)."""
    weeks: list[Week] = []
    levels, week_steps, index = scored.levels, list[int](), 0
    # Minutes of this week already spent, before the plan: taken off the first week.
    first = weekly_minutes if first_week_minutes is None else first_week_minutes
    spent = used = weekly_minutes - min(weekly_minutes, max(first, 0))
    for step_id in order:
        step, left = steps[step_id], steps[step_id].minutes
        while True:
            take = min(left, weekly_minutes - used)
            used, left = used + take, left - take
            if take or not step.minutes:
                week_steps.append(step_id)
            if left == 0:
                levels = scored.raised(levels, step)
                break
            weeks.append(Week(index, tuple(week_steps), used - spent, scored.score(levels)))
            week_steps, used, index, spent = [], 0, index + 1, 0
    if week_steps:
        weeks.append(Week(index, tuple(week_steps), used - spent, scored.score(levels)))
    return tuple(weeks)


def plan(
    *,
    requirements: Sequence[Requirement],
    levels: Mapping[int, int],
    steps: Sequence[PlanStep],
    weekly_minutes: int,
    target: Fraction = Fraction(100),
    first_week_minutes: int | None = None,
) -> Plan:
    """The plan to `target` readiness (see the module docstring). `levels` are the learner's
    scaled proficiencies now (readiness.SCALE); `steps` every step they could still do, with
    prerequisites among them."""
    if weekly_minutes <= 0:
        raise ValueError("A plan needs a weekly goal of at least one minute.")
    scored = _Scored(requirements, levels)
    by_id = _satisfiable({step.step_id: step for step in steps})
    start = scored.score(scored.levels)
    candidates = [by_chains(scored, by_id, target), greedy(scored, by_id, target)]
    outcome, order = min(
        ((_outcome(o, by_id, scored, target), o) for o in candidates), key=lambda pair: pair[0]
    )
    order = _until_last_gain(order, by_id, scored)
    weeks = lay_out(order, by_id, scored, weekly_minutes, first_week_minutes)
    target_week = next((w.index for w in weeks if w.readiness >= target), None)
    if start >= target:
        target_week = 0
    minutes = None if outcome[0] else outcome[1]
    return Plan(
        tuple(order),
        weeks,
        start,
        target,
        target_week,
        minutes,
        _target_step(order, by_id, minutes),
    )


def _satisfiable(steps: dict[int, PlanStep]) -> dict[int, PlanStep]:
    """The steps whose prerequisites are all among the steps (transitively): one that waits on
    a step the learner cannot plan is never doable, whichever method orders them."""
    kept = dict(steps)
    while blocked := [s for s in kept.values() if any(p not in kept for p in s.prerequisites)]:
        for step in blocked:
            del kept[step.step_id]
    return kept


def _until_last_gain(
    order: Sequence[int], steps: Mapping[int, PlanStep], scored: _Scored
) -> list[int]:
    """The order without its tail of steps that add nothing (when the target is out of reach,
    both methods go on with the shortest steps, which only pad the plan)."""
    levels, score, last = scored.levels, scored.score(scored.levels), 0
    for index, step_id in enumerate(order, start=1):
        levels = scored.raised(levels, steps[step_id])
        if (now := scored.score(levels)) > score:
            score, last = now, index
    return list(order[:last])


def _target_step(
    order: Sequence[int], steps: Mapping[int, PlanStep], minutes: int | None
) -> int | None:
    """The step at which the order has taken `minutes` (the minutes to the target)."""
    spent = 0
    for step_id in order:
        spent += steps[step_id].minutes
        if minutes is not None and spent == minutes and minutes > 0:
            return step_id
    return None


def _minutes_to(
    order: Sequence[int], steps: Mapping[int, PlanStep], scored: _Scored, target: Fraction
) -> int | None:
    """Minutes of the order until readiness reaches the target (None if it never does)."""
    levels, minutes = scored.levels, 0
    if scored.score(levels) >= target:
        return 0
    for step_id in order:
        minutes += steps[step_id].minutes
        levels = scored.raised(levels, steps[step_id])
        if scored.score(levels) >= target:
            return minutes
    return None


def _outcome(
    order: Sequence[int], steps: Mapping[int, PlanStep], scored: _Scored, target: Fraction
) -> tuple[bool, int, Fraction]:
    """Sort key, best first: reaches the target, in fewer minutes, to a higher readiness."""
    minutes = _minutes_to(order, steps, scored, target)
    levels = scored.levels
    for step_id in order:
        levels = scored.raised(levels, steps[step_id])
    return (minutes is None, minutes or 0, -scored.score(levels))
