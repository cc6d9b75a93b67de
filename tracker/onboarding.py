"""The first run: a new learner's few questions, one page each, then a path to start on.

background -> role (the recommended role with its reasons, and the target role and level) ->
goal (minutes a week) -> reminders (time and time zone) -> done (a suggested path).

Each step's form checks shapes; the profile services check the rules, so a step refuses what the
settings page and the API refuse. The browser's time zone comes in with the first step (a hidden
field the page's script fills); a name this machine does not know is ignored there, and the
reminders step shows the zone, searchable, for the learner to confirm. The onboarding is done
(`LearnerProfile.onboarded_at`) when the reminders step is saved or the learner skips the rest.
"""

from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from careers.models import Background, Role, SeniorityLevel
from careers.selectors import role_entry_ranks, roles_list
from paths.models import LearningPath
from paths.selectors import published_paths
from tracker.form_fields import HourField, TimeZoneField, canonical_timezone
from tracker.models import MINUTES_PER_WEEK, LearnerProfile


@dataclass(frozen=True)
class Step:
    slug: str
    title: Any  # a lazy translation


STEPS = (
    Step("background", _("Background")),
    Step("role", _("Target role")),
    Step("goal", _("Weekly goal")),
    Step("reminders", _("Reminders")),
)
DONE = "done"
SLUGS = tuple(step.slug for step in STEPS)


def step_after(slug: str) -> str:
    index = SLUGS.index(slug)
    return SLUGS[index + 1] if index + 1 < len(SLUGS) else DONE


def step_before(slug: str) -> str | None:
    index = SLUGS.index(slug) if slug in SLUGS else len(SLUGS)
    return SLUGS[index - 1] if index > 0 else None


# --- Forms ---------------------------------------------------------------------------------


class _ModelRadio(forms.ModelChoiceField):
    widget = forms.RadioSelect

    def __init__(self, queryset: Any, **kwargs: Any) -> None:
        super().__init__(queryset=queryset, empty_label=None, **kwargs)


class BackgroundStepForm(forms.Form):
    background = _ModelRadio(
        queryset=Background.objects.none(),
        label=_("Which is closest to where you come from?"),
        error_messages={
            "required": _("Choose the background closest to yours, or skip this step.")
        },
    )
    # Filled by the page's script from the browser (Intl.DateTimeFormat); empty without it.
    timezone = forms.CharField(
        required=False, max_length=64, widget=forms.HiddenInput(attrs={"data-browser-timezone": ""})
    )

    def __init__(self, *args: Any, backgrounds: QuerySet[Background], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["background"]).queryset = backgrounds

    def changes(self) -> dict[str, Any]:
        changes: dict[str, Any] = {"background": self.cleaned_data["background"]}
        # The browser's zone, by its current name (Chromium still says Asia/Calcutta); a name
        # this machine does not know is ignored: the reminders step shows the zone to confirm.
        zone = canonical_timezone(self.cleaned_data.get("timezone", ""))
        if zone:
            changes["timezone"] = zone
        return changes


class RoleStepForm(forms.Form):
    target_role = _ModelRadio(
        queryset=Role.objects.none(),
        label=_("Target role"),
        error_messages={"required": _("Choose the role you want to work towards.")},
    )
    target_level = _ModelRadio(
        queryset=SeniorityLevel.objects.none(),
        label=_("Target level"),
        error_messages={"required": _("Choose the level you want to reach.")},
    )

    def __init__(
        self, *args: Any, roles: QuerySet[Role], levels: list[SeniorityLevel], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["target_role"]).queryset = roles
        level_field = cast(forms.ModelChoiceField, self.fields["target_level"])
        level_field.queryset = SeniorityLevel.objects.filter(pk__in=[lv.pk for lv in levels])
        # The choices from the levels already read, in rank order (no query per render).
        level_field.choices = [(level.pk, level.name) for level in levels]

    def changes(self) -> dict[str, Any]:
        return {
            "target_role": self.cleaned_data["target_role"],
            "target_level": self.cleaned_data["target_level"],
        }


GOAL_PRESETS = (
    (60, _("1 hour a week: a light start")),
    (120, _("2 hours a week")),
    (180, _("3 hours a week: Pathwise's suggestion for most people")),
    (300, _("5 hours a week")),
    (600, _("10 hours a week: a fast track")),
)
CUSTOM = "custom"


class GoalStepForm(forms.Form):
    goal = forms.ChoiceField(
        choices=[*((str(m), label) for m, label in GOAL_PRESETS), (CUSTOM, _("Another amount"))],
        widget=forms.RadioSelect,
        label=_("How much time can you give each week?"),
        error_messages={"required": _("Choose a weekly goal, or skip this step.")},
    )
    custom_minutes = forms.IntegerField(
        required=False,
        min_value=15,
        max_value=MINUTES_PER_WEEK,
        label=_("Another amount, in minutes a week"),
        help_text=_("For example 240 for 4 hours."),
        widget=forms.NumberInput(attrs={"step": 15, "inputmode": "numeric"}),
    )

    @classmethod
    def initial_for(cls, profile: LearnerProfile) -> dict[str, Any]:
        minutes = profile.weekly_goal_minutes
        if minutes in {m for m, _label in GOAL_PRESETS}:
            return {"goal": str(minutes)}
        return {"goal": CUSTOM, "custom_minutes": minutes}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        missing = cleaned.get("goal") == CUSTOM and cleaned.get("custom_minutes") is None
        if missing and "custom_minutes" not in self.errors:
            self.add_error(
                "custom_minutes", _("Enter your minutes a week, or choose one of the goals above.")
            )
        return cleaned

    def changes(self) -> dict[str, Any]:
        goal = self.cleaned_data["goal"]
        minutes = self.cleaned_data["custom_minutes"] if goal == CUSTOM else int(goal)
        return {"weekly_goal_minutes": minutes}


class RemindersStepForm(forms.Form):
    reminders = forms.BooleanField(
        required=False,
        label=_("Email me reminders"),
        help_text=_(
            "When you have been away a few days, when you fall behind your weekly goal, and a "
            "weekly digest. Each email has a one-click unsubscribe link."
        ),
    )
    preferred_hour = HourField(
        label=_("Send them at"), help_text=_("Your local time, on the hour.")
    )
    timezone = TimeZoneField()

    @classmethod
    def initial_for(cls, profile: LearnerProfile) -> dict[str, Any]:
        return {
            "reminders": profile.remind_inactivity
            or profile.remind_behind_pace
            or profile.remind_weekly_digest,
            "preferred_hour": profile.preferred_hour,
            "timezone": profile.timezone,
        }

    def changes(self) -> dict[str, Any]:
        on = self.cleaned_data["reminders"]
        return {
            "remind_inactivity": on,
            "remind_behind_pace": on,
            "remind_weekly_digest": on,
            "preferred_hour": self.cleaned_data["preferred_hour"],
            "timezone": self.cleaned_data["timezone"],
        }


# --- What the steps show ----------------------------------------------------------------------


def level_notes(levels: list[SeniorityLevel]) -> list[str]:
    """ "AI Architect starts at Senior." for each role whose ladder starts above the first
    rung (careers.selectors.role_entry_ranks)."""
    by_rank = {level.rank: level for level in levels}
    lowest = min(by_rank, default=None)
    names = dict(roles_list().values_list("slug", "name"))
    return [
        str(_("%(role)s starts at %(level)s.") % {"role": names[slug], "level": by_rank[rank].name})
        for slug, rank in sorted(role_entry_ranks().items(), key=lambda item: item[1])
        if lowest is not None and rank != lowest and rank in by_rank and slug in names
    ]


def role_step_initial(
    *, profile: LearnerProfile, recommended_slug: str | None, roles: list[Role]
) -> dict[str, Any]:
    """The learner's target if they have one, else the recommended role at its first rung."""
    if profile.target_role_id:
        return {"target_role": profile.target_role_id, "target_level": profile.target_level_id}
    role = next((r for r in roles if r.slug == recommended_slug), None)
    if role is None:
        return {}
    entry = role_entry_ranks().get(role.slug)
    level = SeniorityLevel.objects.filter(rank=entry).first() if entry is not None else None
    return {"target_role": role.pk, "target_level": level.pk if level else None}


def suggested_path(*, role: Role | None, level: SeniorityLevel | None) -> LearningPath | None:
    """The published path that best fits the role and level: the path at that level, else the
    nearest level below it, else the nearest above; with no level, the role's first rung."""
    if role is None:
        return None
    candidates = list(published_paths().filter(role=role))
    if not candidates:
        return None
    if level is None:
        return min(candidates, key=lambda p: (p.level.rank, p.title))
    return min(
        candidates,
        key=lambda p: (abs(p.level.rank - level.rank), p.level.rank > level.rank, p.title),
    )
