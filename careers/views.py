"""Role catalogue pages: public; the recommendation needs a signed-in learner."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from careers.models import FrequentQuestion
from careers.selectors import (
    backgrounds_list,
    catalogue_source,
    comparison_advice,
    levels_list,
    role_matrix,
    roles_list,
    roles_with_details,
)
from careers.signals import learner_page_context


def _learner_context(request: HttpRequest) -> dict[str, Any]:
    """What the learner side adds for a signed-in learner (their recommendation): careers
    never imports it, it asks through a signal and merges the receivers' answers."""
    context: dict[str, Any] = {"recommendation": None}
    for _receiver, answer in learner_page_context.send(sender=None, request=request):
        if isinstance(answer, dict):
            context.update(answer)
    return context


def roles(request: HttpRequest) -> HttpResponse:
    listed = list(roles_list())
    return render(
        request,
        "careers/roles.html",
        {
            "roles": listed,
            "source": next((role.source for role in listed if role.source), None),
            **_learner_context(request),
        },
    )


def role_detail(request: HttpRequest, slug: str) -> HttpResponse:
    role = roles_with_details().filter(slug=slug).first()
    if role is None:
        raise Http404("No such role.")
    matrix = role_matrix(role=role, levels=levels_list())
    offered = [row.level for row in matrix if row.offered]
    return render(
        request,
        "careers/role.html",
        {
            "role": role,
            "matrix": matrix,
            # a role whose ladder starts above the first rung (AI Architect: senior)
            "first_rung": offered[0] if offered and offered[0] != matrix[0].level else None,
        },
    )


def compare(request: HttpRequest) -> HttpResponse:
    slugs = [s for s in request.GET.get("roles", "ml-engineer,llm-engineer").split(",") if s]
    found = {role.slug: role for role in roles_with_details().filter(slug__in=slugs)}
    chosen = [found[s] for s in dict.fromkeys(slugs) if s in found]
    backgrounds = list(backgrounds_list())
    advice = comparison_advice(roles=chosen)
    recommended = {b.recommended_role_id for b in backgrounds}
    return render(
        request,
        "careers/compare.html",
        {
            "roles": chosen,
            "all_roles": roles_list(),
            "levels": levels_list(),
            "faq": FrequentQuestion.objects.all(),
            **_learner_context(request),
            "backgrounds": backgrounds,
            # the source's advice by background is about choosing between the roles it
            # recommends (ML and LLM): shown when at least two of those are compared
            "show_backgrounds": len(recommended & {role.pk for role in chosen}) >= 2,
            "advice": advice,
            "several_pairs": len({(a.first_role_id, a.second_role_id) for a in advice}) > 1,
            "source": next((role.source for role in chosen if role.source), None)
            or catalogue_source(),
        },
    )
