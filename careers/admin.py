from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from careers.models import (
    Background,
    FrequentQuestion,
    Role,
    RoleRequirement,
    SalaryBand,
    SeniorityLevel,
    Skill,
    Tool,
)
from tracker.services import learners_mark_stale


class RoleRequirementInline(admin.TabularInline):
    model = RoleRequirement
    extra = 0
    autocomplete_fields = ("skill",)
    ordering = ("level__rank", "skill__name")


class SalaryBandInline(admin.StackedInline):
    model = SalaryBand
    extra = 0


class MarksLearnersStale(admin.ModelAdmin):
    """Requirements feed every learner's stored readiness: after a curator changes them, mark
    every learner stale in one statement and let the sweep recompute."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        learners_mark_stale()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        learners_mark_stale()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        super().delete_queryset(request, queryset)
        learners_mark_stale()


@admin.register(Role)
class RoleAdmin(MarksLearnersStale):
    list_display = ("name", "slug", "math_depth", "position")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("tools",)
    inlines = (RoleRequirementInline, SalaryBandInline)
    search_fields = ("name",)


@admin.register(SeniorityLevel)
class SeniorityLevelAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "rank")


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "category")
    list_filter = ("category",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Tool)
class ToolAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "docs_url")
    search_fields = ("name", "slug")
    filter_horizontal = ("skills",)
    prepopulated_fields = {"slug": ("name",)}
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(RoleRequirement)
class RoleRequirementAdmin(MarksLearnersStale):
    list_display = ("role", "level", "skill", "target_level", "weight")
    list_filter = ("role", "level")
    list_select_related = ("role", "level", "skill")
    autocomplete_fields = ("skill",)


@admin.register(Background)
class BackgroundAdmin(admin.ModelAdmin):
    list_display = ("name", "recommended_role", "position")
    list_select_related = ("recommended_role",)


@admin.register(FrequentQuestion)
class FrequentQuestionAdmin(admin.ModelAdmin):
    list_display = ("question", "position")
