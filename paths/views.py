"""Learning path pages: the published catalogue, and enrolling."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from careers.models import Role, SeniorityLevel, Skill
from paths.api.views import PathFilter
from paths.selectors import published_paths, published_paths_with_steps
from tracker.services import enrolment_create


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


def path_detail(request: HttpRequest, slug: str) -> HttpResponse:
    path = get_object_or_404(published_paths_with_steps(), slug=slug)
    return render(request, "paths/path.html", {"path": path})


@login_required
@require_POST
def enrol(request: HttpRequest, slug: str) -> HttpResponse:
    path = get_object_or_404(published_paths(), slug=slug)
    try:
        enrolment = enrolment_create(user=request.user, path=path)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("path", slug=slug)
    messages.success(request, f"You are enrolled on {path.title}.")
    return redirect("enrolment", pk=enrolment.pk)
