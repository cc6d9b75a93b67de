"""The teams pages: a lead's cohorts (invites, assignments, the aggregate report and its CSV)
and a learner's side (accepting an invite, sharing, leaving). Lookups are scoped to who asks
(teams/selectors.py); a service's ValidationError comes back as a form error."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from teams import reports, selectors, services
from teams.forms import AssignmentForm, CohortForm, InviteForm
from teams.invites import InviteRefused, invite_find
from teams.models import Cohort
from tracker.web import form_error_show, request_user


@login_required
@require_http_methods(["GET", "POST"])
def teams_page(request: HttpRequest) -> HttpResponse:
    """The cohorts the user leads (and a form to start one) and those they are in."""
    user = request_user(request)
    form = CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cohort = services.cohort_create(lead=user, **form.cleaned_data)
        messages.success(request, gettext("Cohort created: invite its learners."))
        return redirect("team-cohort", pk=cohort.pk)
    context = {
        "led": selectors.cohorts_led(lead=user),
        "memberships": selectors.memberships_of(user=user),
        "form": form,
        "min_group": reports.MIN_GROUP,
    }
    return render(request, "teams/teams.html", context, status=422 if form.errors else 200)


def _cohort_page(request: HttpRequest, cohort: Cohort, **forms: Any) -> HttpResponse:
    context = {
        "cohort": cohort,
        "report": reports.cohort_report(cohort=cohort),
        "invites": selectors.open_invites(cohort=cohort),
        "assignments": cohort.assignments.select_related("path"),
        "invite_form": forms.get("invite_form") or InviteForm(),
        "assignment_form": forms.get("assignment_form") or AssignmentForm(),
        "min_group": reports.MIN_GROUP,
        "now": timezone.now(),
    }
    invalid = any(form.errors for form in forms.values())
    return render(request, "teams/cohort.html", context, status=422 if invalid else 200)


@login_required
def cohort_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _cohort_page(request, selectors.cohort_for_lead(lead=request_user(request), pk=pk))


@login_required
@require_POST
def cohort_invite(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = selectors.cohort_for_lead(lead=request_user(request), pk=pk)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invited = services.invites_send(cohort=cohort, emails=form.cleaned_data["emails"])
        except ValidationError as error:
            form_error_show(form, error)
        else:
            messages.success(
                request,
                ngettext("%(n)d invite on its way.", "%(n)d invites on their way.", invited)
                % {"n": invited},
            )
            return redirect(reverse("team-cohort", args=[pk]) + "#invites")
    return _cohort_page(request, cohort, invite_form=form)


@login_required
@require_POST
def cohort_invite_revoke(request: HttpRequest, pk: int, invite_pk: int) -> HttpResponse:
    cohort = selectors.cohort_for_lead(lead=request_user(request), pk=pk)
    invite = selectors.open_invites(cohort=cohort).filter(pk=invite_pk).first()
    if invite is not None:
        services.invite_revoke(invite=invite)
        messages.success(request, gettext("Invite withdrawn: its link no longer works."))
    return redirect(reverse("team-cohort", args=[pk]) + "#invites")


@login_required
@require_POST
def cohort_assign(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = selectors.cohort_for_lead(lead=request_user(request), pk=pk)
    form = AssignmentForm(request.POST)
    if form.is_valid():
        try:
            services.assignment_set(cohort=cohort, **form.cleaned_data)
        except ValidationError as error:
            form_error_show(form, error)
        else:
            messages.success(request, gettext("Path assigned."))
            return redirect(reverse("team-cohort", args=[pk]) + "#assignments")
    return _cohort_page(request, cohort, assignment_form=form)


@login_required
@require_POST
def cohort_unassign(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    cohort = selectors.cohort_for_lead(lead=request_user(request), pk=pk)
    assignment = cohort.assignments.filter(pk=assignment_pk).first()
    if assignment is not None:
        services.assignment_delete(assignment=assignment)
        messages.success(request, gettext("Assignment withdrawn."))
    return redirect(reverse("team-cohort", args=[pk]) + "#assignments")


@login_required
@require_POST
def cohort_delete(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = selectors.cohort_for_lead(lead=request_user(request), pk=pk)
    cohort.delete()
    messages.success(request, gettext("Cohort deleted."))
    return redirect("teams")


@login_required
def cohort_csv(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = selectors.cohort_for_lead(lead=request_user(request), pk=pk)
    response = HttpResponse(
        reports.report_csv(reports.cohort_report(cohort=cohort)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="cohort-{cohort.pk}-report.csv"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def invite_page(request: HttpRequest, key: UUID, token: str) -> HttpResponse:
    """The invitation: who invites, what the lead will see, and the choice to join (a link
    that cannot be used says why before the learner tries)."""
    user = request_user(request)
    try:
        invite = invite_find(key=key, token=token)
    except InviteRefused as refused:
        return render(request, "teams/invite.html", {"error": str(refused)}, status=404)
    if request.method == "POST":
        try:
            services.invite_accept(invite=invite, user=user)
        except InviteRefused as refused:
            context = {"invite": invite, "error": str(refused), "min_group": reports.MIN_GROUP}
            return render(request, "teams/invite.html", context, status=422)
        messages.success(
            request, gettext("You joined %(cohort)s.") % {"cohort": invite.cohort.name}
        )
        return redirect("teams")
    context = {
        "invite": invite,
        "error": services.invite_problem(invite=invite, user=user),
        "min_group": reports.MIN_GROUP,
    }
    return render(request, "teams/invite.html", context)


@login_required
@require_POST
def membership_share(request: HttpRequest, pk: int) -> HttpResponse:
    membership = selectors.membership_of(user=request_user(request), pk=pk)
    shares = request.POST.get("shares_detail") == "on"
    services.membership_share_set(membership=membership, shares_detail=shares)
    messages.success(
        request,
        gettext("The lead now sees your own progress.")
        if shares
        else gettext("The lead no longer sees your own progress."),
    )
    return redirect("teams")


@login_required
@require_POST
def membership_leave(request: HttpRequest, pk: int) -> HttpResponse:
    membership = selectors.membership_of(user=request_user(request), pk=pk)
    name = membership.cohort.name
    services.membership_leave(membership=membership)
    messages.success(request, gettext("You left %(cohort)s.") % {"cohort": name})
    return redirect("teams")
