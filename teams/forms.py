"""Web forms of teams: shapes only; the services check the rules."""

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from paths.models import LearningPath
from teams.models import Cohort
from teams.services import INVITES_PER_REQUEST


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = ("name", "target_role", "target_level")
        labels = {
            "name": _("Name"),
            "target_role": _("Target role"),
            "target_level": _("Target level"),
        }


class InviteForm(forms.Form):
    emails = forms.CharField(
        label=_("Email addresses"),
        help_text=_("Separated by commas, spaces or new lines; up to %(n)d at a time.")
        % {"n": INVITES_PER_REQUEST},
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_emails(self) -> list[str]:
        return [e for e in re.split(r"[\s,;]+", self.cleaned_data["emails"]) if e]


class AssignmentForm(forms.Form):
    path = forms.ModelChoiceField(
        queryset=LearningPath.objects.filter(status=LearningPath.Status.PUBLISHED).order_by(
            "title"
        ),
        label=_("Path"),
        to_field_name="slug",
    )
    due_date = forms.DateField(
        label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["path"].label_from_instance = lambda path: path.title  # type: ignore[attr-defined]
