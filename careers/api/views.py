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
    CatalogueSourceSerializer,
    ComparisonAdviceSerializer,
    FrequentQuestionSerializer,
    RoleComparisonSerializer,
    RoleDetailSerializer,
    RoleSummarySerializer,
    SkillSerializer,
)
from careers.models import Background, FrequentQuestion, Role, Skill
from careers.selectors import (
    backgrounds_list,
    catalogue_source,
    comparison_advice,
    levels_list,
    roles_list,
    roles_with_details,
)
from config.api import Unprocessable

SOURCE_EXAMPLE = {
    "slug": "uk-llm-vs-ml-engineer-comparison",
    "title": "LLM Engineer vs ML Engineer: a UK comparison article",
    "description": "An untitled web article comparing the two roles for the UK market.",
    "file_name": "000_3463d335c2a10f02.txt",
    "published_on": None,
    "written_on": "2026-11-28",
    "revised_on": "2026-12-01",
    "pathwise_model": "Everything the article does not say is Pathwise's own model: ...",
}
FROM_SOURCE = {"origin": "source", "label": "From the source article", "note": ""}
PATHWISE = {"origin": "pathwise", "label": "Pathwise's own model"}

ROLE_EXAMPLE = OpenApiExample(
    "LLM Engineer",
    value={
        "slug": "llm-engineer",
        "name": "LLM Engineer",
        "summary": "LLM engineers primarily work with pre-trained foundation models via APIs.",
        "stack_position": "On top of pre-trained foundation models.",
        "math_depth": "working",
        "source": SOURCE_EXAMPLE,
        "provenance": {
            "summary": FROM_SOURCE,
            "stack_position": FROM_SOURCE,
            "day_in_the_life": {
                **FROM_SOURCE,
                "note": "A typical day for an LLM engineer at a UK product company might include:",
            },
            "toolchain": FROM_SOURCE,
            "trajectory": FROM_SOURCE,
            "math_depth": FROM_SOURCE,
            "requirements": {**PATHWISE, "note": "Pathwise's own model. ..."},
            "salary_bands": FROM_SOURCE,
        },
    },
    response_only=True,
)


@extend_schema_view(
    list=extend_schema(
        summary="List career roles",
        description="The roles in the catalogue, in catalogue order, each with the source it is "
        "written from and, per part, whether that part is the source's or Pathwise's own model "
        "(`provenance`). Public.",
        examples=[ROLE_EXAMPLE],
    ),
    retrieve=extend_schema(
        summary="A role in full",
        description="Where it sits in the stack, toolchain, day in the life (with the context the "
        "source gives it), and per level its required skills with their target level and band "
        "(Pathwise's own model) and the salary bands the source gives (an empty list is no "
        "data). `provenance` labels each part as the source's or Pathwise's own.",
        examples=[
            OpenApiExample(
                "ML Engineer, senior",
                value={
                    **ROLE_EXAMPLE.value,
                    "slug": "ml-engineer",
                    "name": "ML Engineer",
                    "day_in_the_life": ["Debugging a model serving latency regression"],
                    "day_in_the_life_context": "A typical day for an ML engineer at a UK tech "
                    "company might include:",
                    "trajectory": "Junior → mid → senior → staff/principal.",
                    "toolchain": [
                        {
                            "slug": "pytorch",
                            "name": "PyTorch",
                            "docs_url": "https://pytorch.org/docs/stable/index.html",
                        }
                    ],
                    "model_note": "Pathwise's own model. The source says ML engineers typically "
                    "need stronger foundations in statistics, optimisation theory and model "
                    "architecture ...",
                    "levels": [
                        {
                            "level": "senior",
                            "name": "Senior",
                            "offered": True,
                            "requirements": [
                                {
                                    "skill": "pytorch",
                                    "name": "Deep-learning framework development (PyTorch, "
                                    "TensorFlow)",
                                    "target_level": 4,
                                    "target_band": "Advanced",
                                    "target_band_meaning": "Designs and owns it in production, "
                                    "makes the trade-offs, and reviews and guides others' work.",
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
        description='Two or more roles in full; the "Which should you target?" advice for each '
        "pair of them (`advice`, each item labelled as the source's advice or Pathwise's own); "
        "the source's FAQ answers; and the source named and dated.",
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
                    "advice": [
                        {
                            "roles": ["ai-architect", "llm-engineer"],
                            "text": "Pathwise's advice: target LLM Engineer now and treat AI "
                            "Architect as a senior destination. ...",
                            **PATHWISE,
                        }
                    ],
                    "faq": [
                        {
                            "question": "Which pays more?",
                            "answer": "Senior ML engineers...",
                            "origin": "source",
                            "label": "From the source article",
                        }
                    ],
                    "source": SOURCE_EXAMPLE,
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
        chosen = [roles[s] for s in dict.fromkeys(slugs)]
        source = catalogue_source()
        return Response(
            {
                "roles": RoleDetailSerializer(chosen, many=True, context=context).data,
                "advice": ComparisonAdviceSerializer(
                    comparison_advice(roles=chosen), many=True
                ).data,
                "faq": FrequentQuestionSerializer(FrequentQuestion.objects.all(), many=True).data,
                "source": CatalogueSourceSerializer(source).data if source else None,
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
                    "rationale": "The source's advice: if you're a backend engineer looking to "
                    "move into AI, LLM engineering is typically the faster path.",
                    "origin": "source",
                    "label": "From the source article",
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
