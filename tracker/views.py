"""The signed-in dashboard pages. Reads go through selectors, writes through services; a
service's ValidationError comes back as a form error. The progress form works with htmx (the
step list is swapped in place) and without JavaScript (a normal POST and redirect)."""

import json
from typing import Any
from uuid import UUID

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
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.middleware import HtmxDetails

from careers.forms import QuizForm
from careers.selectors import backgrounds_list, levels_list, roles_list
from paths.selectors import published_paths, published_paths_with_steps
from tracker import (
    calendar_feed,
    pace,
    plans,
    progress_feedback,
    reviews,
    selectors,
    services,
    streaks,
    targets,
)
from tracker.example import example_readiness
from tracker.export import learner_export
from tracker.form_fields import timezone_choices
from tracker.forms import (
    DeleteAccountForm,
    EnrolmentChangeForm,
    PlanForm,
    ProfileForm,
    ProgressForm,
)
from tracker.models import Enrolment
from tracker.password_check import TooManyAttempts, password_confirmed
from tracker.reminders import Kind, reminder_unsubscribe, unsubscribe_read
from tracker.web import form_error_show, request_user


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _own_enrolment(request: HttpRequest, pk: int) -> Enrolment:
    """The learner's enrolment; 404 for another learner's, as for a missing one."""
    enrolment = (
        Enrolment.objects.filter(user=request_user(request), pk=pk).select_related("path").first()
    )
    if enrolment is None:
        raise Http404("No such enrolment.")
    return enrolment


def landing(request: HttpRequest) -> HttpResponse:
    """Signed out: what Pathwise does, an example readiness breakdown and the role quiz."""
    if request.user.is_authenticated:
        return redirect("dashboard")
    quiz_form = QuizForm(backgrounds=list(backgrounds_list()))
    return render(
        request,
        "tracker/landing.html",
        {"example": example_readiness(), "quiz_form": quiz_form},
    )


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Readiness first, then this week's goal and the streak, the learner's paths, next best
    steps and the year's heatmap; a learner with nothing yet gets one "start here" card."""
    data = selectors.dashboard_get(user=request_user(request))
    if data.profile.onboarded_at is None and not request.user.is_staff:
        return redirect("onboarding")
    week_ago = selectors.target_score_week_ago(profile=data.profile, today=data.today)
    score = data.target_score.score if data.target_score else None
    heatmap = streaks.heatmap(data.calendar, data.today)
    reviews_due = reviews.reviews_due(
        user=data.profile.user, at=timezone.now(), desired_retention=data.profile.desired_retention
    )
    context = {
        "d": data,
        "heatmap": heatmap,
        "ring": pace.WeeklyRing(data.minutes_this_week, data.profile.weekly_goal_minutes),
        "week_change": None if score is None or week_ago is None else round(score - week_ago),
        "start_here": not data.enrolments and heatmap.active_days == 0 and not reviews_due,
        "first_step": data.next_steps[0] if data.next_steps else None,
        "reviews_due": reviews_due,
        "plan": None
        if data.profile.onboarded_at is None
        else plans.plan_get(user=data.profile.user, minutes_this_week=data.minutes_this_week),
    }
    return render(request, "tracker/dashboard.html", context)


UNDO_KEY = "withdrawal_undo"  # session: the enrolment withdrawn last, and its status before


def _undo_status(request: HttpRequest, enrolment: Enrolment) -> str | None:
    """The status an "Undo" on this withdrawn enrolment's page restores, while it can."""
    kept = request.session.get(UNDO_KEY) or {}
    if (
        enrolment.status != Enrolment.Status.WITHDRAWN
        or kept.get("enrolment") != enrolment.pk
        or enrolment.updated_at < timezone.now() - services.WITHDRAW_UNDO_WINDOW
    ):
        return None
    status = kept.get("status")
    return status if status in Enrolment.OPEN_STATUSES else Enrolment.Status.ACTIVE


def _enrolment_page(
    request: HtmxHttpRequest,
    pk: int,
    form: ProgressForm | None = None,
    refused: bool = False,
    feedback: progress_feedback.LogFeedback | None = None,
    detail: selectors.EnrolmentDetail | None = None,
) -> HttpResponse:
    """The page; 422 when it shows a refused form (its errors, or a refused status change).
    To htmx's log requests: the log card, with the steps list and the live region swapped
    out of band. `detail`, when the caller has just read it, is not read again."""
    if detail is None:
        try:
            detail = selectors.enrolment_detail_get(user=request_user(request), enrolment_id=pk)
        except Enrolment.DoesNotExist as missing:
            raise Http404("No such enrolment.") from missing
    if feedback is None and request.method == "GET":
        feedback = progress_feedback.LogFeedback.from_session(
            request.session.pop(progress_feedback.SESSION_KEY, None), pk
        )
    # The step asked for (a next best step's link), else the first one not completed.
    asked = request.GET.get("step", "")
    next_step = next(
        (s.step for s in detail.steps if str(s.step.pk) == asked),
        next((s.step for s in detail.steps if s.status != "completed" and s.ready), None),
    )
    form = form or ProgressForm(
        steps=detail.enrolment.path.steps.order_by("position"),
        initial={"step": next_step, "minutes": 30},
    )
    context = {
        "detail": detail,
        "form": form,
        "feedback": feedback,
        "undo_status": _undo_status(request, detail.enrolment),
        "undo_minutes": services.WITHDRAW_UNDO_MINUTES,
        "target_form": EnrolmentChangeForm(initial={"target_date": detail.enrolment.target_date}),
    }
    partial = request.htmx and request.method == "POST"
    template = "tracker/_log_response.html" if partial else "tracker/enrolment.html"
    return render(request, template, context, status=422 if form.errors or refused else 200)


def path_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A published path: its steps, what finishing it gives for its role and level (and
    what it leaves out), and the learner's enrolment on it, if any: "Continue" with their
    progress when it is open, "Enrol again" (their completed steps kept) after withdrawing."""
    path = get_object_or_404(published_paths_with_steps(), slug=slug)
    mine = (
        selectors.path_enrolment_get(user=request_user(request), path=path)
        if request.user.is_authenticated
        else None
    )
    coverage = selectors.path_coverage_get(path=path)
    return render(
        request,
        "paths/path.html",
        {
            "path": path,
            "coverage": coverage,
            "mine": mine,
            "enrolment": mine.enrolment if mine and mine.is_open else None,
        },
    )


@login_required
@require_POST
def enrol(request: HttpRequest, slug: str) -> HttpResponse:
    """Enrol on a published path (again after withdrawing: the enrolment reopens, its
    completed steps kept); with `step`, the enrolment page opens with it selected. Already
    enrolled: on to the enrolment, never an error."""
    path = get_object_or_404(published_paths(), slug=slug)
    user = request_user(request)
    current = selectors.open_enrolment_get(user=user, path=path)
    if current is not None:
        messages.info(request, gettext("You are already enrolled on this path: carry on."))
        return _to_step(current.pk, request.POST.get("step"))
    try:
        enrolment = services.enrolment_create(user=user, path=path)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("path", slug=slug)
    messages.success(request, gettext("You are enrolled on %(path)s.") % {"path": path.title})
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
    """Log time on a step (the form, or a step's one-tap "done" with `tap`). The result,
    with the path's progress and the readiness change, goes next to the button: in the
    htmx response, or, without JavaScript, on the page the POST redirects to."""
    owned = _own_enrolment(request, pk)
    user = request_user(request)
    form = ProgressForm(request.POST, steps=owned.path.steps.order_by("position"))
    before = after = None
    target = selectors.log_target_get(user=user, path=owned.path)
    if form.is_valid():
        before = selectors.readiness_now(user=user, target=target)
        try:
            services.progress_log(enrolment=owned, **form.cleaned_data)
        except ValidationError as error:
            form_error_show(form, error)
        else:
            after = selectors.readiness_now(user=user, target=target)
    if form.errors:
        return _enrolment_page(request, pk, form)
    detail = selectors.enrolment_detail_get(user=user, enrolment_id=pk)
    step = form.cleaned_data["step"]
    tap = bool(request.POST.get("tap"))
    feedback = progress_feedback.log_feedback(
        enrolment_id=pk,
        step_id=step.pk,
        tap=tap,
        minutes=form.cleaned_data["minutes"],
        step_title=step.title,
        completed=form.cleaned_data["status"] == "completed",
        percent_done=detail.percent_done,
        steps_done=detail.steps_done,
        steps_total=len(detail.steps),
        finished=detail.enrolment.status == Enrolment.Status.COMPLETED,
        target_label=f"{target.role.name}, {target.level.name}",
        is_learners_target=target.is_learners_target,
        before=before,
        after=after,
    )
    if request.htmx:
        return _enrolment_page(request, pk, feedback=feedback, detail=detail)
    request.session[progress_feedback.SESSION_KEY] = feedback.as_session()
    anchor = f"#step-{step.pk}" if tap else "#log"
    return redirect(reverse("enrolment", args=[pk]) + anchor)


@login_required
@require_POST
def enrolment_status(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    owned = _own_enrolment(request, pk)
    previous = owned.status
    form = EnrolmentChangeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.error_text())
        changed = services.enrolment_update(enrolment=owned, **form.changes())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _enrolment_page(request, pk, refused=True)
    if changed.status == Enrolment.Status.WITHDRAWN and previous != changed.status:
        request.session[UNDO_KEY] = {"enrolment": pk, "status": previous}
    messages.success(request, form.saved_text())
    return redirect("enrolment", pk=pk)


@login_required
def enrolment_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Asks first: what withdrawing does, and a button that does it (enrolment_status)."""
    try:
        detail = selectors.enrolment_detail_get(user=request_user(request), enrolment_id=pk)
    except Enrolment.DoesNotExist as missing:
        raise Http404("No such enrolment.") from missing
    if detail.enrolment.status not in Enrolment.OPEN_STATUSES:
        return redirect("enrolment", pk=pk)
    undo_minutes = services.WITHDRAW_UNDO_MINUTES
    return render(
        request, "tracker/withdraw.html", {"detail": detail, "undo_minutes": undo_minutes}
    )


@login_required
@require_POST
def enrolment_undo(request: HttpRequest, pk: int) -> HttpResponse:
    """Undo a withdrawal: the enrolment goes back to the status it had."""
    owned = _own_enrolment(request, pk)
    status = _undo_status(request, owned) or Enrolment.Status.ACTIVE
    try:
        services.enrolment_withdrawal_undo(enrolment=owned, status=status)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        request.session.pop(UNDO_KEY, None)
        messages.success(
            request,
            gettext("Withdrawal undone: you are back on %(path)s.") % {"path": owned.path.title},
        )
    return redirect("enrolment", pk=pk)


@login_required
def plan_page(request: HttpRequest) -> HttpResponse:
    """The plan to the target, week by week; `weekly_minutes` (GET) plans at another pace."""
    form = PlanForm(request.GET or None)
    weekly = form.cleaned_data.get("weekly_minutes") if form.is_valid() else None
    user = request_user(request)
    feed = calendar_feed.calendar_feed_get(user=user)
    context = {
        "plan": plans.plan_get(user=user, weekly_minutes=weekly),
        "feed": feed,
        "feed_url": calendar_feed.feed_url(feed) if feed else None,
        "webcal_url": calendar_feed.webcal_url(feed) if feed else None,
    }
    return render(
        request,
        "tracker/plan.html",
        {**context, "form": form},
        status=422 if form.is_bound and not form.is_valid() else 200,
    )


@login_required
@require_POST
def plan_calendar(request: HttpRequest) -> HttpResponse:
    """Make the plan's calendar link (a new one replaces the old) or turn the feed off."""
    user = request_user(request)
    if request.POST.get("action") == "revoke":
        calendar_feed.calendar_feed_revoke(user=user)
        messages.success(request, gettext("Calendar feed turned off: its link no longer works."))
    else:
        calendar_feed.calendar_feed_renew(user=user)
        messages.success(
            request, gettext("Your calendar link is ready; any earlier link no longer works.")
        )
    return redirect(reverse("plan") + "#calendar")


@require_safe
def calendar_feed_ics(request: HttpRequest, key: UUID, token: str) -> HttpResponse:
    """The feed at its secret URL, for calendar apps (no session): 404 once turned off."""
    feed = calendar_feed.feed_for_url(key=key, token=token)
    if feed is None:
        raise Http404("No such calendar feed.")
    now = timezone.now()
    response = HttpResponse(
        calendar_feed.feed_ics(feed=feed, now=now), content_type="text/calendar; charset=utf-8"
    )
    calendar_feed.feed_fetched(feed, now)
    response["Content-Disposition"] = 'inline; filename="pathwise-plan.ics"'
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
def readiness(request: HttpRequest) -> HttpResponse:
    try:
        page = selectors.readiness_page_get(
            user=request_user(request),
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
            "roles": roles_list(),
            "levels": levels_list(),
        },
    )


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    profile = selectors.profile_get(user=request_user(request))
    # An empty POST is still a POST: bound, so it is refused, not shown as the blank page.
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=profile)
    if request.method == "POST" and form.is_valid():
        try:
            services.learner_profile_update(user=request_user(request), **form.cleaned_data)
        except ValidationError as error:
            form_error_show(form, error)
        else:
            messages.success(request, gettext("Settings saved."))
            return redirect("settings")
    return render(
        request,
        "tracker/settings.html",
        {"form": form, "delete_form": DeleteAccountForm(), "time_zones": timezone_choices()},
        status=422 if form.errors else 200,
    )


@login_required
def export_download(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        json.dumps(learner_export(user=request_user(request)), cls=DjangoJSONEncoder, indent=2),
        content_type="application/json",
    )
    response["Content-Disposition"] = 'attachment; filename="pathwise-export.json"'
    return response


@login_required
@require_POST
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST)
    user = request_user(request)
    status = 422
    if form.is_valid():
        try:
            confirmed = password_confirmed(user=user, password=form.cleaned_data["password"])
        except TooManyAttempts as error:
            form.add_error("password", f"{error} {gettext('Nothing was deleted.')}")
            status = 429
        else:
            if confirmed:
                services.user_delete(user=user)
                logout(request)
                messages.success(request, gettext("Your account and all its data are deleted."))
                return redirect("landing")
            form.add_error("password", gettext("The password is not right; nothing was deleted."))
    return render(
        request,
        "tracker/settings.html",
        {
            "form": ProfileForm(instance=selectors.profile_get(user=user)),
            "delete_form": form,
            "time_zones": timezone_choices(),
        },
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
