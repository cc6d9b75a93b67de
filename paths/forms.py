"""Admin forms of the path editor. Nobody types a slug: skills are picked with an autocomplete
and a named level, prerequisites are ticked among the earlier steps, order is dragged."""

from typing import Any, cast

from django import forms
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from careers.bands import BANDS
from paths.models import Step, StepSkill


class LabelledRows(BaseInlineFormSet):
    """A table row has column headings, not labels: name each input of each row (its column
    and the row) for screen readers, the Delete box included."""

    def row_name(self, form: forms.BaseForm) -> str:
        instance = getattr(form, "instance", None)
        return str(instance) if instance is not None and instance.pk else gettext("new row")

    def add_fields(self, form: forms.BaseForm, index: int | None) -> None:
        super().add_fields(form, index)
        row = self.row_name(form)
        for field in form.fields.values():
            # The admin wraps related-object widgets (RelatedFieldWidgetWrapper): label the
            # widget that renders the input.
            widget = cast(forms.Widget, getattr(field.widget, "widget", field.widget))
            if not widget.is_hidden:
                widget.attrs["aria-label"] = f"{field.label} ({row})"


class StepInlineForm(forms.ModelForm):
    """One row of the steps table on the path page. The position is adminsortable2's hidden
    order field, set by dragging; skills and prerequisites are edited on the step's page."""

    resource_url = forms.URLField(
        label=_("Resource URL"),
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"size": 18}),
    )

    class Meta:
        model = Step
        fields = ("position", "title", "kind", "resource_url", "estimated_minutes")
        labels = {"estimated_minutes": _("Minutes")}
        widgets = {
            "title": forms.TextInput(attrs={"size": 22}),
            "estimated_minutes": forms.NumberInput(attrs={"class": "vIntegerField", "min": 1}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "position" in self.fields:
            self.fields["position"].required = False

    def _get_validation_exclusions(self) -> set[str]:
        # Positions are renumbered 1..n on save (path_steps_save), so a curator may swap two
        # positions without the per-row unique check refusing the intermediate state.
        return {*super()._get_validation_exclusions(), "position"}  # type: ignore[misc]


def steps_order_problems(forms_in_order: list[forms.ModelForm]) -> list[str]:
    """A step may only come after its prerequisites: the problems of this new order."""
    index = {form.instance.pk: i for i, form in enumerate(forms_in_order) if form.instance.pk}
    problems = []
    for i, form in enumerate(forms_in_order):
        step = form.instance
        if not step.pk:
            continue
        for prerequisite in step.prerequisites.all():
            if index.get(prerequisite.pk, -1) > i:
                problems.append(
                    gettext(
                        "“%(step)s” needs “%(prerequisite)s” first: move it below, or untick "
                        "that prerequisite on the step's page."
                    )
                    % {"step": step.title, "prerequisite": prerequisite.title}
                )
    return problems


class StepForm(forms.ModelForm):
    """A step's own page: prerequisites are checkboxes of the earlier steps of its path."""

    resource_url = forms.URLField(label=_("Resource URL"), required=False, assume_scheme="https")

    class Meta:
        model = Step
        fields = ("title", "kind", "resource_url", "estimated_minutes", "prerequisites")
        labels = {
            "estimated_minutes": _("Estimated minutes"),
            "prerequisites": _("Comes after"),
        }
        help_texts = {
            "prerequisites": _(
                "Earlier steps of this path the learner finishes first. To depend on a later "
                "step, drag this step below it on the path's page."
            )
        }
        widgets = {"prerequisites": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelMultipleChoiceField, self.fields["prerequisites"])
        step = self.instance
        field.queryset = (
            Step.objects.filter(path_id=step.path_id, position__lt=step.position).order_by(
                "position"
            )
            if step.pk
            else Step.objects.none()
        )


LEVEL_CHOICES = [(band.level, band.label) for band in BANDS]


class StepSkillForm(forms.ModelForm):
    """A skill the step teaches (picked with the admin's autocomplete) and the level, by name."""

    level = forms.TypedChoiceField(
        label=_("Level it brings the learner to"),
        choices=[("", _("Choose a level")), *LEVEL_CHOICES],
        coerce=int,
        help_text=_("Pathwise's own 1-5 scale."),
    )

    class Meta:
        model = StepSkill
        fields = ("skill", "level")
