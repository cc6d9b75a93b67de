from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from careers.models import (
    Background,
    FrequentQuestion,
    Role,
    SalaryBand,
    SeniorityLevel,
    Skill,
    Tool,
)
from careers.selectors import role_matrix
from config.api import OptionalURLField


class SkillSerializer(serializers.ModelSerializer[Skill]):
    class Meta:
        model = Skill
        fields = ("slug", "name", "category", "description")


class LevelSerializer(serializers.ModelSerializer[SeniorityLevel]):
    class Meta:
        model = SeniorityLevel
        fields = ("slug", "name", "rank")


class ToolSerializer(serializers.ModelSerializer[Tool]):
    docs_url = OptionalURLField(read_only=True)

    class Meta:
        model = Tool
        fields = ("slug", "name", "docs_url")


class SalaryBandSerializer(serializers.ModelSerializer[SalaryBand]):
    display = serializers.CharField(source="display_range", read_only=True)

    class Meta:
        model = SalaryBand
        fields = ("employer_kind", "min_gbp", "max_gbp", "open_ended", "display", "source_note")


class RoleSummarySerializer(serializers.ModelSerializer[Role]):
    class Meta:
        model = Role
        fields: tuple[str, ...] = ("slug", "name", "summary", "stack_position", "math_depth")


class RequirementSerializer(serializers.Serializer[Any]):
    skill = serializers.SlugField()
    name = serializers.CharField()
    target_level = serializers.IntegerField(min_value=1, max_value=5)
    weight = serializers.IntegerField(min_value=1)


class RoleLevelSerializer(serializers.Serializer[Any]):
    level = serializers.SlugField()
    name = serializers.CharField()
    requirements = RequirementSerializer(many=True)
    salary_bands = SalaryBandSerializer(
        many=True, help_text="Empty where the source gives no figure: show it as no data."
    )


class RoleDetailSerializer(RoleSummarySerializer):
    toolchain = ToolSerializer(source="tools", many=True, read_only=True)
    levels = serializers.SerializerMethodField(
        help_text="Per seniority level: the skills it requires and the salary bands the source "
        "gives."
    )

    class Meta(RoleSummarySerializer.Meta):
        fields = (
            *RoleSummarySerializer.Meta.fields,
            "day_in_the_life",
            "trajectory",
            "toolchain",
            "levels",
        )

    @extend_schema_field(RoleLevelSerializer(many=True))
    def get_levels(self, role: Role) -> list[dict[str, Any]]:
        return [
            {
                "level": row.level.slug,
                "name": row.level.name,
                "requirements": [
                    {
                        "skill": r.skill.slug,
                        "name": r.skill.name,
                        "target_level": r.target_level,
                        "weight": r.weight,
                    }
                    for r in row.requirements
                ],
                "salary_bands": SalaryBandSerializer(row.salary_bands, many=True).data,
            }
            for row in role_matrix(role=role, levels=self.context["levels"])
        ]


class BackgroundSerializer(serializers.ModelSerializer[Background]):
    recommended_role: serializers.SlugRelatedField[Role] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )

    class Meta:
        model = Background
        fields = ("slug", "name", "recommended_role", "rationale")


class FrequentQuestionSerializer(serializers.ModelSerializer[FrequentQuestion]):
    class Meta:
        model = FrequentQuestion
        fields = ("question", "answer")


class RoleComparisonSerializer(serializers.Serializer[Any]):
    roles = RoleDetailSerializer(many=True)
    faq = FrequentQuestionSerializer(many=True)
