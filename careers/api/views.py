from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from careers.api.serializers import (
    BackgroundSerializer,
    RoleComparisonSerializer,
    RoleDetailSerializer,
    RoleSummarySerializer,
    SkillSerializer,
)
from careers.models import Background, FrequentQuestion, Role, Skill
from careers.selectors import backgrounds_list, levels_list, roles_list, roles_with_details
from config.api import Unprocessable

ROLE_EXAMPLE = OpenApiExample(
    "LLM Engineer",
    value={
        "slug": "llm-engineer",
        "name": "LLM Engineer",
        "summary": "LLM engineers primarily work with pre-trained foundation models via APIs.",
        "stack_position": "On top of pre-trained foundation models.",
        "math_depth": "working",
    },
    response_only=True,
)


@extend_schema_view(
    list=extend_schema(
        summary="List career roles",
        description="The roles in the catalogue, in catalogue order. Public.",
        examples=[ROLE_EXAMPLE],
    ),
    retrieve=extend_schema(
        summary="A role in full",
        description="Where it sits in the stack, toolchain, day in the life, and per level its "
        "required skills and the salary bands the source gives (an empty list is no data).",
        examples=[
            OpenApiExample(
                "ML Engineer, senior",
                value={
                    **ROLE_EXAMPLE.value,
                    "slug": "ml-engineer",
                    "name": "ML Engineer",
                    "day_in_the_life": ["Debugging a model serving latency regression"],
                    "trajectory": "Junior → mid → senior → staff/principal.",
                    "toolchain": [
                        {
                            "slug": "pytorch",
                            "name": "PyTorch",
                            "docs_url": "https://pytorch.org/docs/stable/index.html",
                        }
                    ],
                    "levels": [
                        {
                            "level": "senior",
                            "name": "Senior",
                            "requirements": [
                                {
                                    "skill": "pytorch",
                                    "name": "PyTorch model development",
                                    "target_level": 4,
                                    "weight": 3,
                                }
                            ],
                            "salary_bands": [
                                {
                                    "employer_kind": "Deep-tech companies",
                                    "min_gbp": 100000,
                                    "max_gbp": 160000,
                                    "open_ended": True,
                                    "display": "£100k–£160k+",
                                    "source_note": "FAQ, Which pays more?",
                                }
                            ],
                        }
                    ],
                },
                response_only=True,
            )
        ],
    ),
)
class RoleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Role]):
    permission_classes = (AllowAny,)
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet[Role]:
        return roles_list() if self.action == "list" else roles_with_details()

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        return RoleSummarySerializer if self.action == "list" else RoleDetailSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if self.action != "list":
            context["levels"] = levels_list()
        return context

    @extend_schema(
        summary="Compare roles side by side",
        description="Two or more roles in full, with the catalogue's FAQ answers.",
        parameters=[
            OpenApiParameter(
                "roles",
                OpenApiTypes.STR,
                required=True,
                description="Comma-separated role slugs, at least two.",
                examples=[OpenApiExample("ML vs LLM", value="ml-engineer,llm-engineer")],
            )
        ],
        responses=RoleComparisonSerializer,
        examples=[
            OpenApiExample(
                "Two roles",
                value={
                    "roles": ["(two roles in full, as in the role detail)"],
                    "faq": [{"question": "Which pays more?", "answer": "Senior ML engineers..."}],
                },
                response_only=True,
            )
        ],
    )
    @action(detail=False, pagination_class=None)
    def compare(self, request: Request) -> Response:
        slugs = [s for s in request.query_params.get("roles", "").split(",") if s]
        roles = {role.slug: role for role in roles_with_details().filter(slug__in=slugs)}
        missing = [slug for slug in slugs if slug not in roles]
        if len(set(slugs)) < 2 or missing:
            raise Unprocessable(
                "Give at least two known role slugs in ?roles=a,b "
                f"(unknown: {', '.join(missing) or 'none'})."
            )
        context = self.get_serializer_context()
        return Response(
            {
                "roles": RoleDetailSerializer(
                    [roles[s] for s in dict.fromkeys(slugs)], many=True, context=context
                ).data,
                "faq": [
                    {"question": f.question, "answer": f.answer}
                    for f in FrequentQuestion.objects.all()
                ],
            }
        )


@extend_schema_view(
    list=extend_schema(
        summary="List skills",
        description="Every skill in the catalogue. Public.",
        examples=[
            OpenApiExample(
                "RAG",
                value={
                    "slug": "rag-architecture",
                    "name": "RAG architecture",
                    "category": "llm_application",
                    "description": "Retrieval-augmented generation.",
                },
                response_only=True,
            )
        ],
    )
)
class SkillViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Skill]):
    permission_classes = (AllowAny,)
    serializer_class = SkillSerializer
    queryset = Skill.objects.order_by("name")


@extend_schema_view(
    list=extend_schema(
        summary="List backgrounds",
        description="Where learners come from, and the role the source recommends for each.",
        examples=[
            OpenApiExample(
                "Backend engineers",
                value={
                    "slug": "backend-engineering",
                    "name": "Backend engineering",
                    "recommended_role": "llm-engineer",
                    "rationale": "LLM engineering is typically the faster path.",
                },
                response_only=True,
            )
        ],
    )
)
class BackgroundViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Background]):
    permission_classes = (AllowAny,)
    serializer_class = BackgroundSerializer

    def get_queryset(self) -> QuerySet[Background]:
        return backgrounds_list()
