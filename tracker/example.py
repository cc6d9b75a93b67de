"""The landing page's readiness preview: the example learner of careers/sample.py scored by the
real formula (tracker/readiness.py) against the real catalogue's requirements."""

from fractions import Fraction
from typing import Any

from careers import sample
from careers.selectors import requirements_at
from tracker import readiness


def example_readiness() -> dict[str, Any]:
    """The example's score and its skills that weigh most, the largest gap first among them."""
    required = requirements_at(role_slug=sample.ROLE, level_slug=sample.LEVEL)
    skills = {r.skill_id: r.skill for r in required}
    example = readiness.readiness(
        [readiness.Requirement(r.skill_id, r.target_level, r.weight) for r in required],
        {r.skill_id: Fraction(sample.LEVELS.get(r.skill.slug, 0)) for r in required},
    )
    lines = sorted(
        example.breakdown,
        key=lambda line: (-line.possible, line.earned - line.possible, skills[line.skill_id].name),
    )
    return {
        "role": required[0].role if required else None,
        "level": required[0].level if required else None,
        "score": None if example.score is None else float(example.score),
        "lines": [
            {
                "name": skills[line.skill_id].name,
                "target": line.target,
                "current": float(line.current),
                "earned": float(line.earned),
                "possible": float(line.possible),
            }
            for line in lines[: sample.SHOWN]
        ],
        "more": max(0, len(lines) - sample.SHOWN),
        "description": sample.DESCRIPTION,
    }
