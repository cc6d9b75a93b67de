"""Role catalogue pages: public; the recommendation needs a signed-in learner."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext

from careers.forms import QuizForm
from careers.quiz import Answers, quiz_result
from careers.selectors import (
    background_rule,
    backgrounds_list,
    catalogue_source,
    compare_columns,
    comparison_advice,
    frequent_questions,
    levels_list,
    quiz_options,
    role_matrix,
    roles_list,
    roles_with_details,
    skills_matrix,
)
from careers.signals import learner_page_context

DEFAULT_COMPARE = ("ml-engineer", "llm-engineer")


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
        raise Http404(gettext("No such role."))
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


def _compared_slugs(request: HttpRequest) -> list[str]:
    """?roles=a,b (links) or ?roles=a&roles=b (the page's form); the default pair otherwise."""
    asked = [s for value in request.GET.getlist("roles") for s in value.split(",") if s]
    return list(dict.fromkeys(asked)) or list(DEFAULT_COMPARE)


def compare(request: HttpRequest) -> HttpResponse:
    slugs = _compared_slugs(request)
    found = {role.slug: role for role in roles_with_details().filter(slug__in=slugs)}
    chosen = [found[s] for s in slugs if s in found]
    levels = levels_list()
    columns = compare_columns(roles=chosen, levels=levels)
    backgrounds = list(backgrounds_list())
    advice = comparison_advice(roles=chosen)
    recommended = {b.recommended_role_id for b in backgrounds}
    all_roles = list(roles_list())
    return render(
        request,
        "careers/compare.html",
        {
            "roles": chosen,
            "columns": columns,
            "skill_groups": skills_matrix(columns=columns),
            "matrix_span": 1 + len(levels) * len(columns),
            "salary_rows": [
                (level, [(column.role, column.levels[index]) for column in columns])
                for index, level in enumerate(levels)
            ],
            "all_roles": all_roles,
            "pickers": [chosen[i].slug if i < len(chosen) else "" for i in range(2)],
            "levels": levels,
            "faq": frequent_questions(),
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


def faq(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "careers/faq.html",
        {
            "faq": frequent_questions(),
            "backgrounds": backgrounds_list(),
            "source": catalogue_source(),
        },
    )


def role_quiz(request: HttpRequest) -> HttpResponse:
    """The "which role fits me?" quiz: unanswered, the questions; answered, the suggestion
    with its reasons (and the questions again, to change an answer); refused, 422."""
    backgrounds = list(backgrounds_list())
    answered = any(name in request.GET for name in ("background", "maths", "work", "experience"))
    form = QuizForm(request.GET if answered else None, backgrounds=backgrounds)
    result = None
    if form.is_bound and form.is_valid():
        result = quiz_result(
            answers=Answers(
                background=background_rule(form.background_chosen()),
                maths=form.cleaned_data["maths"],
                work=form.cleaned_data["work"],
                experience=form.cleaned_data["experience"],
            ),
            options=quiz_options(),
        )
    return render(
        request,
        "careers/quiz.html",
        {"form": form, "result": result, "source": catalogue_source() if result else None},
        status=422 if form.errors else 200,
    )
