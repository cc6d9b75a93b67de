from typing import Any

from rest_framework import serializers

from careers.models import Role, SeniorityLevel, Skill
from config.api import OptionalURLField
from paths.models import LearningPath, Step, StepSkill


class StepSkillSerializer(serializers.ModelSerializer[StepSkill]):
    skill: serializers.SlugRelatedField[Skill] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    name = serializers.CharField(source="skill.name", read_only=True)

    class Meta:
        model = StepSkill
        fields = ("skill", "name", "level")


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
    estimated_hours = serializers.SerializerMethodField()
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
