"""The "which role fits me?" quiz: four questions, answered by a role and the reasons for it.
Pure: the view passes the catalogue's roles and backgrounds in.

This is Pathwise's own suggestion, drawing on the source article's advice, and every reason
says which it is:

- Background (the source's "Which should you target?"): the role the source recommends for it
  scores BACKGROUND points; careers.recommend.recommend gives the reason, in the source's words.
- Mathematics (the source): strong mathematics or statistics "plays to" ML engineering's
  strengths, and with limited ML mathematics LLM engineering is "the more accessible entry
  point": MATHS points to that role; "some" tips neither way.
- The work that appeals (Pathwise's reading of the source's role descriptions): training and
  improving models -> ML Engineer, building products on pre-trained models -> LLM Engineer,
  the whole system -> AI Architect / AI Platform Engineer. WORK points.
- Experience: the rank of the level it corresponds to (under 2 years junior, 2-5 mid, more
  senior). A role whose ladder starts above it (AI Architect starts at senior; the source calls
  it a senior position both paths converge into) is never suggested (careers.recommend.reachable);
  a senior who wants the whole system gets SENIOR_SYSTEMS more points for it.

The highest total wins; a tie goes to the background's role, then to catalogue order.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from careers.recommend import BackgroundRule, RoleOption, reachable, recommend

ML = "ml-engineer"
LLM = "llm-engineer"
ARCHITECT = "ai-architect"

BACKGROUND = 3
MATHS = 2
WORK = 2
SENIOR_SYSTEMS = 2

OTHER_BACKGROUND = "other"

MATHS_CHOICES = (
    ("little", _("Not much beyond school maths")),
    ("some", _("Some: I can follow the maths in a tutorial, with effort")),
    (
        "strong",
        _("Strong: statistics, linear algebra or optimisation are part of my work or degree"),
    ),
)
WORK_CHOICES = (
    (
        "products",
        _("Building product features on top of existing models: APIs, prompts, retrieval"),
    ),
    ("models", _("Training and improving models: data, experiments, architectures")),
    ("systems", _("Designing how the whole system fits together, from data to product")),
)
EXPERIENCE_CHOICES = (
    ("new", _("Under 2 years")),
    ("some", _("2 to 5 years")),
    ("senior", _("More than 5 years, leading work")),
)
EXPERIENCE_RANK = {"new": 1, "some": 2, "senior": 3}
"""The seniority rank each answer corresponds to (careers SeniorityLevel.rank)."""

MATHS_ROLE = {"strong": ML, "little": LLM}
WORK_ROLE = {"models": ML, "products": LLM, "systems": ARCHITECT}

SOURCE = "source"  # careers.models.Provenance values
PATHWISE = "pathwise"


@dataclass(frozen=True)
class Answers:
    background: BackgroundRule | None  # None: "something else"
    maths: str
    work: str
    experience: str


@dataclass(frozen=True)
class Reason:
    text: str
    origin: str  # SOURCE or PATHWISE


@dataclass(frozen=True)
class Score:
    slug: str
    name: str
    points: int


@dataclass(frozen=True)
class QuizResult:
    role_slug: str
    role_name: str
    reasons: list[Reason]
    scores: list[Score]  # every role the learner can reach now, highest first
    runner_up: Score | None  # within one point of the winner: a close call

    @property
    def close_call(self) -> bool:
        return self.runner_up is not None


def quiz_result(*, answers: Answers, options: Sequence[RoleOption]) -> QuizResult:
    """`options`: the catalogue's roles in catalogue order (readiness None: the quiz knows no
    progress), with their entry ranks."""
    rank = EXPERIENCE_RANK[answers.experience]
    open_now = reachable(options, rank)
    points = {option.slug: 0 for option in open_now}
    names = {option.slug: option.name for option in options}
    reasons: list[Reason] = []

    background = answers.background
    if background is not None:
        advice = recommend(background=background, options=open_now, level_rank=rank)
        reasons.extend(Reason(text, SOURCE) for text in advice.reasons)
        if advice.role_slug in points:
            points[advice.role_slug] += BACKGROUND
    else:
        reasons.append(
            Reason(
                gettext(
                    "The source's advice is by background, so it has none for yours: "
                    "your other answers decide."
                ),
                PATHWISE,
            )
        )

    maths_role = MATHS_ROLE.get(answers.maths)
    if maths_role in points:
        points[maths_role] += MATHS
        if maths_role == ML:
            text = gettext(
                "The source says a strong mathematics or statistics background plays to ML "
                "engineering's strengths: harder to access, with a higher career ceiling."
            )
        else:
            text = gettext(
                "The source calls LLM engineering the more accessible entry point when your ML "
                "mathematics is limited: the LLM-specific knowledge is quicker to build than a "
                "deep mathematics foundation."
            )
        reasons.append(Reason(text, SOURCE))
    else:
        reasons.append(
            Reason(gettext("Some mathematics suits either role: it tips neither way."), PATHWISE)
        )

    work_role = WORK_ROLE[answers.work]
    if work_role in points:
        points[work_role] += WORK
        if work_role == ARCHITECT:
            points[work_role] += SENIOR_SYSTEMS
            text = gettext(
                "You want to design the whole system and have the experience for it: the source "
                "describes AI architecture and AI platform roles as senior positions that need "
                "the full AI stack, which both the ML and the LLM path lead into."
            )
        else:
            text = gettext(
                "The work you prefer is the core of %(role)s as the source describes it."
            ) % {"role": names[work_role]}
        reasons.append(Reason(text, PATHWISE))
    elif work_role in names:
        reasons.append(
            Reason(
                gettext(
                    "%(role)s is a senior destination, reached from the senior end of the ML "
                    "or the LLM path: start with one of those."
                )
                % {"role": names[work_role]},
                PATHWISE,
            )
        )

    order = {option.slug: index for index, option in enumerate(open_now)}
    pick = background.role_slug if background is not None else None
    scores = sorted(
        (Score(slug, names[slug], total) for slug, total in points.items()),
        key=lambda s: (-s.points, s.slug != pick, order[s.slug]),
    )
    winner = scores[0]
    runner_up = scores[1] if len(scores) > 1 and winner.points - scores[1].points <= 1 else None
    reasons.append(
        Reason(
            gettext("Pathwise's tally of your answers: %(tally)s.")
            % {"tally": ", ".join(f"{s.name} {s.points}" for s in scores)},
            PATHWISE,
        )
    )
    return QuizResult(
        role_slug=winner.slug,
        role_name=winner.name,
        reasons=reasons,
        scores=scores,
        runner_up=runner_up,
    )
