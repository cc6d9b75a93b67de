from dataclasses import fields
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from careers.bands import BAND_NAMES, band, bands_documentation
from careers.models import (
    Background,
    CatalogueSource,
    ComparisonAdvice,
    FrequentQuestion,
    Provenance,
    Role,
    SalaryBand,
    SeniorityLevel,
    Skill,
    Tool,
)
from careers.provenance import RoleProvenance, Section, role_provenance
from careers.selectors import role_matrix
from config.api import OptionalURLField

BANDS_HELP = "Proficiency bands (Pathwise's own scale): " + bands_documentation()
ORIGIN_HELP = (
    '"source": from the source article (see `source`); "pathwise": Pathwise\'s own model, not '
    "in the source."
)


@extend_schema_field(
    {"type": "string", "enum": list(BAND_NAMES), "description": "A proficiency band's name."}
)
class BandNameField(serializers.CharField):
    """The name of a level's band ("Practitioner"), as an enum in the schema."""


class ProvenanceSerializer(serializers.Serializer[Any]):
    """Where a part of the catalogue comes from, with a label to show beside it."""

    origin = serializers.ChoiceField(choices=Provenance.choices, help_text=ORIGIN_HELP)
    label = serializers.CharField(  # type: ignore[assignment]
        help_text='"From the source article" or "Pathwise\'s own model".'
    )
    note = serializers.CharField(
        allow_blank=True, help_text="What exactly comes from where; may be empty."
    )


def provenance_data(section: Section) -> dict[str, str]:
    return {"origin": section.origin, "label": section.label, "note": section.note}


SOURCE_LABEL = {"origin": Provenance.SOURCE.value, "label": str(Provenance.SOURCE.label)}


class RoleProvenanceSerializer(serializers.Serializer[Any]):
    summary = ProvenanceSerializer()
    stack_position = ProvenanceSerializer()
    day_in_the_life = ProvenanceSerializer(
        help_text='`note` is how the source introduces the list, with its context ("at a UK '
        "tech company\"), or why the list is Pathwise's."
    )
    toolchain = ProvenanceSerializer()
    trajectory = ProvenanceSerializer()
    math_depth = ProvenanceSerializer()
    requirements = ProvenanceSerializer(
        help_text="Always Pathwise's own model; `note` says what the matrix assumes."
    )
    salary_bands = ProvenanceSerializer()


class CatalogueSourceSerializer(serializers.ModelSerializer[CatalogueSource]):
    published_on = serializers.DateField(
        read_only=True, allow_null=True, help_text="null: the source gives no publication date."
    )

    class Meta:
        model = CatalogueSource
        fields = (
            "slug",
            "title",
            "description",
            "file_name",
            "published_on",
            "written_on",
            "revised_on",
            "pathwise_model",
        )


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
    source = CatalogueSourceSerializer(  # type: ignore[assignment]
        read_only=True, allow_null=True, help_text="The article the role is written from."
    )
    provenance = serializers.SerializerMethodField(
        help_text="Per part of the role, whether it comes from the source or is Pathwise's own "
        "model, with a label to show."
    )

    class Meta:
        model = Role
        fields: tuple[str, ...] = (
            "slug",
            "name",
            "summary",
            "stack_position",
            "math_depth",
            "source",
            "provenance",
        )

    @extend_schema_field(RoleProvenanceSerializer)
    def get_provenance(self, role: Role) -> dict[str, dict[str, str]]:
        sections = role_provenance(role)
        return {
            section.name: provenance_data(getattr(sections, section.name))
            for section in fields(RoleProvenance)
        }


class RequirementSerializer(serializers.Serializer[Any]):
    skill = serializers.SlugField()
    name = serializers.CharField()
    target_level = serializers.IntegerField(min_value=1, max_value=5, help_text=BANDS_HELP)
    target_band = BandNameField(help_text="The name of `target_level`'s band. " + BANDS_HELP)
    target_band_meaning = serializers.CharField(help_text="What the band means, in a sentence.")
    weight = serializers.IntegerField(min_value=1)


class RoleLevelSerializer(serializers.Serializer[Any]):
    level = serializers.SlugField()
    name = serializers.CharField()
    offered = serializers.BooleanField(
        help_text="False: the role has no such rung in Pathwise's model (AI Architect starts at "
        "senior); its requirements and salary bands are empty."
    )
    requirements = RequirementSerializer(many=True)
    salary_bands = SalaryBandSerializer(
        many=True, help_text="Empty where the source gives no figure: show it as no data."
    )


def requirement_data(requirement: Any) -> dict[str, Any]:
    level_band = band(requirement.target_level)
    return {
        "skill": requirement.skill.slug,
        "name": requirement.skill.name,
        "target_level": requirement.target_level,
        "target_band": level_band.name if level_band else "",
        "target_band_meaning": level_band.meaning if level_band else "",
        "weight": requirement.weight,
    }


class RoleDetailSerializer(RoleSummarySerializer):
    toolchain = ToolSerializer(source="tools", many=True, read_only=True)
    day_in_the_life = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Short items, in order."
    )
    day_in_the_life_context = serializers.CharField(
        read_only=True,
        help_text='How the list is introduced, e.g. "A typical day for an ML engineer at a UK '
        'tech company might include:".',
    )
    model_note = serializers.CharField(
        read_only=True, help_text="What Pathwise's requirement matrix for this role assumes."
    )
    levels = serializers.SerializerMethodField(
        help_text="Per seniority level: the skills it requires and the salary bands the source "
        "gives."
    )

    class Meta(RoleSummarySerializer.Meta):
        fields = (
            *RoleSummarySerializer.Meta.fields,
            "day_in_the_life",
            "day_in_the_life_context",
            "trajectory",
            "toolchain",
            "model_note",
            "levels",
        )

    @extend_schema_field(RoleLevelSerializer(many=True))
    def get_levels(self, role: Role) -> list[dict[str, Any]]:
        return [
            {
                "level": row.level.slug,
                "name": row.level.name,
                "offered": row.offered,
                "requirements": [requirement_data(r) for r in row.requirements],
                "salary_bands": SalaryBandSerializer(row.salary_bands, many=True).data,
            }
            for row in role_matrix(role=role, levels=self.context["levels"])
        ]


class SourceLabelledSerializer(serializers.Serializer[Any]):
    """`origin` and `label` of something that always comes from the source."""

    origin = serializers.SerializerMethodField(help_text=ORIGIN_HELP)
    label = serializers.SerializerMethodField(  # type: ignore[assignment]
        help_text="The label to show beside it."
    )

    @extend_schema_field(serializers.ChoiceField(choices=Provenance.choices))
    def get_origin(self, obj: Any) -> str:
        return str(SOURCE_LABEL["origin"])

    def get_label(self, obj: Any) -> str:
        return str(SOURCE_LABEL["label"])


class BackgroundSerializer(serializers.ModelSerializer[Background], SourceLabelledSerializer):
    recommended_role: serializers.SlugRelatedField[Role] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    rationale = serializers.CharField(
        read_only=True, help_text="The source's advice for this background, as its advice."
    )

    class Meta:
        model = Background
        fields = ("slug", "name", "recommended_role", "rationale", "origin", "label")


class FrequentQuestionSerializer(
    serializers.ModelSerializer[FrequentQuestion], SourceLabelledSerializer
):
    class Meta:
        model = FrequentQuestion
        fields = ("question", "answer", "origin", "label")


class ComparisonAdviceSerializer(serializers.ModelSerializer[ComparisonAdvice]):
    roles = serializers.SerializerMethodField(help_text="The two role slugs the advice is for.")
    origin = serializers.ChoiceField(
        source="provenance", choices=Provenance.choices, read_only=True, help_text=ORIGIN_HELP
    )
    label = serializers.CharField(  # type: ignore[assignment]
        source="get_provenance_display", read_only=True
    )

    class Meta:
        model = ComparisonAdvice
        fields = ("roles", "text", "origin", "label")

    def get_roles(self, advice: ComparisonAdvice) -> list[str]:
        return [advice.first_role.slug, advice.second_role.slug]


class RoleComparisonSerializer(serializers.Serializer[Any]):
    roles = RoleDetailSerializer(many=True)
    advice = ComparisonAdviceSerializer(
        many=True,
        help_text='"Which should you target?" for each pair of the roles compared, labelled.',
    )
    faq = FrequentQuestionSerializer(many=True)
    source = CatalogueSourceSerializer(allow_null=True)  # type: ignore[assignment]
