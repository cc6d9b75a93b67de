"""Reads of teams, each scoped to who asks: a lead reads only cohorts they lead, a learner only
their own memberships and assignments. Another's object is a 404, as a missing one."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from teams.models import Assignment, Cohort, Invite, Membership
from tracker.models import Enrolment, ProgressEntry, User


def cohorts_led(*, lead: User) -> QuerySet[Cohort]:
    return (
        Cohort.objects.filter(lead=lead)
        .select_related("target_role", "target_level")
        .annotate(member_count=Count("memberships", distinct=True))
        .order_by("name", "pk")  # an aggregate drops Meta.ordering
    )


def cohort_for_lead(*, lead: User, pk: int) -> Cohort:
    cohort = cohorts_led(lead=lead).filter(pk=pk).first()
    if cohort is None:
        raise Http404("No such cohort.")
    return cohort


def open_invites(*, cohort: Cohort) -> QuerySet[Invite]:
    return cohort.invites.filter(accepted_at__isnull=True)


def memberships_of(*, user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("cohort__lead", "cohort__target_role", "cohort__target_level")
        .prefetch_related(
            Prefetch("cohort__assignments", queryset=Assignment.objects.select_related("path"))
        )
        .order_by("cohort__name", "pk")
    )


def membership_of(*, user: User, pk: int) -> Membership:
    membership = memberships_of(user=user).filter(pk=pk).first()
    if membership is None:
        raise Http404("No such membership.")
    return membership


@dataclass(frozen=True)
class LearnerAssignment:
    assignment: Assignment
    cohort: Cohort
    enrolment: Enrolment | None  # the learner's open or completed enrolment on the path
    steps_done: int

    @property
    def due_date(self) -> date:
        return self.assignment.due_date


def assignments_of(*, user: User) -> list[LearnerAssignment]:
    """The paths the learner's cohorts assigned, soonest due first, with where they stand."""
    assignments = list(
        Assignment.objects.filter(cohort__memberships__user=user)
        .select_related("path", "cohort")
        .annotate(steps_total=Count("path__steps", distinct=True))
        .order_by("due_date", "pk")
    )
    paths = {a.path_id for a in assignments}
    enrolments = {
        e.path_id: e
        for e in Enrolment.objects.filter(
            user=user,
            path_id__in=paths,
            status__in=(*Enrolment.OPEN_STATUSES, Enrolment.Status.COMPLETED),
        ).order_by("enrolled_at", "pk")
    }
    done = dict(
        ProgressEntry.objects.filter(
            enrolment__in=list(enrolments.values()), status=ProgressEntry.Status.COMPLETED
        )
        .values("enrolment__path_id")
        .annotate(n=Count("step", distinct=True))
        .values_list("enrolment__path_id", "n")
        .order_by()
    )
    return [
        LearnerAssignment(a, a.cohort, enrolments.get(a.path_id), done.get(a.path_id, 0))
        for a in assignments
    ]
