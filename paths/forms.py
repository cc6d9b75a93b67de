"""Admin forms for learning paths: a step's skills edited as "skill-slug:level" pairs."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from careers.models import PROFICIENCY_MAX, PROFICIENCY_MIN, Skill
from paths.models import Step


def parse_skill_levels(text: str) -> dict[str, int]:
    """ "rag-architecture:3, evaluation:2" -> {"rag-architecture": 3, "evaluation": 2}."""
    levels: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in text.replace("\n", ",").split(","))):
        slug, _, level = item.partition(":")
        if not level.strip().isdigit():
            raise ValidationError(
                f'"{item}" should look like skill-slug:level, e.g. rag-architecture:3.'
            )
        number = int(level)
        if not PROFICIENCY_MIN <= number <= PROFICIENCY_MAX:
            raise ValidationError(
                f'"{item}": levels run from {PROFICIENCY_MIN} to {PROFICIENCY_MAX}.'
            )
        levels[slug.strip()] = number
    return levels


class StepInlineForm(forms.ModelForm):
    resource_url = forms.URLField(label="Resource URL", required=False, assume_scheme="https")
    skill_levels = forms.CharField(
        label="Skills taught",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 30}),
        help_text="skill-slug:level pairs, comma separated (levels 1-5).",
    )

    class Meta:
        model = Step
        fields = ("position", "title", "kind", "resource_url", "estimated_minutes", "prerequisites")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["position"].required = False
        if self.instance.pk:
            self.initial["skill_levels"] = ", ".join(
                f"{link.skill.slug}:{link.level}"
                for link in self.instance.step_skills.select_related("skill")
            )

    def clean_skill_levels(self) -> dict[Skill, int]:
        levels = parse_skill_levels(self.cleaned_data["skill_levels"])
        skills = {skill.slug: skill for skill in Skill.objects.filter(slug__in=levels)}
        unknown = sorted(set(levels) - set(skills))
        if unknown:
            raise ValidationError(f"Unknown skill: {', '.join(unknown)}.")
        return {skills[slug]: level for slug, level in levels.items()}

    def _get_validation_exclusions(self) -> set[str]:
        # Positions are renumbered 1..n on save (path_steps_save), so a curator may swap two
        # positions without the per-row unique check refusing the intermediate state.
        return {*super()._get_validation_exclusions(), "position"}  # type: ignore[misc]
