"""The skill-check pages: what a check is and a Start button; the questions (no answer key in
the page before it is submitted); the result with the right answers and explanations. Plain
forms: no JavaScript needed."""

from typing import cast

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from assessments import selectors, services
from assessments.models import SkillCheck
from careers.models import PROFICIENCY_MAX, PROFICIENCY_MIN, Skill


def _learner(request: HttpRequest) -> AbstractBaseUser:
    return cast(AbstractBaseUser, request.user)  # behind login_required


@login_required
def check_start(request: HttpRequest, slug: str, level: int) -> HttpResponse:
    """GET: the rules and a Start button; POST: start (or reopen) the check."""
    skill = get_object_or_404(Skill, slug=slug)
    if not PROFICIENCY_MIN <= level <= PROFICIENCY_MAX:
        raise Http404("No such level.")
    error = None
    if request.method == "POST":
        try:
            check = services.skill_check_start(user=_learner(request), skill=skill, level=level)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            return redirect("skill-check", pk=check.pk)
    context = {
        "skill": skill,
        "level": level,
        "error": error,
        "questions": services.QUESTIONS_PER_CHECK,
        "pass_mark": round(services.PASS_MARK * services.QUESTIONS_PER_CHECK),
        "minutes": int(services.TIME_LIMIT.total_seconds() // 60),
    }
    return render(request, "assessments/start.html", context, status=422 if error else 200)


@login_required
def review_start(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: what a review is and a Start button; POST: start (or reopen) the review."""
    skill = get_object_or_404(Skill, slug=slug)
    error = None
    if request.method == "POST":
        try:
            review = services.review_start(user=_learner(request), skill=skill)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            return redirect("skill-check", pk=review.pk)
    context = {
        "skill": skill,
        "error": error,
        "questions": services.QUESTIONS_PER_REVIEW,
        "pass_mark": round(services.REVIEW_PASS_MARK * services.QUESTIONS_PER_REVIEW),
        "minutes": int(services.TIME_LIMIT.total_seconds() // 60),
    }
    return render(request, "assessments/review_start.html", context, status=422 if error else 200)


def _answers(request: HttpRequest, check: SkillCheck) -> dict[int, list[int]]:
    answers: dict[int, list[int]] = {}
    for item in check.items.all():
        values = request.POST.getlist(f"item-{item.pk}")
        answers[item.pk] = [int(v) for v in values if v.isascii() and v.isdigit()]
    return answers


@login_required
def check_page(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the open check's questions, or the result; POST: submit the answers (once)."""
    try:
        check = selectors.check_get(user=_learner(request), pk=pk)
    except SkillCheck.DoesNotExist as missing:
        raise Http404("No such check.") from missing
    error = None
    if request.method == "POST" and check.submitted_at is None:
        try:
            services.skill_check_submit(check=check, answers=_answers(request, check))
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            return redirect("skill-check", pk=pk)
        check = selectors.check_get(user=_learner(request), pk=pk)
    open_now = check.submitted_at is None and check.expires_at > timezone.now()
    return render(
        request,
        "assessments/check.html",
        {
            "check": check,
            "open": open_now,
            "error": error,
            "ran_out": check.submitted_at is not None and check.submitted_at > check.expires_at,
        },
        status=422 if error else 200,
    )
