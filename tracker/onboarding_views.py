"""The first-run pages (tracker/onboarding.py has the steps and their forms). Every page works
without JavaScript: a POST saves the step through a service and redirects to the next one; an
invalid step answers 422 with the error under its field and the learner's input kept."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from careers.models import Role
from careers.selectors import backgrounds_list, levels_list, roles_list
from tracker import onboarding, selectors, services
from tracker.form_fields import hour_label, timezone_choices
from tracker.models import LearnerProfile
from tracker.web import form_error_show, request_user


@login_required
def onboarding_start(request: HttpRequest) -> HttpResponse:
    return redirect("onboarding-step", step=onboarding.SLUGS[0])


@login_required
@require_POST
def onboarding_skip(request: HttpRequest) -> HttpResponse:
    """Skip the rest: the onboarding counts as done, and the dashboard opens."""
    services.learner_onboarding_finish(user=request_user(request))
    messages.info(
        request, gettext("You can choose your target, goal and reminders any time in Settings.")
    )
    return redirect("dashboard")


@login_required
def onboarding_step(request: HttpRequest, step: str) -> HttpResponse:
    if step == onboarding.DONE:
        return _done(request)
    if step not in onboarding.SLUGS:
        raise Http404("No such step.")
    user = request_user(request)
    profile = selectors.profile_get(user=user)
    data = request.POST if request.method == "POST" else None
    form, context = _form_and_context(step, profile, data)
    if form.is_bound and form.is_valid():
        try:
            if step == onboarding.SLUGS[-1]:
                services.learner_onboarding_finish(user=user, **form.changes())
            else:
                services.learner_profile_update(user=user, **form.changes())
        except ValidationError as error:
            form_error_show(form, error)
        else:
            return redirect("onboarding-step", step=onboarding.step_after(step))
    index = onboarding.SLUGS.index(step)
    context.update(
        {
            "form": form,
            "step": onboarding.STEPS[index],
            "steps": onboarding.STEPS,
            "number": index + 1,
            "count": len(onboarding.STEPS),
            "back": onboarding.step_before(step),
            "next": onboarding.step_after(step),
            "last": step == onboarding.SLUGS[-1],
        }
    )
    return render(
        request,
        f"tracker/onboarding/{step}.html",
        context,
        status=422 if form.errors else 200,
    )


def _form_and_context(step: str, profile: LearnerProfile, data: Any) -> tuple[Any, dict[str, Any]]:
    if step == "background":
        return (
            onboarding.BackgroundStepForm(
                data, backgrounds=backgrounds_list(), initial={"background": profile.background_id}
            ),
            {},
        )
    if step == "role":
        roles = list(roles_list())
        levels = levels_list()
        recommendation = selectors.recommendation_get(user=profile.user)
        initial = onboarding.role_step_initial(
            profile=profile, recommended_slug=recommendation.role_slug, roles=roles
        )
        form = onboarding.RoleStepForm(data, roles=roles_list(), levels=levels, initial=initial)
        return form, {
            "recommendation": recommendation,
            "level_notes": onboarding.level_notes(levels),
            "profile": profile,
        }
    if step == "goal":
        return onboarding.GoalStepForm(
            data, initial=onboarding.GoalStepForm.initial_for(profile)
        ), {}
    return (
        onboarding.RemindersStepForm(
            data, initial=onboarding.RemindersStepForm.initial_for(profile)
        ),
        {"time_zones": timezone_choices()},
    )


def _done(request: HttpRequest) -> HttpResponse:
    """What was chosen, and the path that fits it best, to enrol on (or continue)."""
    user = request_user(request)
    profile = selectors.profile_get(user=user)
    role: Role | None = profile.target_role
    recommended = False
    if role is None:
        slug = selectors.recommendation_get(user=user).role_slug
        role = roles_list().filter(slug=slug).first() if slug else None
        recommended = role is not None
    path = onboarding.suggested_path(role=role, level=profile.target_level)
    enrolment = selectors.open_enrolment_get(user=user, path=path) if path else None
    return render(
        request,
        "tracker/onboarding/done.html",
        {
            "profile": profile,
            "path": path,
            "path_role": role,
            "recommended": recommended,
            "enrolment": enrolment,
            "reminder_time": hour_label(profile.preferred_hour),
            "reminders_on": profile.remind_inactivity
            or profile.remind_behind_pace
            or profile.remind_weekly_digest,
            "steps": onboarding.STEPS,
            "back": onboarding.step_before(onboarding.DONE),
        },
    )
