"""Curators write and edit question banks: a question with its choices inline, the kind's rule
(one correct answer, or two or more) checked on save."""

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.forms import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from assessments.banks import answer_rule_broken
from assessments.models import Choice, Question


class ChoiceFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        kind = self.instance.kind if self.instance else Question.Kind.SINGLE
        broken = answer_rule_broken(kind, sum(bool(c.get("is_correct")) for c in kept), len(kept))
        if broken:
            raise ValidationError(broken)


class ChoiceInline(admin.TabularInline):
    model = Choice
    formset = ChoiceFormSet
    fields = ("position", "text", "is_correct")
    extra = 0
    min_num = 3
    max_num = 5


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("text", "skill", "level", "kind", "choice_count", "is_active")
    list_filter = ("is_active", "level", "kind", "skill")
    list_select_related = ("skill",)
    search_fields = ("text", "skill__name")
    autocomplete_fields = ("skill",)
    fields = ("skill", "level", "kind", "text", "explanation", "source_url", "is_active")
    inlines = (ChoiceInline,)

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "source_url":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Question]:
        return super().get_queryset(request).annotate(choices_total=Count("choices"))

    @admin.display(description=_("choices"))
    def choice_count(self, question: Any) -> int:
        return question.choices_total
