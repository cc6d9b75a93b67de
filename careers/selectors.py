"""Reads of the career catalogue."""

from dataclasses import dataclass
from itertools import combinations

from django.db.models import Min, Prefetch, Q, QuerySet

from careers.models import (
    Background,
    CatalogueSource,
    ComparisonAdvice,
    FrequentQuestion,
    Role,
    RoleRequirement,
    SalaryBand,
    SeniorityLevel,
    Skill,
)
from careers.recommend import BackgroundRule, RoleOption


def catalogue_summary() -> dict[str, int]:
    return {"roles": Role.objects.count(), "skills": Skill.objects.count()}


def roles_list() -> QuerySet[Role]:
    """Roles in catalogue order, with the source they are written from."""
    return Role.objects.select_related("source").order_by("position", "name")


def catalogue_source() -> CatalogueSource | None:
    """The source the catalogue is written from (there is one today)."""
    return CatalogueSource.objects.order_by("slug").first()


def role_entry_ranks() -> dict[str, int]:
    """Per role slug, the rank of the lowest rung it has requirements at: 3 (senior) for AI
    Architect. For careers.recommend (RoleOption.entry_rank)."""
    return dict(
        RoleRequirement.objects.values_list("role__slug")
        .annotate(rank=Min("level__rank"))
        .order_by()
    )


def comparison_advice(*, roles: list[Role]) -> list[ComparisonAdvice]:
    """The "Which should you target?" advice for every pair among `roles`, pair by pair in the
    order the roles are given, each pair's items in order."""
    pairs = [tuple(sorted(pair, key=lambda role: role.slug)) for pair in combinations(roles, 2)]
    if not pairs:
        return []
    condition = Q()
    for first, second in pairs:
        condition |= Q(first_role=first, second_role=second)
    rows = list(
        ComparisonAdvice.objects.filter(condition)
        .select_related("first_role", "second_role")
        .order_by("position")
    )
    order = {(first.pk, second.pk): index for index, (first, second) in enumerate(pairs)}
    return sorted(rows, key=lambda a: (order[(a.first_role_id, a.second_role_id)], a.position))


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

    @property
    def offered(self) -> bool:
        """False: the role has no such rung (AI Architect below senior)."""
        return bool(self.requirements)


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


def frequent_questions() -> QuerySet[FrequentQuestion]:
    return FrequentQuestion.objects.order_by("position")


# --- Roles side by side --------------------------------------------------------------------


@dataclass(frozen=True)
class SkillRow:
    """One skill across the compared roles: per role, per level, its target level (None: not
    required there) and whether the role has that rung at all."""

    skill: Skill
    cells: list[list[tuple[int | None, bool]]]  # [role][level] -> (target, rung offered)
    shared: bool  # every compared role requires it at some level


@dataclass(frozen=True)
class SkillGroup:
    category: str  # Skill.Category label
    rows: list[SkillRow]


@dataclass(frozen=True)
class RoleColumns:
    role: Role
    levels: list[RoleLevel]  # role_matrix(): requirements and salary bands per level


def compare_columns(*, roles: list[Role], levels: list[SeniorityLevel]) -> list[RoleColumns]:
    """Per compared role (from roles_with_details()), its rungs in ladder order."""
    return [RoleColumns(role=role, levels=role_matrix(role=role, levels=levels)) for role in roles]


def skills_matrix(*, columns: list[RoleColumns]) -> list[SkillGroup]:
    """The skills x levels matrix across the compared roles, one row per skill any of them
    requires, grouped by category in the catalogue's category order, by name within one."""
    targets: list[list[dict[int, int]]] = [
        [{r.skill_id: r.target_level for r in rung.requirements} for rung in column.levels]
        for column in columns
    ]
    skills: dict[int, Skill] = {}
    for column in columns:
        for rung in column.levels:
            for requirement in rung.requirements:
                skills.setdefault(requirement.skill_id, requirement.skill)
    order = {value: index for index, value in enumerate(Skill.Category.values)}
    groups: dict[str, list[SkillRow]] = {}
    for skill in sorted(skills.values(), key=lambda s: (order.get(s.category, 99), s.name)):
        cells = [
            [
                (by_level.get(skill.pk), rung.offered)
                for by_level, rung in zip(per_role, column.levels, strict=True)
            ]
            for per_role, column in zip(targets, columns, strict=True)
        ]
        shared = all(any(target is not None for target, _ in role_cells) for role_cells in cells)
        groups.setdefault(skill.get_category_display(), []).append(
            SkillRow(skill=skill, cells=cells, shared=shared)
        )
    return [SkillGroup(category=category, rows=rows) for category, rows in groups.items()]


def requirements_at(*, role_slug: str, level_slug: str) -> list[RoleRequirement]:
    """One rung's requirements with their skills (the landing page's example)."""
    return list(
        RoleRequirement.objects.filter(role__slug=role_slug, level__slug=level_slug)
        .select_related("skill", "role", "level")
        .order_by("skill__name")
    )


def background_rule(background: Background | None) -> BackgroundRule | None:
    """What the source advises for a background (with its role loaded), as the quiz reads it."""
    if background is None:
        return None
    return BackgroundRule(
        name=background.name,
        role_slug=background.recommended_role.slug,
        role_name=background.recommended_role.name,
        rationale=background.rationale,
    )


def quiz_options() -> list[RoleOption]:
    """The roles the quiz may suggest: those with requirements, with the rank they start at."""
    ranks = role_entry_ranks()
    return [
        RoleOption(slug=role.slug, name=role.name, readiness=None, entry_rank=ranks.get(role.slug))
        for role in roles_list()
        if role.slug in ranks  # a role with no requirements has no ladder to enter
    ]
