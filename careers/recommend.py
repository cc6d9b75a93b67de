"""Which role a learner should target, from where they come from (the source's
"Which should you target?" section, stored as `Background` rows)."""

from dataclasses import dataclass

from careers.models import Background, Role


@dataclass(frozen=True)
class Recommendation:
    role: Role
    reasons: list[str]


def recommend_for_background(*, background: Background) -> Recommendation:
    return Recommendation(
        role=background.recommended_role,
        reasons=[f"From {background.name.lower()}: {background.rationale}"],
    )
