"""Reads of the career catalogue."""

from careers.models import Role, Skill


def catalogue_summary() -> dict[str, int]:
    return {"roles": Role.objects.count(), "skills": Skill.objects.count()}
