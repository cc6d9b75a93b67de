"""The assignments card on the learner's dashboard (tracker's page, which never imports teams:
the template loads this library)."""

from typing import Any

from django import template

from teams.selectors import assignments_of

register = template.Library()


@register.inclusion_tag("teams/_assignments_card.html", takes_context=True)
def assignments_card(context: dict[str, Any]) -> dict[str, Any]:
    return {"assignments": assignments_of(user=context["request"].user)}
