"""Readiness: how ready a learner is for a role at a level. Pure and deterministic; the only
place the score is computed. No ORM here: callers pass plain values in.

Proficiency p_s of a skill s, in [0, 5], from the learner's evidence of it (SkillEvidence):
    held_s     = max(verified level, UNVERIFIED_WEIGHT * completed level)
    retained_s = held_s * r_s
    p_s        = max(retained_s, SELF_CLAIM_DISCOUNT * claimed level)

    verified: the highest level of a skill check passed (assessments/services.py).
    completed: the highest level proven by a completed step that teaches s, capped by its kind
    (KIND_CEILING): reading or watching (read, course) up to 2, practice (exercise) up to 3, a
    project or an assessment up to the step's own level. Ticking a step is self-reported, so it
    counts at UNVERIFIED_WEIGHT; a passed check counts in full.
    claimed: the learner's own claim, counted at SELF_CLAIM_DISCOUNT.
    r_s, the retained fraction (assessments/retention.py): how much of what was held the
    learner still has, from the skill's FSRS retrievability R today: 1 while R is at least
    0.9, then R / 0.9, never below a half, rounded down to a twentieth. A skill with no review
    recorded has r_s = 1. Claims do not fade (they are today's).

    Skills are credited across every path and role: completing RAG once counts everywhere.

Readiness for role R at level L, with requirements (t_s target, w_s weight):
    readiness = 100 * sum(w_s * min(p_s, t_s) / t_s) / sum(w_s)

The breakdown lists, per required skill, the target, the current level, the points earned and
the points possible; the earned points add up to the score. A role and level with no
requirements has no score (None), not 0 or 100.

Next best steps: units of work ranked by the readiness they would add per estimated hour. A
unit is a step the learner can log now, or a step together with the prerequisites it still
waits on (its chain, done first, counted in the time and the gain).

Arithmetic is exact (fractions) so that the properties hold without rounding slack:
0 <= score <= 100, more evidence never lowers a score, verified evidence never lowers one, decay
never raises one, the same inputs give the same output.
"""

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from assessments.retention import RETAINED_FLOOR_STEPS, RETAINED_STEPS

SELF_CLAIM_DISCOUNT = Fraction(1, 2)
"""A self-assessed level counts half. A claim carries no evidence of completed work, and
people new to a field tend to rate themselves higher than a practical test would; half credit
still rewards honest claims while keeping completed steps the way to full readiness."""

UNVERIFIED_WEIGHT = Fraction(4, 5)
"""A level shown only by ticking steps as completed counts four fifths. Nothing checks a tick;
passing the skill check at that level (assessments) makes it count in full. Between half (a
bare claim) and full (a check), because a completed step is work the learner did and can show."""

Proficiency = Mapping[int, Fraction]

KIND_CEILING: Mapping[str, int] = {
    "read": 2,
    "course": 2,
    "exercise": 3,
    "project": 5,
    "assessment": 5,
}
"""The highest level a completed step of each kind proves (Pathwise's model). Reading about
RAG shows awareness and working knowledge (2, "Working"), not the ability to build it; practice
on a set exercise shows 3 ("Practitioner"); only a project or an assessment shows the step's
own level, up to 5."""


MODEL_NOTE = (
    "Pathwise's own model, not the source article's: the requirement matrix (skills, target "
    "levels 1-5 and weights), the level bands, what each kind of step proves (reading and "
    "courses up to 2, exercises up to 3, projects and assessments up to the step's level), "
    "completed steps counting four fifths until a skill check verifies the level, self-claims "
    "counting half, and skills fading after their review falls due (spaced review with FSRS), "
    "to no less than half."
)


def proven_level(kind: str, level: int) -> int:
    """The level a completed step of this kind proves for a skill it teaches at `level`."""
    return min(level, KIND_CEILING[kind])


@dataclass(frozen=True)
class Requirement:
    skill_id: int
    target: int
    weight: int


@dataclass(frozen=True)
class SkillLine:
    skill_id: int
    target: int
    weight: int
    current: Fraction
    earned: Fraction
    possible: Fraction


@dataclass(frozen=True)
class Readiness:
    score: Fraction | None
    breakdown: tuple[SkillLine, ...]

    @property
    def has_requirements(self) -> bool:
        return self.score is not None


@dataclass(frozen=True)
class CandidateStep:
    step_id: int
    minutes: int  # the whole unit's: the chain's and the step's
    skill_levels: Mapping[int, int]  # the levels the unit proves
    chain: tuple[int, ...] = ()  # steps to complete first, in order

    @property
    def first_step_id(self) -> int:
        return self.chain[0] if self.chain else self.step_id


@dataclass(frozen=True)
class NextStep:
    step_id: int
    gain: Fraction
    gain_per_hour: Fraction
    chain: tuple[int, ...] = ()


def proven_levels(taught: Iterable[tuple[str, int, int]]) -> dict[int, int]:
    """The level completing all these steps proves per skill, from (kind, skill, level)."""
    proven: dict[int, int] = {}
    for kind, skill, level in taught:
        proven[skill] = max(proven.get(skill, 0), proven_level(kind, level))
    return proven


@dataclass(frozen=True)
class SkillEvidence:
    """What a learner has shown of one skill (levels 0-5; 0 for none)."""

    completed: int = 0
    verified: int = 0
    claimed: int = 0
    retained_steps: int = RETAINED_STEPS  # the retained fraction, in twentieths


def skill_level(evidence: SkillEvidence) -> Fraction:
    """p_s (see the module docstring)."""
    held = max(Fraction(evidence.verified), UNVERIFIED_WEIGHT * evidence.completed)
    retained = held * Fraction(evidence.retained_steps, RETAINED_STEPS)
    return max(retained, SELF_CLAIM_DISCOUNT * evidence.claimed)


def proficiency(evidence: Mapping[int, SkillEvidence]) -> dict[int, Fraction]:
    """p_s per skill."""
    return {skill: skill_level(e) for skill, e in evidence.items()}


def readiness(requirements: Sequence[Requirement], levels: Proficiency) -> Readiness:
    total_weight = sum(r.weight for r in requirements)
    if not requirements or total_weight <= 0:
        return Readiness(score=None, breakdown=())
    lines = []
    for requirement in sorted(requirements, key=lambda r: r.skill_id):
        current = levels.get(requirement.skill_id, Fraction(0))
        possible = Fraction(100 * requirement.weight, total_weight)
        earned = possible * min(current, Fraction(requirement.target)) / requirement.target
        lines.append(
            SkillLine(
                skill_id=requirement.skill_id,
                target=requirement.target,
                weight=requirement.weight,
                current=current,
                earned=earned,
                possible=possible,
            )
        )
    return Readiness(
        score=sum((line.earned for line in lines), Fraction(0)), breakdown=tuple(lines)
    )


# --- The same figures for many learners at once (bulk recomputes) -------------------------------
# Proficiencies are multiples of 1/SCALE, so scaled by SCALE they are integers, and every
# figure above is an integer over an integer. Python's int / int is correctly rounded, as is
# float(Fraction), so these floats are exactly float() of readiness()'s fractions, at a
# fraction of the cost (no Fraction objects in the loop).
SCALE = math.lcm(SELF_CLAIM_DISCOUNT.denominator, UNVERIFIED_WEIGHT.denominator * RETAINED_STEPS)


def scaled_level(evidence: SkillEvidence) -> int:
    """skill_level() times SCALE, as an integer, without Fractions (the bulk recompute's
    inner loop)."""
    held = max(
        SCALE * evidence.verified,
        SCALE * UNVERIFIED_WEIGHT.numerator // UNVERIFIED_WEIGHT.denominator * evidence.completed,
    )
    claimed = SCALE * SELF_CLAIM_DISCOUNT.numerator // SELF_CLAIM_DISCOUNT.denominator
    return max(held * evidence.retained_steps // RETAINED_STEPS, claimed * evidence.claimed)


def scaled_proficiency(evidence: Mapping[int, SkillEvidence]) -> dict[int, int]:
    """proficiency() times SCALE, as integers."""
    return {skill: scaled_level(e) for skill, e in evidence.items()}


FloatLine = tuple[Requirement, float, float, float]  # requirement, current, earned, possible


class Scorer:
    """readiness() of one role and level, prepared once, as floats from scaled proficiencies."""

    def __init__(self, requirements: Sequence[Requirement]) -> None:
        self.requirements = sorted(requirements, key=lambda r: r.skill_id)
        self.skill_ids = tuple(r.skill_id for r in self.requirements)
        total = sum(r.weight for r in self.requirements)
        self.scored = bool(self.requirements) and total > 0
        # earned_s = 100 w_s min(P_s, SCALE t_s) / (SCALE t_s W): over a common denominator
        # the score is one integer division.
        common = math.lcm(*(SCALE * r.target for r in self.requirements)) if self.scored else 1
        self.denominator = common * total
        self.lines = [
            (r, SCALE * r.target, common // (SCALE * r.target), 100 * r.weight / total)
            for r in self.requirements
            if self.scored
        ]
        self.total = total

    def numerator(self, scaled: Mapping[int, int]) -> int:
        """The score times `denominator`: an exact integer."""
        return sum(
            100 * requirement.weight * min(scaled.get(requirement.skill_id, 0), full) * factor
            for requirement, full, factor, _ in self.lines
        )

    def score(self, scaled: Mapping[int, int]) -> tuple[float | None, list[FloatLine]]:
        if not self.scored:
            return None, []
        numerator, lines = 0, []
        for requirement, full, factor, possible in self.lines:
            level = scaled.get(requirement.skill_id, 0)
            earned = 100 * requirement.weight * min(level, full)
            numerator += earned * factor
            lines.append((requirement, level / SCALE, earned / (full * self.total), possible))
        return numerator / self.denominator, lines


def next_best_steps(
    requirements: Sequence[Requirement],
    levels: Proficiency,
    candidates: Iterable[CandidateStep],
    limit: int = 5,
    fading: Mapping[int, int] | None = None,
    lapsed: Collection[int] = (),
) -> list[NextStep]:
    """The candidate steps that add the most readiness per estimated hour, best first; steps
    that add nothing are left out. Completing a step raises each skill it proves to that level,
    unverified; except a fading skill (`fading`: skill -> the level a step must reach to refresh
    it), which a step below that level leaves as it is, and a lapsed one, which a step leaves
    at its floor (only a review refreshes it). Ties go to the
    larger gain, then the lower step id. Of units that start with the same step, only the best
    is kept.

    Exact, without a Fraction per skill and step: a gain is a difference of Scorer numerators
    (integers) over its denominator."""
    scorer = Scorer(requirements)
    if not scorer.scored:
        return []
    scaled = {skill: _scaled(level) for skill, level in levels.items()}
    now = scorer.numerator(scaled)
    ranked = []
    for step in candidates:
        raised = dict(scaled)
        for skill, level in step.skill_levels.items():
            if fading and level < fading.get(skill, 0):
                continue
            kept = RETAINED_FLOOR_STEPS if skill in lapsed else RETAINED_STEPS
            shown = scaled_level(SkillEvidence(completed=level, retained_steps=kept))
            raised[skill] = max(raised.get(skill, 0), shown)
        gain = scorer.numerator(raised) - now
        if gain > 0:
            per_hour = Fraction(gain * 60, max(step.minutes, 1) * scorer.denominator)
            ranked.append(
                (
                    step.first_step_id,
                    NextStep(
                        step.step_id, Fraction(gain, scorer.denominator), per_hour, step.chain
                    ),
                )
            )
    ranked.sort(key=lambda pair: (-pair[1].gain_per_hour, -pair[1].gain, pair[1].step_id))
    best: dict[int, NextStep] = {}
    for first, suggestion in ranked:
        best.setdefault(first, suggestion)
    return list(best.values())[:limit]


def _scaled(level: Fraction) -> int:
    scaled = level * SCALE
    if scaled.denominator != 1:
        raise ValueError(f"A proficiency is a multiple of 1/{SCALE}, not {level}.")
    return int(scaled)
