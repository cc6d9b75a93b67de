"""The signed-in dashboard pages. Reads go through selectors, writes through services; a
service's ValidationError comes back as a form error. The progress form works with htmx (the
step list is swapped in place) and without JavaScript (a normal POST and redirect)."""

import json
from typing import Any

from allauth.account import views as allauth_views
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails

from careers.models import Role, SeniorityLevel
from paths.selectors import published_paths, published_paths_with_steps
from tracker import selectors, services, targets
from tracker.export import learner_export
from tracker.forms import DeleteAccountForm, EnrolmentChangeForm, ProfileForm, ProgressForm
from tracker.models import Enrolment, User
from tracker.password_check import TooManyAttempts, password_confirmed
from tracker.reminders import Kind, reminder_unsubscribe, unsubscribe_read


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _own_enrolment(request: HttpRequest, pk: int) -> Enrolment:
    """The learner's enrolment; 404 for another learner's, as for a missing one."""
    enrolment = Enrolment.objects.filter(user=_user(request), pk=pk).select_related("path").first()
    if enrolment is None:
        raise Http404("No such enrolment.")
    return enrolment


def _form_error(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


def landing(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "tracker/landing.html")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    data = selectors.dashboard_get(user=_user(request))
    levels = [(day, minutes, min(4, (minutes + 29) // 30)) for day, minutes in data.calendar]
    return render(request, "tracker/dashboard.html", {"d": data, "heatmap": levels})


def _enrolment_page(
    request: HtmxHttpRequest, pk: int, form: ProgressForm | None = None, refused: bool = False
) -> HttpResponse:
    """The page; 422 when it shows a refused form (its errors, or a refused status change)."""
    try:
        detail = selectors.enrolment_detail_get(user=_user(request), enrolment_id=pk)
    except Enrolment.DoesNotExist as missing:
        raise Http404("No such enrolment.") from missing
    # The step asked for (a next best step's link), else the first one not completed.
    asked = request.GET.get("step", "")
    next_step = next(
        (s.step for s in detail.steps if str(s.step.pk) == asked),
        next((s.step for s in detail.steps if s.status != "completed"), None),
    )
    form = form or ProgressForm(
        steps=detail.enrolment.path.steps.order_by("position"),
        initial={"step": next_step, "minutes": 30},
    )
    context = {
        "detail": detail,
        "form": form,
        "target_form": EnrolmentChangeForm(initial={"target_date": detail.enrolment.target_date}),
    }
    template = "tracker/_steps.html" if request.htmx else "tracker/enrolment.html"
    return render(request, template, context, status=422 if form.errors or refused else 200)


def path_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A published path: its steps, what finishing it gives for its role and level (and
    what it leaves out), and the learner's open enrolment on it, if any."""
    path = get_object_or_404(published_paths_with_steps(), slug=slug)
    enrolment = (
        selectors.open_enrolment_get(user=_user(request), path=path)
        if request.user.is_authenticated
        else None
    )
    coverage = selectors.path_coverage_get(path=path)
    return render(
        request, "paths/path.html", {"path": path, "coverage": coverage, "enrolment": enrolment}
    )


@login_required
@require_POST
def enrol(request: HttpRequest, slug: str) -> HttpResponse:
    """Enrol on a published path; with `step`, the enrolment page opens with it selected."""
    path = get_object_or_404(published_paths(), slug=slug)
    try:
        enrolment = services.enrolment_create(user=_user(request), path=path)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("path", slug=slug)
    messages.success(request, f"You are enrolled on {path.title}.")
    return _to_step(enrolment.pk, request.POST.get("step"))


def _to_step(enrolment_id: int, step: str | None) -> HttpResponse:
    url = reverse("enrolment", args=[enrolment_id])
    return redirect(f"{url}?step={step}#log" if step and step.isdigit() else url)


@login_required
def enrolment(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _enrolment_page(request, pk)


@login_required
@require_POST
def log_progress(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    owned = _own_enrolment(request, pk)
    form = ProgressForm(request.POST, steps=owned.path.steps.order_by("position"))
    if form.is_valid():
        try:
            services.progress_log(enrolment=owned, **form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
    if form.errors:
        return _enrolment_page(request, pk, form)
    messages.success(request, f"Logged {form.cleaned_data['minutes']} minutes.")
    if request.htmx:
        return _enrolment_page(request, pk)
    return redirect("enrolment", pk=pk)


@login_required
@require_POST
def enrolment_status(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    owned = _own_enrolment(request, pk)
    form = EnrolmentChangeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.error_text())
        services.enrolment_update(enrolment=owned, **form.changes())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _enrolment_page(request, pk, refused=True)
    messages.success(request, form.saved_text())
    return redirect("enrolment", pk=pk)


@login_required
def readiness(request: HttpRequest) -> HttpResponse:
    try:
        page = selectors.readiness_page_get(
            user=_user(request),
            role_slug=request.GET.get("role"),
            level_slug=request.GET.get("level"),
        )
    except targets.UnknownTarget as unknown:  # as the API answers: 404, naming which
        raise Http404(str(unknown)) from unknown
    return render(
        request,
        "tracker/readiness.html",
        {
            "page": page,
            "roles": Role.objects.order_by("position"),
            "levels": SeniorityLevel.objects.order_by("rank"),
        },
    )


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    profile = selectors.profile_get(user=_user(request))
    # An empty POST is still a POST: bound, so it is refused, not shown as the blank page.
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=profile)
    if request.method == "POST" and form.is_valid():
        try:
            services.learner_profile_update(user=_user(request), **form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, "Settings saved.")
            return redirect("settings")
    return render(
        request,
        "tracker/settings.html",
        {"form": form, "delete_form": DeleteAccountForm()},
        status=422 if form.errors else 200,
    )


@login_required
def export_download(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        json.dumps(learner_export(user=_user(request)), cls=DjangoJSONEncoder, indent=2),
        content_type="application/json",
    )
    response["Content-Disposition"] = 'attachment; filename="pathwise-export.json"'
    return response


@login_required
@require_POST
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST)
    user = _user(request)
    status = 422
    if form.is_valid():
        try:
            confirmed = password_confirmed(user=user, password=form.cleaned_data["password"])
        except TooManyAttempts as error:
            form.add_error("password", f"{error} Nothing was deleted.")
            status = 429
        else:
            if confirmed:
                services.user_delete(user=user)
                logout(request)
                messages.success(request, "Your account and all its data are deleted.")
                return redirect("landing")
            form.add_error("password", "The password is not right; nothing was deleted.")
    return render(
        request,
        "tracker/settings.html",
        {"form": ProfileForm(instance=selectors.profile_get(user=user)), "delete_form": form},
        status=status,
    )


# The signed token is the credential, and mail clients POST here without a CSRF token
# (RFC 8058 one-click unsubscribe), so CSRF protection does not apply.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a one-button page (link scanners must not unsubscribe anyone); POST, from that
    button or from the mail client's List-Unsubscribe-Post, turns the reminder kind off."""
    try:
        _, kind = unsubscribe_read(token)
    except signing.BadSignature:
        return render(request, "tracker/unsubscribe.html", {"invalid": True}, status=400)
    label = Kind(kind).label.lower()
    if request.method == "POST":
        reminder_unsubscribe(token=token)
        return render(request, "tracker/unsubscribe.html", {"done": True, "label": label})
    return render(request, "tracker/unsubscribe.html", {"label": label})


class SignupView(allauth_views.SignupView):
    """allauth's sign-up, answering an invalid form with 422 like every form of ours."""

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 422
        return response
