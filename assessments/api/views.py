"""The skill-check API for mobile clients: start a check or a review, answer it in one
submission (graded on the server), read the history. Only the learner's own checks are ever
found: another learner's check answers 404 exactly as a missing one.

Refusals of the services (assessments/services.py), as problems:
- cooldown, daily_limit: 429 with `Retry-After` (whole seconds until the service's
  `retry_at`), the service's message as `detail`;
- expired: 409 (the check is closed as a failed attempt; GET shows it), on every submission
  of that check;
- open_attempt: 409 (another check or review of the skill is open: one at a time);
- no_questions, nothing_to_review, invalid_choice, an item not in the check: 422."""

import math
from collections.abc import Callable
from datetime import datetime
from typing import Any

import django_filters
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from assessments import selectors, services
from assessments.api import serializers as s
from assessments.models import SkillCheck
from careers.models import Skill
from config.api import Conflict, Unprocessable

PROBLEM = OpenApiResponse(description="application/problem+json (RFC 9457).")
LIMITED = OpenApiResponse(
    description="Too many requests, or the skill's attempt limits (a cooldown after a failed "
    "check; a number of attempts in 24 hours), `detail` saying which: retry after "
    "`Retry-After` seconds."
)


class AttemptsLimited(APIException):
    """The skill's attempt limits: 429, with `Retry-After` (DRF writes it from `wait`) and the
    service's message as the detail."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = "Too many attempts at this skill; try again later."
    default_code = "attempts_limited"

    def __init__(self, detail: str, wait: int) -> None:
        super().__init__(detail)
        self.wait = wait


def _refused(error: DjangoValidationError, now: datetime) -> APIException:
    message = " ".join(error.messages)
    code = getattr(error, "code", None)
    if code in ("cooldown", "daily_limit"):
        retry_at: datetime = (error.params or {})["retry_at"]
        wait = max(1, math.ceil((retry_at - now).total_seconds()))
        return AttemptsLimited(message, wait)
    if code in ("expired", "open_attempt"):
        return Conflict(message)
    return Unprocessable(message)


def _started(
    request: Request,
    body: type[serializers.Serializer[Any]],
    start: Callable[..., SkillCheck],
) -> Response:
    """Start (or reopen) a check or review from the request body: 201 when it is new, 200 for
    the one already open."""
    serializer = body(data=request.data)
    serializer.is_valid(raise_exception=True)
    now = timezone.now()
    try:
        check = start(user=_learner(request), now=now, **serializer.validated_data)
    except DjangoValidationError as refused:
        raise _refused(refused, now) from refused
    created = check.started_at == now
    return _check_response(
        request, check, now, status.HTTP_201_CREATED if created else status.HTTP_200_OK
    )


def _learner(request: Request) -> AbstractBaseUser:
    return request.user  # type: ignore[return-value]  # behind IsAuthenticated


def _check_response(
    request: Request, check: SkillCheck, now: datetime, code: int = status.HTTP_200_OK
) -> Response:
    """The check as its detail gives it, read again with everything it shows."""
    check = selectors.check_get(user=_learner(request), pk=check.pk)
    response = Response(s.SkillCheckSerializer(check, context={"now": now}).data, status=code)
    if code == status.HTTP_201_CREATED:
        response["Location"] = request.build_absolute_uri(
            reverse("api:check-detail", args=[check.pk])
        )
    return response


# --- Examples ------------------------------------------------------------------------------------

_QUESTIONS = [
    {
        "id": 901,
        "position": 1,
        "kind": "single",
        "text": "What does recall@k measure for a retriever?",
        "choices": [
            {"id": 5101, "text": "The share of relevant documents found in the top k"},
            {"id": 5102, "text": "The share of the top k that is relevant"},
            {"id": 5103, "text": "The rank of the first relevant document"},
        ],
    },
    {
        "id": 902,
        "position": 2,
        "kind": "multiple",
        "text": "Which of these are offline evaluation methods?",
        "choices": [
            {"id": 5201, "text": "A labelled test set"},
            {"id": 5202, "text": "An A/B test"},
            {"id": 5203, "text": "LLM-as-judge on stored outputs"},
        ],
    },
]
_OPEN = {
    "id": 77,
    "skill": "evaluation",
    "skill_name": "Evaluation",
    "level": 2,
    "purpose": "verify",
    "state": "open",
    "started_at": "2026-11-27T19:30:00Z",
    "expires_at": "2026-11-27T19:50:00Z",
    "submitted_at": None,
    "question_count": 5,
    "pass_mark": 4,
    "result": None,
    "questions": _QUESTIONS,
}
_GRADED_ITEMS = [
    {
        "item": 901,
        "chosen": [5101],
        "correct_choices": [5101],
        "correct": True,
        "explanation": "Recall counts what was found of all that is relevant.",
        "source_url": "",
    },
    {
        "item": 902,
        "chosen": [5201],
        "correct_choices": [5201, 5203],
        "correct": False,
        "explanation": "An A/B test needs live traffic; the other two run on stored data.",
        "source_url": "",
    },
]
_GRADED = {
    **_OPEN,
    "state": "passed",
    "submitted_at": "2026-11-27T19:41:12Z",
    "result": {"passed": True, "correct_count": 4, "expired": False, "items": _GRADED_ITEMS},
}
OPEN_CHECK = OpenApiExample("An open check", value=_OPEN, response_only=True)
OPEN_REVIEW = OpenApiExample(
    "An open review",
    value={**_OPEN, "purpose": "review", "question_count": 3, "pass_mark": 2},
    response_only=True,
)
GRADED_CHECK = OpenApiExample("A graded check", value=_GRADED, response_only=True)
HISTORY = OpenApiExample(
    "History",
    value={
        key: value
        for key, value in {
            **_GRADED,
            "result": {"passed": True, "correct_count": 4, "expired": False},
        }.items()
        if key != "questions"
    },
    response_only=True,
)
SUBMIT = OpenApiExample(
    "Answers",
    value={"answers": [{"item": 901, "choices": [5101]}, {"item": 902, "choices": [5201]}]},
    request_only=True,
)


# --- Views ---------------------------------------------------------------------------------------


class CheckFilter(django_filters.FilterSet):
    skill = django_filters.ModelChoiceFilter(
        field_name="skill",
        to_field_name="slug",
        queryset=Skill.objects.all(),
        label="Skill slug",
        error_messages={"invalid_choice": "No skill has this slug."},
    )
    purpose = django_filters.ChoiceFilter(choices=SkillCheck.Purpose.choices)

    class Meta:
        model = SkillCheck
        fields = ("skill", "purpose")


@extend_schema_view(
    list=extend_schema(
        summary="Your skill checks and reviews",
        description="Newest first; filter with ?skill=<slug> and ?purpose=verify|review. "
        "`result` holds the grade once submitted; GET a check for its questions and, once "
        "submitted, the right answers and explanations.",
        responses={200: s.SkillCheckSummarySerializer(many=True)},
        examples=[HISTORY],
    ),
    retrieve=extend_schema(
        summary="One of your skill checks",
        description="Before submission: the questions with their choices (ids and texts "
        "only) and `result` null. After: `result` with the grade and, per question, the "
        "choices sent, the right ones and the explanation. Another learner's check answers "
        "404, as a missing one does.",
        responses={200: s.SkillCheckSerializer, 404: PROBLEM},
        examples=[OPEN_CHECK, GRADED_CHECK],
    ),
)
class CheckViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[SkillCheck]):
    serializer_class = s.SkillCheckSummarySerializer
    filterset_class = CheckFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[SkillCheck]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no learner
            return SkillCheck.objects.none()
        return (
            SkillCheck.objects.filter(user_id=_learner(self.request).pk)
            .select_related("skill")
            .annotate(question_count=Count("items"))
            .order_by("-started_at", "-pk")
        )

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "now": timezone.now()}

    def _own(self) -> SkillCheck:
        try:
            return selectors.check_get(user=_learner(self.request), pk=int(self.kwargs["pk"]))
        except SkillCheck.DoesNotExist as missing:
            raise NotFound() from missing

    def retrieve(self, request: Request, pk: str) -> Response:
        now = timezone.now()
        return Response(s.SkillCheckSerializer(self._own(), context={"now": now}).data)

    @extend_schema(
        summary="Start a skill check",
        description="Questions drawn at random from the skill and level's bank; pass it "
        f"({round(services.PASS_MARK * services.QUESTIONS_PER_CHECK)} of "
        f"{services.QUESTIONS_PER_CHECK} right) to verify the level. Submit it within "
        f"{int(services.TIME_LIMIT.total_seconds() // 60)} minutes. 201 with `Location` for a "
        "new check; 200 with the check you have open for this skill and level, if any (so "
        "retrying is safe). The questions come without their answers. An unknown skill slug "
        "is a 400 on `skill`; another check or review of the skill still open is 409 (one at "
        "a time); a level without a bank is 422; a cooldown after a failed attempt "
        f"({int(services.COOLDOWN.total_seconds() // 60)} minutes) or "
        f"{services.DAILY_LIMIT} attempts at the skill in 24 hours is 429 with `Retry-After`.",
        request=s.SkillCheckStartSerializer,
        responses={
            201: s.SkillCheckSerializer,
            200: s.SkillCheckSerializer,
            400: PROBLEM,
            409: PROBLEM,
            422: PROBLEM,
            429: LIMITED,
        },
        examples=[
            OpenApiExample(
                "Evaluation, level 2", value={"skill": "evaluation", "level": 2}, request_only=True
            ),
            OPEN_CHECK,
        ],
    )
    def create(self, request: Request) -> Response:
        return _started(request, s.SkillCheckStartSerializer, services.skill_check_start)

    @extend_schema(
        summary="Submit a check's answers",
        description="All the answers at once; the server grades them. Answers the graded "
        "check: `result` with the grade and, per question, the choices sent, the right ones "
        "and the explanation. Submitting again answers the first result unchanged (200), "
        "whatever is sent. After the time limit the check is closed as a failed attempt and "
        "its submission is a 409 (every time; GET shows the closed check). An `item` that is "
        "not a question of this check, or a choice of another question, is a 422; a question "
        "answered twice is a 400.",
        request=s.CheckSubmitSerializer,
        responses={
            200: s.SkillCheckSerializer,
            400: PROBLEM,
            404: PROBLEM,
            409: PROBLEM,
            422: PROBLEM,
        },
        examples=[SUBMIT, GRADED_CHECK],
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        check = self._own()
        serializer = s.CheckSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        answers = {a["item"]: a["choices"] for a in serializer.validated_data["answers"]}
        items = {item.pk for item in check.items.all()}
        strangers = [item_id for item_id in answers if item_id not in items]
        if strangers:
            raise Unprocessable(_("This check has no question %(item)s.") % {"item": strangers[0]})
        now = timezone.now()
        try:
            check = services.skill_check_submit(check=check, answers=answers, now=now)
        except DjangoValidationError as refused:
            raise _refused(refused, now) from refused
        if check.submitted_at is not None and check.submitted_at > check.expires_at:
            # Closed by the time limit by an earlier submission: the same answer again.
            raise Conflict(_("The time for this check ran out."))
        return _check_response(request, check, now)


class ReviewViewSet(viewsets.GenericViewSet[SkillCheck]):
    serializer_class = s.SkillCheckSerializer

    def get_queryset(self) -> QuerySet[SkillCheck]:
        return SkillCheck.objects.none()  # nothing to list here: reviews are checks

    @extend_schema(
        summary="Start a review",
        description=f"{services.QUESTIONS_PER_REVIEW} questions on a skill you hold (you "
        "completed a step of it or passed a check of it), at the highest level you hold that "
        "has a bank, to refresh your memory of it. It is a check with `purpose: review`: "
        "answer it with `POST /api/v1/checks/{id}/submit/`. 201 with `Location` for a new "
        "review; 200 with the review you have open for this skill, if any. An unknown skill "
        "slug is a 400 on `skill`; a check of the skill still open is 409; a skill with "
        "nothing to review yet is 422; the skill's "
        "attempt limits are 429 with `Retry-After`.",
        request=s.ReviewStartSerializer,
        responses={
            201: s.SkillCheckSerializer,
            200: s.SkillCheckSerializer,
            400: PROBLEM,
            409: PROBLEM,
            422: PROBLEM,
            429: LIMITED,
        },
        examples=[
            OpenApiExample("Evaluation", value={"skill": "evaluation"}, request_only=True),
            OPEN_REVIEW,
        ],
    )
    def create(self, request: Request) -> Response:
        return _started(request, s.ReviewStartSerializer, services.review_start)
