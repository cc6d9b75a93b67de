"""The learner API. Every queryset is scoped to the requesting learner in get_queryset(), so
another learner's object answers 404 exactly as a missing one."""

from typing import Any

from django.contrib.auth import logout
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed, NotFound, Throttled, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from assessments.selectors import checkable_levels
from careers.models import Role, SeniorityLevel
from config.api import Conflict, Pagination
from tracker import calendar_feed, export, plans, readiness, reviews, selectors, services, targets
from tracker.api import examples as ex
from tracker.api import serializers as s
from tracker.api.filters import ProgressFilter
from tracker.dashboard_cache import dashboard_cached
from tracker.idempotency import idempotent
from tracker.models import Enrolment, ProgressEntry, ReadinessScore, SkillClaim, User
from tracker.password_check import TooManyAttempts, password_confirmed

PROBLEM = OpenApiResponse(description="application/problem+json (RFC 9457), with field errors.")
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Retrying with the same key and body replays the first response (with "
    "Idempotent-Replayed: true); the same key with another body is 409, as is a retry while the "
    "first request is still running. Keys are kept 24 hours.",
)


def _user(request: Request) -> User:
    return request.user  # type: ignore[return-value]


def _created(request: Request, response: Response, route: str) -> Response:
    """A 201 carries the created resource's address in `Location`."""
    if response.status_code == status.HTTP_201_CREATED:
        response["Location"] = request.build_absolute_uri(
            reverse(f"api:{route}-detail", args=[response.data["id"]])
        )
    return response


class LearnerScoped(GenericAPIView[Any]):
    """get_queryset() returns only the requesting learner's rows (`scoped`), so another
    learner's object is a 404. The schema generator, which has no learner, gets none."""

    model: Any

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        return self.scoped(_user(self.request))

    def scoped(self, user: User) -> QuerySet[Any]:
        raise NotImplementedError


class MeView(APIView):
    @extend_schema(
        summary="Your profile",
        description="Background, target role and level, time zone, weekly goal and reminders.",
        responses={200: s.ProfileSerializer},
        examples=[ex.PROFILE],
    )
    def get(self, request: Request) -> Response:
        return Response(s.ProfileSerializer(selectors.profile_get(user=_user(request))).data)

    @extend_schema(
        summary="Change your profile",
        description="Send only what changes. Time zones are IANA names; hours are local, 0-23.",
        request=s.ProfileSerializer,
        responses={200: s.ProfileSerializer, 400: PROBLEM, 422: PROBLEM},
        examples=[
            OpenApiExample(
                "Target a role",
                value={
                    "target_role": "llm-engineer",
                    "target_level": "junior",
                    "timezone": "Europe/London",
                },
                request_only=True,
            ),
            ex.PROFILE,
        ],
    )
    def patch(self, request: Request) -> Response:
        serializer = s.ProfileSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        profile = services.learner_profile_update(user=_user(request), **serializer.validated_data)
        return Response(s.ProfileSerializer(selectors.profile_get(user=profile.user)).data)

    def http_method_not_allowed(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        if request.method == "DELETE":  # the old form: a DELETE body the schema cannot describe
            raise MethodNotAllowed(
                "DELETE",
                detail='Delete the account with POST /api/v1/me/delete/ and {"password": ...}.',
            )
        return super().http_method_not_allowed(request, *args, **kwargs)


class AccountDeleteView(APIView):
    @extend_schema(
        summary="Delete your account",
        description="Deletes the account and all its data, after the password is confirmed. "
        "Every token of the account stops working at once. A wrong password is a 400 on "
        "`password`; wrong passwords count against the same limits as failed logins (429 with "
        "Retry-After). `DELETE /api/v1/me/` answers 405 naming this operation.",
        request=s.PasswordConfirmSerializer,
        responses={204: None, 400: PROBLEM, 429: PROBLEM},
        examples=[ex.DELETE_ACCOUNT],
    )
    def post(self, request: Request) -> Response:
        serializer = s.PasswordConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = _user(request)
        try:
            confirmed = password_confirmed(
                user=user, password=serializer.validated_data["password"]
            )
        except TooManyAttempts as error:
            raise Throttled(wait=error.retry_after, detail=str(error)) from error
        if not confirmed:
            raise ValidationError({"password": "The password is not right."})
        services.user_delete(user=user)
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ExportView(APIView):
    @extend_schema(
        summary="Export your data",
        description="Everything stored about you, as JSON: each part named and shaped as its "
        "endpoint gives it (profile as /me/, enrolments as /enrolments/, ...).",
        responses={200: s.ExportSerializer},
        examples=[ex.EXPORT],
    )
    def get(self, request: Request) -> Response:
        return Response(export.learner_export(user=_user(request)))


class RecommendationView(APIView):
    @extend_schema(
        summary="Which role to target",
        description="From your background and your current readiness, with the reasons.",
        responses={200: s.RecommendationSerializer},
        examples=[ex.RECOMMENDATION],
    )
    def get(self, request: Request) -> Response:
        return Response(
            s.RecommendationSerializer(selectors.recommendation_get(user=_user(request))).data
        )


class MemoryView(APIView):
    @extend_schema(
        summary="Your skills in memory",
        description="Every skill you showed (a step completed, a check passed, a review), those "
        "whose last review failed (`lapsed`) first, then the least likely recalled: the chance "
        "you recall it today, the share of it readiness counts, and whether a review is due. "
        "Spaced review with FSRS; Pathwise's own model.",
        responses={200: s.SkillMemorySerializer(many=True)},
        examples=[ex.MEMORY],
    )
    def get(self, request: Request) -> Response:
        memories = reviews.memories_for(user=_user(request), at=timezone.now())
        return Response(s.SkillMemorySerializer(memories, many=True).data)


class PlanView(APIView):
    @extend_schema(
        summary="Your plan to your target",
        description="The steps to do, week by week within your weekly goal, towards 80% "
        "readiness for your target role and level (Pathwise's planner: the better of most "
        "readiness per hour and the same counting prerequisites), the projected readiness "
        "each week, when the target is reached, and the minutes a week your target date "
        "needs. `weekly_minutes` plans at another pace (what if). 409 without a target.",
        parameters=[s.PlanQuerySerializer],
        responses={200: s.PlanSerializer, 400: PROBLEM, 409: PROBLEM},
        examples=[ex.PLAN],
    )
    def get(self, request: Request) -> Response:
        query = s.PlanQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        plan = plans.plan_get(user=_user(request), **query.validated_data)
        if plan is None:
            raise Conflict(
                "Choose a target role and level, and a weekly goal, first (PATCH /api/v1/me/)."
            )
        return Response(s.PlanSerializer(plan).data)


class CalendarFeedView(APIView):
    """The plan's calendar feed: a secret URL a calendar app subscribes to."""

    @extend_schema(
        summary="Your plan's calendar feed",
        description="The secret iCalendar URL of your plan's study blocks (the next four "
        "weeks, at your preferred hour). 404 while you have none.",
        responses={200: s.CalendarFeedSerializer, 404: PROBLEM},
        examples=[ex.CALENDAR_FEED],
    )
    def get(self, request: Request) -> Response:
        feed = calendar_feed.calendar_feed_get(user=_user(request))
        if feed is None:
            raise NotFound("No calendar feed: POST to make one.")
        return Response(s.CalendarFeedSerializer(feed).data)

    @extend_schema(
        summary="Make a new calendar link",
        description="A feed at a new secret URL; any earlier URL of yours answers 404 from now.",
        request=None,
        responses={201: s.CalendarFeedSerializer},
        examples=[ex.CALENDAR_FEED],
    )
    def post(self, request: Request) -> Response:
        feed = calendar_feed.calendar_feed_renew(user=_user(request))
        response = Response(s.CalendarFeedSerializer(feed).data, status=status.HTTP_201_CREATED)
        response["Location"] = request.build_absolute_uri(reverse("api:plan-calendar"))
        return response

    @extend_schema(
        summary="Turn the calendar feed off",
        description="Its URL answers 404 from now. 404 if there was none.",
        responses={204: None, 404: PROBLEM},
    )
    def delete(self, request: Request) -> Response:
        if not calendar_feed.calendar_feed_revoke(user=_user(request)):
            raise NotFound("No calendar feed to turn off.")
        return Response(status=status.HTTP_204_NO_CONTENT)


class DashboardView(APIView):
    @extend_schema(
        summary="Home screen",
        description="Enrolments with progress and pace, target readiness, next best steps, "
        "streak and weekly minutes, in one call.",
        responses={200: s.DashboardSerializer},
        examples=[ex.DASHBOARD],
    )
    def get(self, request: Request) -> Response:
        user = _user(request)
        return Response(
            dashboard_cached(
                user, lambda: s.DashboardSerializer(selectors.dashboard_get(user=user)).data
            )
        )


@extend_schema_view(
    list=extend_schema(
        summary="Your enrolments",
        description="Newest first, withdrawn ones included; filter with ?status=.",
        examples=[ex.ENROLMENT],
    ),
    retrieve=extend_schema(
        summary="One of your enrolments",
        description="Another learner's enrolment answers 404, as a missing one does.",
        responses={200: s.EnrolmentSerializer, 404: PROBLEM},
        examples=[ex.ENROLMENT],
    ),
    create=extend_schema(
        summary="Enrol on a published path",
        description="One open enrolment per path; re-enrolling after withdrawing starts a new "
        "one and keeps the old history.",
        request=s.EnrolmentCreateSerializer,
        responses={201: s.EnrolmentSerializer, 400: PROBLEM, 422: PROBLEM},
        examples=[
            OpenApiExample(
                "Enrol",
                value={"path": "llm-engineer-from-backend", "target_date": "2027-02-01"},
                request_only=True,
            ),
            ex.ENROLMENT,
        ],
    ),
    partial_update=extend_schema(
        summary="Pause, resume, withdraw, complete, or set the target date",
        description="status: active (resume), paused, withdrawn or completed.",
        request=s.EnrolmentUpdateSerializer,
        responses={200: s.EnrolmentSerializer, 400: PROBLEM, 404: PROBLEM, 422: PROBLEM},
        examples=[
            OpenApiExample("Pause", value={"status": "paused"}, request_only=True),
            ex.ENROLMENT,
        ],
    ),
)
class EnrolmentViewSet(
    LearnerScoped,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Enrolment],
):
    model = Enrolment
    serializer_class = s.EnrolmentSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_fields = ("status",)

    def scoped(self, user: User) -> QuerySet[Enrolment]:
        return selectors.enrolments_for(user=user).order_by("-enrolled_at", "-pk")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = s.EnrolmentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        enrolment = services.enrolment_create(user=_user(request), **serializer.validated_data)
        response = Response(s.EnrolmentSerializer(enrolment).data, status=status.HTTP_201_CREATED)
        return _created(request, response, "enrolment")

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        enrolment = self.get_object()
        serializer = s.EnrolmentUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        enrolment = services.enrolment_update(enrolment=enrolment, **serializer.validated_data)
        return Response(s.EnrolmentSerializer(self.get_queryset().get(pk=enrolment.pk)).data)


def _log(request: Request, data: Any) -> tuple[ProgressEntry, bool]:
    serializer = s.ProgressCreateSerializer(data=data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    try:
        result = services.progress_log(**serializer.validated_data)
    except services.ProgressConflict as error:
        raise Conflict(str(error)) from error
    except services.EnrolmentNotFound as error:  # input that names nothing: 400, as for a field
        raise ValidationError({"enrolment": [str(error)]}) from error
    return result.entry, result.created


@extend_schema_view(
    list=extend_schema(
        summary="Your progress entries",
        description="Newest first; filter with ?enrolment=<id>, ?step=<id> or ?status=.",
        examples=[ex.ENTRY],
    ),
    retrieve=extend_schema(
        summary="One of your progress entries",
        description="The address a 201 gives in `Location`. Another learner's entry answers "
        "404, as a missing one does.",
        responses={200: s.ProgressEntrySerializer, 404: PROBLEM},
        examples=[ex.ENTRY],
    ),
)
class ProgressViewSet(
    LearnerScoped,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[ProgressEntry],
):
    model = ProgressEntry
    serializer_class = s.ProgressEntrySerializer
    filterset_class = ProgressFilter

    def scoped(self, user: User) -> QuerySet[ProgressEntry]:
        return ProgressEntry.objects.filter(user=user).order_by("-occurred_at", "-pk")

    @extend_schema(
        summary="Log progress on a step",
        description="Minutes spent and where the step stands. Safe to retry: with the same "
        "client_id or Idempotency-Key nothing is logged twice (201 with `Location` when logged, "
        "200 when a client_id was logged already). The same Idempotency-Key or client_id with "
        "another body is 409, its detail naming which.",
        parameters=[IDEMPOTENCY_KEY],
        request=s.ProgressCreateSerializer,
        responses={
            201: s.ProgressEntrySerializer,
            200: s.ProgressEntrySerializer,
            400: PROBLEM,
            409: PROBLEM,
            422: PROBLEM,
        },
        examples=[ex.PROGRESS, ex.ENTRY],
    )
    def create(self, request: Request) -> Response:
        def respond() -> Response:
            entry, created = _log(request, request.data)
            return Response(
                s.ProgressEntrySerializer(entry).data,
                status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
            )

        response = idempotent(
            _user(request), request.headers.get("Idempotency-Key"), request.data, respond
        )
        return _created(request, response, "progress")  # a replayed 201 too

    @extend_schema(
        summary="Log up to 100 entries from an offline client",
        description="Each entry is handled on its own, in order, with a result per entry.",
        request=s.ProgressBatchSerializer,
        responses={200: s.ProgressBatchResultSerializer(many=True), 400: PROBLEM},
        examples=[
            OpenApiExample(
                "Two entries", value={"entries": [ex.PROGRESS_INPUT]}, request_only=True
            ),
            ex.response("Per entry", {"index": 0, "status": 201, "entry": ex.ENTRY.value}),
        ],
    )
    @action(detail=False, methods=["post"], pagination_class=None)
    def batch(self, request: Request) -> Response:
        serializer = s.ProgressBatchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        results = []
        for index, data in enumerate(serializer.validated_data["entries"]):
            try:
                entry, created = _log(request, data)
            except Exception as error:
                problem = self.handle_exception(error).data
                errors = problem.get("errors") or [
                    {"field": "non_field_errors", "message": problem["detail"]}
                ]
                results.append({"index": index, "status": problem["status"], "errors": errors})
                continue
            results.append(
                {
                    "index": index,
                    "status": 201 if created else 200,
                    "entry": s.ProgressEntrySerializer(entry).data,
                }
            )
        return Response(results)


@extend_schema_view(
    list=extend_schema(
        summary="Your skill claims", description="One per skill.", examples=[ex.CLAIM]
    ),
    retrieve=extend_schema(
        summary="One of your skill claims",
        description="Another learner's claim answers 404.",
        responses={200: s.SkillClaimSerializer, 404: PROBLEM},
        examples=[ex.CLAIM],
    ),
    create=extend_schema(
        summary="Claim a skill level",
        description="Self-assessed level 1-5; counts for half a completed step. Claiming a skill "
        "again changes the claim.",
        responses={201: s.SkillClaimSerializer, 400: PROBLEM},
        examples=[
            OpenApiExample(
                "Python",
                value={
                    "skill": "python-engineering",
                    "level": 4,
                    "evidence_url": "https://github.com/me",
                    "note": "",
                },
                request_only=True,
            ),
            ex.CLAIM,
        ],
    ),
    partial_update=extend_schema(
        summary="Change a skill claim",
        description="Level, evidence link or note; the skill stays.",
        request=s.SkillClaimUpdateSerializer,
        responses={200: s.SkillClaimSerializer, 400: PROBLEM, 404: PROBLEM},
        examples=[OpenApiExample("Level up", value={"level": 5}, request_only=True), ex.CLAIM],
    ),
    destroy=extend_schema(
        summary="Withdraw a skill claim",
        description="Readiness no longer counts it.",
        responses={204: None, 404: PROBLEM},
    ),
)
class SkillClaimViewSet(
    LearnerScoped,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[SkillClaim],
):
    model = SkillClaim
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def scoped(self, user: User) -> QuerySet[SkillClaim]:
        return SkillClaim.objects.filter(user=user).select_related("skill").order_by("skill__name")

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        return (
            s.SkillClaimUpdateSerializer
            if self.action == "partial_update"
            else s.SkillClaimSerializer
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return _created(request, super().create(request, *args, **kwargs), "skill-claim")

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        serializer.instance = services.skill_claim_set(
            user=_user(self.request), **serializer.validated_data
        )

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        claim: SkillClaim = serializer.instance  # type: ignore[assignment]
        changes = serializer.validated_data
        serializer.instance = services.skill_claim_set(
            user=claim.user,
            skill=claim.skill,
            level=changes.get("level", claim.level),
            evidence_url=changes.get("evidence_url", claim.evidence_url),
            note=changes.get("note", claim.note),
        )

    def perform_destroy(self, instance: SkillClaim) -> None:
        services.skill_claim_delete(claim=instance)


class HistoryPagination(Pagination):
    """A year of days in one page, so a chart needs one request."""

    page_size = max_page_size = 366


LEVEL = OpenApiParameter(
    "level",
    OpenApiTypes.STR,
    description="Seniority level slug; defaults to your target level, or the first rung.",
    examples=[OpenApiExample("junior", value="junior")],
)


class ReadinessViewSet(LearnerScoped, viewsets.GenericViewSet[ReadinessScore]):
    model = ReadinessScore
    lookup_field = "role"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def scoped(self, user: User) -> QuerySet[ReadinessScore]:
        return selectors.readiness_scores_for(user=user)

    def _target(self) -> tuple[Role, SeniorityLevel]:
        try:
            target = targets.target_for(
                profile=selectors.profile_get(user=_user(self.request)),
                role_slug=self.kwargs["role"],
                level_slug=self.request.query_params.get("level"),
            )
        except targets.UnknownTarget as unknown:
            raise NotFound(str(unknown)) from unknown
        except targets.EmptyCatalogue as empty:
            raise Conflict(str(empty)) from empty
        return target.role, target.level

    @extend_schema(
        summary="Your readiness for every role and level",
        description="0-100 per role and level; null where there are no requirements.",
        responses={200: s.ReadinessScoreSerializer(many=True)},
        examples=[ex.SCORES],
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.ReadinessScoreSerializer(page, many=True).data)

    @extend_schema(
        summary="Readiness for one role and level, explained",
        description="The breakdown per required skill (what each level rests on: verified, "
        "self-reported, fading), the reviews that would restore points and the next best steps.",
        parameters=[LEVEL],
        responses={200: s.ReadinessDetailSerializer, 404: PROBLEM},
        examples=[ex.READINESS_DETAIL],
    )
    def retrieve(self, request: Request, role: str) -> Response:
        target_role, level = self._target()
        score = selectors.readiness_score_get(
            user_id=_user(request).pk, role=target_role, level=level
        )
        next_steps = selectors.next_best_steps(score=score)
        data = s.ReadinessScoreSerializer(score).data
        lines = selectors.breakdown_explained(score=score)
        data["breakdown"] = s.BreakdownLineSerializer(lines, many=True).data
        reviews = selectors.review_suggestions(lines, checkable_levels())
        data["reviews"] = s.ReviewSuggestionSerializer(reviews, many=True).data
        data["next_steps"] = s.NextStepSerializer(next_steps, many=True).data
        data["model_note"] = readiness.MODEL_NOTE
        return Response(data)

    @extend_schema(
        summary="Daily history of one role and level",
        description="One score per local day, oldest first, for the history chart.",
        parameters=[LEVEL],
        responses={200: s.SnapshotSerializer(many=True), 404: PROBLEM},
        examples=[ex.HISTORY],
    )
    @action(detail=True, pagination_class=HistoryPagination)
    def history(self, request: Request, role: str) -> Response:
        target_role, level = self._target()
        snapshots = selectors.readiness_history(user=_user(request), role=target_role, level=level)
        page = self.paginate_queryset(snapshots.values_list("day", "score"))
        # As SnapshotSerializer shows each day, from plain rows: a page is a year of days, and
        # a model object and the serializer's fields per day doubled the time of a year's page.
        days = [{"day": day.isoformat(), "score": score} for day, score in page or ()]
        return self.get_paginated_response(days)
