"""Web forms. They check shapes; the services check the rules, and the views show a service's
ValidationError on the form."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from careers.models import SeniorityLevel
from paths.models import Step
from tracker.form_fields import HourField, TimeZoneField
from tracker.models import MINUTES_PER_DAY, MINUTES_PER_WEEK, LearnerProfile, ProgressEntry
from tracker.services import PROFILE_FIELDS


class ProgressForm(forms.Form):
    step = forms.ModelChoiceField(queryset=Step.objects.none(), label=_("Step"), empty_label=None)
    minutes = forms.IntegerField(min_value=0, max_value=MINUTES_PER_DAY, label=_("Minutes spent"))
    status = forms.ChoiceField(
        choices=[
            (ProgressEntry.Status.STARTED, _("Started: still working on it")),
            (ProgressEntry.Status.COMPLETED, _("Completed")),
        ],
        label=_("Where it stands"),
    )
    note = forms.CharField(
        required=False,
        max_length=2000,
        label=_("Note"),
        help_text=_("For you: shown on this step."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    evidence_url = forms.URLField(
        required=False,
        max_length=500,
        assume_scheme="https",
        label=_("Evidence link"),
        help_text=_("A repository, notebook or write-up that shows the work."),
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
        label=_("Target date"),
        # A date input submits and shows ISO dates only: the locale's 01/03/2027 would come
        # back empty and clear the date.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    STATUS_SAVED = {
        "active": _("Enrolment resumed."),
        "paused": _("Enrolment paused."),
        "withdrawn": _("You have withdrawn from this path. Your completed steps are kept."),
        "completed": _("Enrolment completed."),
    }

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
        done = [str(_("Target date saved."))] if "target_date" in changes else []
        if "status" in changes:
            done.append(str(self.STATUS_SAVED.get(changes["status"], changes["status"])))
        return " ".join(done)


# The settings form's review fields; saved through learner_profile_update like the rest.
REVIEW_FIELDS = ("remind_reviews_due", "desired_retention")
RETENTION_CHOICES = (
    (0.8, _("80%")),
    (0.85, _("85%")),
    (0.9, _("90% (recommended)")),
    (0.95, _("95%")),
)


class RetentionField(forms.TypedChoiceField):
    """One of RETENTION_CHOICES, however the number is written ("0.90" is 0.9)."""

    def valid_value(self, value: Any) -> bool:
        try:
            number = float(value)
        except (TypeError, ValueError):
            return False
        offered = cast(list[tuple[float, str]], self.choices)
        return any(number == float(choice) for choice, _label in offered)


class ProfileForm(forms.ModelForm):
    """The settings page: every profile field, in sections, with time pickers for hours, a
    searchable time-zone list, and named empty choices (never "---------")."""

    preferred_hour = HourField(
        label=_("Reminder time"), help_text=_("Your local time, on the hour.")
    )
    quiet_hours_start = HourField(required=False, label=_("Quiet from"))
    quiet_hours_end = HourField(
        required=False,
        label=_("Quiet until"),
        help_text=_("No reminder arrives between these times. Leave both empty for none."),
    )
    timezone = TimeZoneField()
    desired_retention = RetentionField(
        choices=RETENTION_CHOICES,
        coerce=float,
        required=False,  # left out of a POST: unchanged
        empty_value=None,
        label=_("Desired retention"),
        help_text=_(
            "How likely you want to be to still recall a skill when it comes up for review. "
            "Higher means more frequent reviews."
        ),
    )

    SECTIONS = (
        (
            _("Target"),
            _("Where you come from and the role and level you are working towards."),
            ("background", "target_role", "target_level"),
        ),
        (_("Weekly goal"), "", ("weekly_goal_minutes",)),
        (
            _("Reminders"),
            _("Emails that help you keep going; each has a one-click unsubscribe link."),
            (
                "timezone",
                "preferred_hour",
                "remind_inactivity",
                "inactivity_days",
                "remind_behind_pace",
                "remind_weekly_digest",
                "remind_reviews_due",
                "desired_retention",
            ),
        ),
        (_("Quiet hours"), "", ("quiet_hours_start", "quiet_hours_end")),
    )

    class Meta:
        model = LearnerProfile
        fields = (*PROFILE_FIELDS, *(f for f in REVIEW_FIELDS if f not in PROFILE_FIELDS))
        labels = {
            "background": _("Your background"),
            "target_role": _("Target role"),
            "target_level": _("Target level"),
            "weekly_goal_minutes": _("Minutes a week"),
            "remind_inactivity": _("Remind me when I have not logged anything for a while"),
            "inactivity_days": _("Days without progress before that reminder"),
            "remind_behind_pace": _("Remind me when I fall behind my weekly goal"),
            "remind_weekly_digest": _("Send me a weekly digest"),
            "remind_reviews_due": _("Remind me when skills are due a review"),
        }
        help_texts = {
            "weekly_goal_minutes": _("180 minutes is 3 hours a week."),
            "inactivity_days": _("Between 1 and 60 days."),
        }
        widgets = {
            "weekly_goal_minutes": forms.NumberInput(attrs={"min": 0, "step": 15}),
            "inactivity_days": forms.NumberInput(attrs={"min": 1, "max": 60}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        empty = {
            "background": _("Not chosen yet"),
            "target_role": _("No target role yet"),
            "target_level": _("No target level yet"),
        }
        for name, label in empty.items():
            cast(forms.ModelChoiceField, self.fields[name]).empty_label = str(label)
        levels = cast(forms.ModelChoiceField, self.fields["target_level"])
        levels.queryset = SeniorityLevel.objects.order_by("rank")
        retention = cast(RetentionField, self.fields["desired_retention"])
        current = self.instance.desired_retention
        if current is not None and not any(current == c for c, _label in RETENTION_CHOICES):
            # Set another way (the API, the admin): offered as it is, so saving keeps it.
            retention.choices = sorted(
                [*RETENTION_CHOICES, (current, f"{round(current * 100)}%")], key=lambda c: c[0]
            )

    def clean_desired_retention(self) -> float:
        value = self.cleaned_data["desired_retention"]
        return float(self.instance.desired_retention if value is None else value)

    def sections(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        return [
            (str(title), str(help_text), [self[name] for name in names])
            for title, help_text, names in self.SECTIONS
        ]


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        label=_("Your password, to confirm"),
    )


class PlanForm(forms.Form):
    weekly_minutes = forms.IntegerField(
        label=_("What if I had this many minutes a week?"),
        required=False,
        min_value=1,
        max_value=MINUTES_PER_WEEK,
    )
