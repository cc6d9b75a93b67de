from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.serializers import BaseSerializer

from careers.models import Role, SeniorityLevel, Skill
from paths.api.serializers import PathDetailSerializer, PathSummarySerializer
from paths.models import LearningPath
from paths.selectors import published_paths, published_paths_with_steps

PATH_EXAMPLE = OpenApiExample(
    "A junior LLM path",
    value={
        "slug": "llm-engineer-from-backend",
        "title": "From backend engineer to LLM engineer",
        "role": "llm-engineer",
        "level": "junior",
        "summary": "APIs, prompts and your first RAG feature.",
        "sequential": True,
        "estimated_hours": 36.0,
        "step_count": 11,
        "published_at": "2026-11-01T09:00:00Z",
    },
    response_only=True,
)


class PathFilter(django_filters.FilterSet):
    """Unknown slugs are a 400 naming the parameter, not an empty list."""

    role = django_filters.ModelChoiceFilter(
        queryset=Role.objects.all(),
        to_field_name="slug",
        help_text="Role slug.",
        error_messages={"invalid_choice": "There is no role with this slug."},
    )
    level = django_filters.ModelChoiceFilter(
        queryset=SeniorityLevel.objects.all(),
        to_field_name="slug",
        help_text="Seniority level slug.",
        error_messages={"invalid_choice": "There is no level with this slug."},
    )
    skill = django_filters.ModelChoiceFilter(
        queryset=Skill.objects.all(),
        to_field_name="slug",
        method="filter_skill",
        help_text="Skill slug taught.",
        error_messages={"invalid_choice": "There is no skill with this slug."},
    )
    search = django_filters.CharFilter(
        method="filter_search", help_text="Words in title or summary."
    )

    class Meta:
        model = LearningPath
        fields = ("role", "level", "skill", "search")

    def filter_skill(
        self, queryset: QuerySet[LearningPath], name: str, value: Skill
    ) -> QuerySet[LearningPath]:
        return queryset.filter(pk__in=LearningPath.objects.filter(steps__skills=value).values("pk"))

    def filter_search(
        self, queryset: QuerySet[LearningPath], name: str, value: str
    ) -> QuerySet[LearningPath]:
        return queryset.filter(Q(title__icontains=value) | Q(summary__icontains=value))


@extend_schema_view(
    list=extend_schema(
        summary="List published learning paths",
        description="Filter with ?role= ?level= ?skill= (slugs) and ?search=. Public.",
        examples=[PATH_EXAMPLE],
    ),
    retrieve=extend_schema(
        summary="A published path with its ordered steps",
        description="Each step with its kind, resource link, estimated minutes, the skills it "
        "teaches and the positions of its prerequisites.",
        examples=[
            OpenApiExample(
                "With steps",
                value={
                    **PATH_EXAMPLE.value,
                    "steps": [
                        {
                            "id": 101,
                            "position": 1,
                            "title": "How transformers work",
                            "kind": "read",
                            "resource_url": "https://huggingface.co/docs",
                            "estimated_minutes": 90,
                            "skills": [
                                {
                                    "skill": "transformer-concepts",
                                    "name": "Transformer concepts",
                                    "level": 2,
                                }
                            ],
                            "prerequisites": [],
                        }
                    ],
                },
                response_only=True,
            )
        ],
    ),
)
class PathViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[LearningPath]
):
    permission_classes = (AllowAny,)
    lookup_field = "slug"
    filterset_class = PathFilter

    def get_queryset(self) -> QuerySet[LearningPath]:
        return published_paths() if self.action == "list" else published_paths_with_steps()

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        return PathSummarySerializer if self.action == "list" else PathDetailSerializer
