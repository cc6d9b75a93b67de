"""Cohort members with known readiness, for the report and API tests."""

from datetime import UTC, datetime

from careers.models import Skill
from teams.models import Membership
from tests.factories import UserFactory
from tracker.models import ReadinessScore

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def member_scored(cohort, score: float, rag: float, evals: float, **membership) -> Membership:
    """A member whose stored readiness for the cohort's target is `score`, with RAG (target 4)
    and evaluation (target 2) at the given levels."""
    user = UserFactory.create()
    ReadinessScore.objects.create(
        user=user,
        role=cohort.target_role,
        level=cohort.target_level,
        score=score,
        computed_at=NOW,
        breakdown=[_line("rag", "RAG", 4, rag), _line("evals", "Evaluation", 2, evals)],
    )
    return Membership.objects.create(cohort=cohort, user=user, **membership)


def _line(slug: str, name: str, target: int, current: float) -> dict[str, object]:
    """A breakdown line as the recompute stores it (tracker/recompute.py)."""
    skill, _created = Skill.objects.get_or_create(
        slug=slug, defaults={"name": name, "category": Skill.Category.values[0]}
    )
    return {
        "skill_id": skill.pk,
        "skill": slug,
        "name": name,
        "target": target,
        "weight": 1,
        "current": current,
        "earned": min(current, target) / target,
        "possible": 1,
    }


def five_members(cohort) -> list[Membership]:
    """Five who do not share: scores 10, 35, 50, 75 and 90, one in each band."""
    return [
        member_scored(cohort, 10.0, 0.0, 0.5),
        member_scored(cohort, 35.0, 2.0, 1.0),
        member_scored(cohort, 50.0, 2.4, 2.0),
        member_scored(cohort, 75.0, 4.0, 1.5),
        member_scored(cohort, 90.0, 4.0, 2.0),
    ]


def ten_members(cohort) -> list[Membership]:
    """Ten who do not share: five at 30 (RAG 2, evaluation 1: half their targets), five at 70
    (both at target), so every count is 0 or at least five."""
    return [member_scored(cohort, 30.0, 2.0, 1.0) for _ in range(5)] + [
        member_scored(cohort, 70.0, 4.0, 2.0) for _ in range(5)
    ]
