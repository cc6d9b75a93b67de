"""Reads of the career catalogue."""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from careers.models import Background, Role, RoleRequirement, SalaryBand, SeniorityLevel, Skill


def catalogue_summary() -> dict[str, int]:
    return {"roles": Role.objects.count(), "skills": Skill.objects.count()}


def roles_list() -> QuerySet[Role]:
    return Role.objects.order_by("position", "name")


def roles_with_details() -> QuerySet[Role]:
    """Roles with their toolchain, requirements (with skill and level) and salary bands."""
    return roles_list().prefetch_related(
        "tools",
        Prefetch(
            "requirements",
            queryset=RoleRequirement.objects.select_related("skill", "level").order_by(
                "level__rank", "-weight", "skill__name"
            ),
        ),
        Prefetch(
            "salary_bands",
            queryset=SalaryBand.objects.select_related("level").order_by("level__rank", "min_gbp"),
        ),
    )


def levels_list() -> list[SeniorityLevel]:
    return list(SeniorityLevel.objects.order_by("rank"))


def backgrounds_list() -> QuerySet[Background]:
    return Background.objects.select_related("recommended_role").order_by("position")


@dataclass(frozen=True)
class RoleLevel:
    level: SeniorityLevel
    requirements: list[RoleRequirement]
    salary_bands: list[SalaryBand]  # empty: the source gives no figure ("no data")


def role_matrix(*, role: Role, levels: list[SeniorityLevel]) -> list[RoleLevel]:
    """Per level, what the role requires and pays; `role` comes from roles_with_details()."""
    return [
        RoleLevel(
            level=level,
            requirements=[r for r in role.requirements.all() if r.level_id == level.pk],
            salary_bands=[b for b in role.salary_bands.all() if b.level_id == level.pk],
        )
        for level in levels
    ]
