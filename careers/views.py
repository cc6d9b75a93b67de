"""Role catalogue pages: public; the recommendation needs a signed-in learner."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from careers.models import FrequentQuestion
from careers.recommend import Recommendation
from careers.selectors import (
    backgrounds_list,
    levels_list,
    role_matrix,
    roles_list,
    roles_with_details,
)
from tracker.selectors import recommendation_get


def _recommendation(request: HttpRequest) -> Recommendation | None:
    if not request.user.is_authenticated:
        return None
    return recommendation_get(user=request.user)


def roles(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "careers/roles.html",
        {"roles": roles_list(), "recommendation": _recommendation(request)},
    )


def role_detail(request: HttpRequest, slug: str) -> HttpResponse:
    role = roles_with_details().filter(slug=slug).first()
    if role is None:
        raise Http404("No such role.")
    return render(
        request,
        "careers/role.html",
        {"role": role, "matrix": role_matrix(role=role, levels=levels_list())},
    )


def compare(request: HttpRequest) -> HttpResponse:
    slugs = [s for s in request.GET.get("roles", "ml-engineer,llm-engineer").split(",") if s]
    found = {role.slug: role for role in roles_with_details().filter(slug__in=slugs)}
    chosen = [found[s] for s in dict.fromkeys(slugs) if s in found]
    return render(
        request,
        "careers/compare.html",
        {
            "roles": chosen,
            "all_roles": roles_list(),
            "levels": levels_list(),
            "faq": FrequentQuestion.objects.all(),
            "recommendation": _recommendation(request),
            "backgrounds": backgrounds_list(),
        },
    )
