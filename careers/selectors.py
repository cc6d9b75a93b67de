"""Reads of the career catalogue."""

from careers.models import Background, Role, Skill


def catalogue_summary() -> dict[str, int]:
    return {"roles": Role.objects.count(), "skills": Skill.objects.count()}


def background_get(*, slug: str) -> Background:
    return Background.objects.select_related("recommended_role").get(slug=slug)
