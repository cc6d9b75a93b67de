"""How much of a skill a learner retains, from FSRS's retrievability (the chance of recalling
it today). Pure: the readiness formula (tracker/readiness.py) and the memory states
(assessments/memory.py) both use it.

retained fraction r = R / FULL_RECALL, at most 1, at least RETAINED_FLOOR, rounded down to a
RETAINED_STEPS-th. Pathwise's model, documented in the README."""

import math

FULL_RECALL = 0.9
"""A skill counts in full while the chance of recalling it is at least this: FSRS's own
default retention, when a first review falls due."""

RETAINED_FLOOR_STEPS = 10
RETAINED_STEPS = 20
"""The retained fraction moves in twentieths, never below ten of them (a half): forgetting
details is not losing the skill, and a score changes only when decay is visible (so the daily
recompute rewrites only the learners for whom it is)."""


def retained_steps(retrievability: float) -> int:
    """The retained fraction in twentieths. Never increases as retrievability falls."""
    steps = math.floor(RETAINED_STEPS * retrievability / FULL_RECALL + 1e-9)
    return max(RETAINED_FLOOR_STEPS, min(RETAINED_STEPS, steps))
