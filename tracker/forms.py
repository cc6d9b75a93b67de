"""Web forms. They check shapes; the services check the rules, and the views show a service's
ValidationError on the form."""

from typing import Any, cast

from django import forms

from paths.models import Step
from tracker.models import MINUTES_PER_DAY, LearnerProfile, ProgressEntry
from tracker.services import PROFILE_FIELDS


class ProgressForm(forms.Form):
    step = forms.ModelChoiceField(queryset=Step.objects.none(), label="Step")
    minutes = forms.IntegerField(min_value=0, max_value=MINUTES_PER_DAY, label="Minutes spent")
    status = forms.ChoiceField(choices=ProgressEntry.Status.choices, label="Where it stands")
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence_url = forms.URLField(
        required=False, max_length=500, assume_scheme="https", label="Evidence link"
    )

    def __init__(self, *args: Any, steps: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["step"]).queryset = steps


class EnrolmentChangeForm(forms.Form):
    """The enrolment page's status buttons and target date. A POST may carry both, applied
    together or not at all; the service checks the status and the date."""

    status = forms.CharField(required=False, max_length=20)
    target_date = forms.DateField(
        required=False,
        label="Target date",
        # A date input submits and shows ISO dates only: the locale's 01/03/2027 would come
        # back empty and clear the date.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def changes(self) -> dict[str, Any]:
        changes: dict[str, Any] = {}
        if "target_date" in self.data:
            changes["target_date"] = self.cleaned_data["target_date"]
        if self.cleaned_data["status"] or not changes:  # an empty status is refused
            changes["status"] = self.cleaned_data["status"]
        return changes

    def error_text(self) -> str:
        return " ".join(str(message) for messages in self.errors.values() for message in messages)

    def saved_text(self) -> str:
        changes = self.changes()
        done = ["Target date saved."] if "target_date" in changes else []
        if "status" in changes:
            done.append(f"Enrolment {changes['status']}.")
        return " ".join(done)


class ProfileForm(forms.ModelForm):
    class Meta:
        model = LearnerProfile
        fields = PROFILE_FIELDS
        labels = {
            "preferred_hour": "Preferred reminder hour (local, 0-23)",
            "quiet_hours_start": "Quiet hours start (0-23)",
            "quiet_hours_end": "Quiet hours end (0-23)",
            "weekly_goal_minutes": "Weekly goal (minutes)",
        }


class DeleteAccountForm(forms.Form):
    password = forms.CharField(widget=forms.PasswordInput, label="Your password, to confirm")
