"""The teams API: a lead's cohorts (their invites, assignments and aggregate report) and a
learner's memberships, invites and assignments. Every queryset is the requester's own: another
lead's cohort, or another learner's membership, is a 404 as a missing one."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from teams import reports, selectors, services
from teams.api import serializers as s
from teams.invites import InviteRefused, invite_find
from teams.models import Cohort, Membership
from tracker.models import User

PROBLEM = OpenApiResponse(description="application/problem+json (RFC 9457), with field errors.")

COHORT_EXAMPLE = OpenApiExample(
    "A cohort",
    value={
        "id": 7,
        "name": "Spring bootcamp",
        "target_role": "llm-engineer",
        "target_level": "junior",
        "members": 12,
        "created_at": "2026-11-02T09:00:00Z",
    },
    response_only=True,
)
INVITE_EXAMPLE = OpenApiExample(
    "An open invite",
    value={
        "id": 31,
        "email": "ada@example.com",
        "created_at": "2026-11-02T09:05:00Z",
        "expires_at": "2026-11-16T09:05:00Z",
        "sent_at": "2026-11-02T09:05:02Z",
    },
    response_only=True,
)
ASSIGNMENT_EXAMPLE = OpenApiExample(
    "An assignment",
    value={
        "id": 4,
        "path": "llm-engineer-from-backend",
        "path_title": "LLM Engineer from a backend background",
        "due_date": "2027-01-31",
        "created_at": "2026-11-02T09:10:00Z",
    },
    response_only=True,
)
REPORT_EXAMPLE = OpenApiExample(
    "Six members",
    value={
        "members": 6,
        "min_group": 5,
        "too_few": False,
        "median_score": 41.5,
        "score_bands": [
            {"band": "0-20", "members": 1},
            {"band": "20-40", "members": 2},
            {"band": "40-60", "members": 2},
            {"band": "60-80", "members": 1},
            {"band": "80-100", "members": 0},
        ],
        "skills": [
            {
                "skill": "rag",
                "name": "Retrieval-augmented generation",
                "target": 3,
                "at_target": 1,
                "halfway": 3,
                "below_half": 2,
                "median_level": 1.6,
            }
        ],
        "paths": [
            {
                "path": "llm-engineer-from-backend",
                "due_date": "2027-01-31",
                "enrolled": 5,
                "completed": 1,
                "on_pace": 3,
                "median_steps_done": 0.4,
            }
        ],
        "on_pace_everywhere": 3,
        "shared": [
            {
                "email": "ada@example.com",
                "score": 52.0,
                "paths": [
                    {
                        "path": "llm-engineer-from-backend",
                        "steps_done": 4,
                        "steps_total": 10,
                        "on_pace": True,
                    }
                ],
            }
        ],
    },
    response_only=True,
)
MEMBERSHIP_EXAMPLE = OpenApiExample(
    "A membership",
    value={
        "id": 19,
        "cohort": "Spring bootcamp",
        "lead": "lead@example.com",
        "target_role": "llm-engineer",
        "target_level": "junior",
        "joined_at": "2026-11-03T18:00:00Z",
        "shares_detail": False,
    },
    response_only=True,
)


def _user(request: Request) -> User:
    return request.user  # type: ignore[return-value]


@extend_schema_view(
    list=extend_schema(
        summary="Cohorts you lead",
        description="Each with its target role and level and its number of members.",
        examples=[COHORT_EXAMPLE],
    ),
    retrieve=extend_schema(
        summary="One cohort you lead",
        description="Another lead's cohort answers 404, as a missing one does.",
        examples=[COHORT_EXAMPLE],
    ),
    create=extend_schema(
        summary="Create a cohort",
        description="You lead it: invite learners, assign paths, read its aggregate report.",
        responses={201: s.CohortSerializer, 400: PROBLEM},
        examples=[
            OpenApiExample(
                "Create",
                value={
                    "name": "Spring bootcamp",
                    "target_role": "llm-engineer",
                    "target_level": "junior",
                },
                request_only=True,
            ),
            COHORT_EXAMPLE,
        ],
    ),
    partial_update=extend_schema(
        summary="Rename or retarget a cohort",
        description="Send only what changes.",
        examples=[OpenApiExample("Rename", value={"name": "Spring cohort"}, request_only=True)],
    ),
    destroy=extend_schema(
        summary="Delete a cohort",
        description="Its memberships, invites and assignments go with it; learners' own data "
        "stays theirs.",
    ),
)
class CohortViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[Cohort],
):
    serializer_class = s.CohortSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Cohort]:
        if getattr(self, "swagger_fake_view", False):
            return Cohort.objects.none()
        return selectors.cohorts_led(lead=_user(self.request))

    def perform_create(self, serializer: Any) -> None:
        cohort = services.cohort_create(lead=_user(self.request), **serializer.validated_data)
        serializer.instance = selectors.cohort_for_lead(lead=cohort.lead, pk=cohort.pk)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().create(request, *args, **kwargs)
        response["Location"] = request.build_absolute_uri(
            reverse("api:cohort-detail", args=[response.data["id"]])
        )
        return response

    def perform_update(self, serializer: Any) -> None:
        cohort = services.cohort_update(cohort=serializer.instance, **serializer.validated_data)
        serializer.instance = selectors.cohort_for_lead(lead=cohort.lead, pk=cohort.pk)

    @extend_schema(
        methods=["GET"],
        summary="A cohort's open invites",
        description="Invites not yet accepted, newest first (expired ones included, with "
        "their expiry).",
        responses={200: s.InviteSerializer(many=True)},
        examples=[INVITE_EXAMPLE],
    )
    @extend_schema(
        methods=["POST"],
        summary="Invite learners by email",
        description="Each address gets a single-use link valid 14 days; joining is the "
        "learner's choice, with the account of that address. The emails are sent by a worker.",
        request=s.InvitesCreateSerializer,
        responses={202: s.InvitesSentSerializer, 400: PROBLEM, 422: PROBLEM},
        examples=[
            OpenApiExample(
                "Invite two",
                value={"emails": ["ada@example.com", "grace@example.com"]},
                request_only=True,
            ),
            OpenApiExample("Sent", value={"invited": 2}, response_only=True),
        ],
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def invites(self, request: Request, pk: str) -> Response:
        cohort = self.get_object()
        if request.method == "GET":
            invites = selectors.open_invites(cohort=cohort)
            return Response(s.InviteSerializer(invites, many=True).data)
        serializer = s.InvitesCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invited = services.invites_send(cohort=cohort, emails=serializer.validated_data["emails"])
        return Response({"invited": invited}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Withdraw an invite",
        description="Its link stops working. 404 for an accepted or unknown invite.",
        responses={204: None, 404: PROBLEM},
    )
    @action(detail=True, methods=["delete"], url_path=r"invites/(?P<invite_id>\d+)")
    def invite_revoke(self, request: Request, pk: str, invite_id: str) -> Response:
        invite = selectors.open_invites(cohort=self.get_object()).filter(pk=invite_id).first()
        if invite is None:
            raise NotFound("No such open invite.")
        services.invite_revoke(invite=invite)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        methods=["GET"],
        summary="A cohort's assigned paths",
        description="Soonest due first.",
        responses={200: s.AssignmentSerializer(many=True)},
        examples=[ASSIGNMENT_EXAMPLE],
    )
    @extend_schema(
        methods=["POST"],
        summary="Assign a path",
        description="A published path by a due date; assigning it again changes the date. "
        "Members see it on their dashboard and at GET /api/v1/assignments/.",
        request=s.AssignmentSerializer,
        responses={201: s.AssignmentSerializer, 400: PROBLEM, 422: PROBLEM},
        examples=[
            OpenApiExample(
                "Assign",
                value={"path": "llm-engineer-from-backend", "due_date": "2027-01-31"},
                request_only=True,
            ),
            ASSIGNMENT_EXAMPLE,
        ],
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def assignments(self, request: Request, pk: str) -> Response:
        cohort = self.get_object()
        if request.method == "GET":
            rows = cohort.assignments.select_related("path")
            return Response(s.AssignmentSerializer(rows, many=True).data)
        serializer = s.AssignmentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assignment = services.assignment_set(cohort=cohort, **serializer.validated_data)
        response = Response(s.AssignmentSerializer(assignment).data, status=201)
        response["Location"] = request.build_absolute_uri(
            reverse("api:cohort-assignments", args=[cohort.pk])
        )
        return response

    @extend_schema(
        summary="Withdraw an assignment",
        description="Members no longer see it; their enrolments stay.",
        responses={204: None, 404: PROBLEM},
    )
    @action(detail=True, methods=["delete"], url_path=r"assignments/(?P<assignment_id>\d+)")
    def assignment_delete(self, request: Request, pk: str, assignment_id: str) -> Response:
        assignment = self.get_object().assignments.filter(pk=assignment_id).first()
        if assignment is None:
            raise NotFound("No such assignment.")
        services.assignment_delete(assignment=assignment)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="A cohort's aggregate report",
        description="Readiness bands and per-skill spread for the cohort's target, progress and "
        "pace per assigned path: only with at least `min_group` (5) members, else nulls and "
        "`too_few`. `shared` lists the members who chose to share their own detail.",
        responses={200: s.CohortReportSerializer},
        examples=[REPORT_EXAMPLE],
    )
    @action(detail=True, methods=["get"])
    def report(self, request: Request, pk: str) -> Response:
        report = reports.cohort_report(cohort=self.get_object())
        return Response(s.CohortReportSerializer(report).data)


@extend_schema_view(
    list=extend_schema(
        summary="Cohorts you are in",
        description="With their lead and target, and whether you share your detail.",
        examples=[MEMBERSHIP_EXAMPLE],
    ),
    retrieve=extend_schema(
        summary="One of your memberships",
        description="Another learner's membership answers 404.",
        examples=[MEMBERSHIP_EXAMPLE],
    ),
    partial_update=extend_schema(
        summary="Share your detail, or stop",
        description="`shares_detail`: the lead sees your readiness and progress on assigned "
        "paths; off again at any time.",
        examples=[
            OpenApiExample("Share", value={"shares_detail": True}, request_only=True),
            MEMBERSHIP_EXAMPLE,
        ],
    ),
    destroy=extend_schema(
        summary="Leave a cohort",
        description="Your data leaves every figure of the cohort at once.",
    ),
)
class MembershipViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[Membership],
):
    serializer_class = s.MembershipSerializer
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Membership]:
        if getattr(self, "swagger_fake_view", False):
            return Membership.objects.none()
        return selectors.memberships_of(user=_user(self.request))

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.membership_share_set(
            membership=serializer.instance,
            shares_detail=serializer.validated_data.get(
                "shares_detail", serializer.instance.shares_detail
            ),
        )

    def perform_destroy(self, instance: Membership) -> None:
        services.membership_leave(membership=instance)


class InviteAcceptView(APIView):
    @extend_schema(
        summary="Accept an invite",
        description="Join the cohort with the key and token of the invite link. 422 when the "
        "link is not valid, was used, has expired, or is for another email address.",
        request=s.InviteAcceptSerializer,
        responses={201: s.MembershipSerializer, 400: PROBLEM, 422: PROBLEM},
        examples=[
            OpenApiExample(
                "Accept",
                value={
                    "key": "4f1c2b8e-9a4d-4c1e-8f3b-2d7e6a5c9b10",
                    "token": "9b1d5c0e7f3a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0d2e4f6a8b0c",
                },
                request_only=True,
            ),
            MEMBERSHIP_EXAMPLE,
        ],
    )
    def post(self, request: Request) -> Response:
        serializer = s.InviteAcceptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = _user(request)
        try:
            invite = invite_find(**serializer.validated_data)
            membership = services.invite_accept(invite=invite, user=user)
        except InviteRefused as refused:
            raise ValidationError({"token": str(refused)}) from refused
        membership = selectors.membership_of(user=user, pk=membership.pk)
        response = Response(s.MembershipSerializer(membership).data, status=201)
        response["Location"] = request.build_absolute_uri(
            reverse("api:membership-detail", args=[membership.pk])
        )
        return response


class AssignmentsView(APIView):
    @extend_schema(
        summary="Paths your cohorts assigned you",
        description="Soonest due first, with your enrolment on each (null: not enrolled yet) "
        "and the steps you completed.",
        responses={200: s.LearnerAssignmentSerializer(many=True)},
        examples=[
            OpenApiExample(
                "One assignment",
                value=[
                    {
                        "cohort": "Spring bootcamp",
                        "path": "llm-engineer-from-backend",
                        "path_title": "LLM Engineer from a backend background",
                        "due_date": "2027-01-31",
                        "enrolment": 12,
                        "steps_done": 4,
                        "steps_total": 10,
                    }
                ],
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        items = selectors.assignments_of(user=_user(request))
        return Response(s.LearnerAssignmentSerializer(items, many=True).data)
