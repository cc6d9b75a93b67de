from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from careers.bands import band, bands_documentation
from careers.models import Role, SeniorityLevel, Skill
from config.api import OptionalURLField
from paths.models import LearningPath, Step, StepSkill


class StepSkillSerializer(serializers.ModelSerializer[StepSkill]):
    skill: serializers.SlugRelatedField[Skill] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    name = serializers.CharField(source="skill.name", read_only=True)
    level = serializers.IntegerField(
        read_only=True,
        help_text="The level the step teaches (Pathwise's own model); what completing it proves "
        "is capped by the step's kind. " + bands_documentation(),
    )
    band = serializers.SerializerMethodField(
        help_text="The name of `level`'s band: one of the names listed under `level` (the "
        "same names as a role requirement's `target_band`)."
    )

    class Meta:
        model = StepSkill
        fields = ("skill", "name", "level", "band")

    @extend_schema_field(OpenApiTypes.STR)
    def get_band(self, link: StepSkill) -> str:
        found = band(link.level)
        return found.name if found else ""


class StepSerializer(serializers.ModelSerializer[Step]):
    resource_url = OptionalURLField(read_only=True)
    skills = StepSkillSerializer(source="step_skills", many=True, read_only=True)
    prerequisites = serializers.SerializerMethodField(help_text="Positions of earlier steps.")

    class Meta:
        model = Step
        fields = (
            "id",
            "position",
            "title",
            "kind",
            "resource_url",
            "estimated_minutes",
            "skills",
            "prerequisites",
        )

    def get_prerequisites(self, step: Step) -> list[int]:
        return sorted(p.position for p in step.prerequisites.all())


class PathSummarySerializer(serializers.ModelSerializer[LearningPath]):
    role: serializers.SlugRelatedField[Role] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    level: serializers.SlugRelatedField[SeniorityLevel] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    estimated_hours = serializers.SerializerMethodField(
        help_text="Pathwise's estimate: the sum of its steps' estimated minutes, in hours."
    )
    step_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = LearningPath
        fields: tuple[str, ...] = (
            "slug",
            "title",
            "role",
            "level",
            "summary",
            "sequential",
            "estimated_hours",
            "step_count",
            "published_at",
        )

    def get_estimated_hours(self, path: Any) -> float:
        return round((path.total_minutes or 0) / 60, 1)


class PathDetailSerializer(PathSummarySerializer):
    steps = StepSerializer(many=True, read_only=True)

    class Meta(PathSummarySerializer.Meta):
        fields = (*PathSummarySerializer.Meta.fields, "steps")
