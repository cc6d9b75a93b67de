"""Which role a learner should target: the source's "Which should you target?" rule for their
background, weighed against how ready they already are for each role. Pure.

A role whose ladder starts above the learner's level is never recommended: AI Architect has only
senior and staff/principal rungs (the source calls these "senior positions" that the ML and LLM
paths converge into), so a junior or mid learner is pointed at ML or LLM engineering instead."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext

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
    entry_rank: int | None = None
    """Rank of the role's lowest rung with requirements (careers.selectors.role_entry_ranks);
    None: the role starts at the bottom of the ladder."""


@dataclass(frozen=True)
class Recommendation:
    role_slug: str | None
    role_name: str | None
    reasons: list[str]


def reachable(options: Sequence[RoleOption], level_rank: int | None) -> list[RoleOption]:
    """The options whose ladder starts at or below the learner's level. `level_rank` is the rank
    of the learner's target level; None (no target yet) counts as the lowest rung any option
    starts at."""
    if level_rank is None:
        level_rank = min((o.entry_rank for o in options if o.entry_rank is not None), default=0)
    return [o for o in options if o.entry_rank is None or o.entry_rank <= level_rank]


def recommend(
    *,
    background: BackgroundRule | None,
    options: Sequence[RoleOption],
    level_rank: int | None = None,
) -> Recommendation:
    """`level_rank`: the rank of the learner's target level, None when they have none (then a
    role that starts above the first rung, like AI Architect, is never picked)."""
    above = {o.slug: o for o in options}
    options = reachable(options, level_rank)
    for option in options:
        above.pop(option.slug)
    by_slug = {option.slug: option for option in options}
    scored = [o for o in options if o.readiness is not None]
    best = max(scored, key=lambda o: (o.readiness, -options.index(o)), default=None)
    if background is None:
        if best is None or not best.readiness:
            return Recommendation(
                None, None, [gettext("Tell us your background to get a recommendation.")]
            )
        return Recommendation(
            best.slug,
            best.name,
            [
                _furthest(best),
                gettext("Tell us your background to weigh in where you come from."),
            ],
        )
    reasons = [
        gettext("From %(background)s: %(rationale)s")
        % {"background": background.name.lower(), "rationale": background.rationale}
    ]
    pick = by_slug.get(background.role_slug)
    if background.role_slug in above:
        # the background's role starts above the learner's level: their progress decides
        reasons.append(
            gettext("%(role)s starts at a more senior level than yours.")
            % {"role": background.role_name}
        )
        if best is None or not best.readiness:
            return Recommendation(None, None, reasons)
        reasons.append(_furthest(best))
        return Recommendation(best.slug, best.name, reasons)
    pick_readiness = pick.readiness if pick and pick.readiness is not None else 0.0
    leads = (
        best is not None
        and best.readiness is not None
        and best.slug != background.role_slug
        and best.readiness - pick_readiness >= READINESS_LEAD
    )
    if leads and best is not None:
        reasons.append(
            gettext(
                "But you are already %(best)s%% ready for %(best_role)s, against %(pick)s%% for "
                "%(pick_role)s: your progress points there."
            )
            % {
                "best": f"{best.readiness:.0f}",
                "best_role": best.name,
                "pick": f"{pick_readiness:.0f}",
                "pick_role": background.role_name,
            }
        )
        return Recommendation(best.slug, best.name, reasons)
    if pick is not None and pick.readiness is not None:
        reasons.append(
            gettext("You are %(readiness)s%% ready for %(role)s so far.")
            % {"readiness": f"{pick.readiness:.0f}", "role": pick.name}
        )
    return Recommendation(background.role_slug, background.role_name, reasons)


def _furthest(best: RoleOption) -> str:
    return gettext("You are furthest along for %(role)s (%(readiness)s%% ready).") % {
        "role": best.name,
        "readiness": f"{best.readiness or 0:.0f}",
    }
