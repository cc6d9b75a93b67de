"""The published paths' list. A path's own page, which shows what finishing it gives and the
learner's enrolment, and enrolling, are the learner side's (tracker/views.py)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from careers.models import Role, SeniorityLevel, Skill
from paths.api.views import PathFilter
from paths.selectors import published_paths


def paths(request: HttpRequest) -> HttpResponse:
    filtered = PathFilter(request.GET, queryset=published_paths())
    return render(
        request,
        "paths/paths.html",
        {
            "paths": filtered.qs,
            "filters": request.GET,
            "roles": Role.objects.order_by("position"),
            "levels": SeniorityLevel.objects.order_by("rank"),
            "skills": Skill.objects.order_by("name"),
        },
    )
