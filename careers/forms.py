"""The "which role fits me?" quiz form (careers/quiz.py scores it). A GET form: it works
without JavaScript, and the answers are in the result's address, so a result can be shared."""

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from careers import quiz
from careers.models import Background


class QuizForm(forms.Form):
    background = forms.ChoiceField(
        label=_("Where do you come from?"), widget=forms.RadioSelect, choices=()
    )
    maths = forms.ChoiceField(
        label=_("How comfortable are you with mathematics and statistics?"),
        widget=forms.RadioSelect,
        choices=quiz.MATHS_CHOICES,
    )
    work = forms.ChoiceField(
        label=_("Which work appeals to you most?"),
        widget=forms.RadioSelect,
        choices=quiz.WORK_CHOICES,
    )
    experience = forms.ChoiceField(
        label=_("How long have you worked in software, data or research?"),
        widget=forms.RadioSelect,
        choices=quiz.EXPERIENCE_CHOICES,
    )

    def __init__(self, *args: Any, backgrounds: Sequence[Background], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "quiz_%s")
        super().__init__(*args, **kwargs)
        self.backgrounds = {background.slug: background for background in backgrounds}
        field = cast(forms.ChoiceField, self.fields["background"])
        field.choices = [
            *((b.slug, b.name) for b in backgrounds),
            (quiz.OTHER_BACKGROUND, _("Something else")),
        ]

    def background_chosen(self) -> Background | None:
        """The chosen background; None for "something else". Call after is_valid()."""
        return self.backgrounds.get(self.cleaned_data["background"])
