"""Which role a learner should target: the source's "Which should you target?" rule for their
background, weighed against how ready they already are for each role. Pure."""

from collections.abc import Sequence
from dataclasses import dataclass

READINESS_LEAD = 15.0
"""Points by which another role's readiness must lead the background's pick before the learner's
own progress outweighs the general rule for their background."""


@dataclass(frozen=True)
class BackgroundRule:
    name: str
    role_slug: str
    role_name: str
    rationale: str


@dataclass(frozen=True)
class RoleOption:
    slug: str
    name: str
    readiness: float | None  # None: no requirements at the level considered


@dataclass(frozen=True)
class Recommendation:
    role_slug: str | None
    role_name: str | None
    reasons: list[str]


def recommend(
    *, background: BackgroundRule | None, options: Sequence[RoleOption]
) -> Recommendation:
    by_slug = {option.slug: option for option in options}
    scored = [o for o in options if o.readiness is not None]
    best = max(scored, key=lambda o: (o.readiness, -options.index(o)), default=None)
    if background is None:
        if best is None or not best.readiness:
            return Recommendation(None, None, ["Tell us your background to get a recommendation."])
        return Recommendation(
            best.slug,
            best.name,
            [
                f"You are furthest along for {best.name} ({best.readiness:.0f}% ready).",
                "Tell us your background to weigh in where you come from.",
            ],
        )
    reasons = [f"From {background.name.lower()}: {background.rationale}"]
    pick = by_slug.get(background.role_slug)
    pick_readiness = pick.readiness if pick and pick.readiness is not None else 0.0
    leads = (
        best is not None
        and best.readiness is not None
        and best.slug != background.role_slug
        and best.readiness - pick_readiness >= READINESS_LEAD
    )
    if leads and best is not None:
        reasons.append(
            f"But you are already {best.readiness:.0f}% ready for {best.name}, against "
            f"{pick_readiness:.0f}% for {background.role_name}: "
            "your progress points there."
        )
        return Recommendation(best.slug, best.name, reasons)
    if pick is not None and pick.readiness is not None:
        reasons.append(f"You are {pick.readiness:.0f}% ready for {pick.name} so far.")
    return Recommendation(background.role_slug, background.role_name, reasons)
