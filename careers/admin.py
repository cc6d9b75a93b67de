from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from careers.models import (
    Background,
    CatalogueSource,
    ComparisonAdvice,
    FrequentQuestion,
    Role,
    RoleRequirement,
    SalaryBand,
    SeniorityLevel,
    Skill,
    Tool,
)
from careers.signals import requirements_changed


class RoleRequirementInline(admin.TabularInline):
    model = RoleRequirement
    extra = 0
    autocomplete_fields = ("skill",)
    ordering = ("level__rank", "skill__name")


class SalaryBandInline(admin.StackedInline):
    model = SalaryBand
    extra = 0


class MarksLearnersStale(admin.ModelAdmin):
    """Requirements feed every learner's stored readiness: after a curator changes them, say so
    (`requirements_changed`, in the same transaction); the learner side marks every learner
    stale in one statement and lets the sweep recompute."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        requirements_changed.send(sender=self.model)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        requirements_changed.send(sender=self.model)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        # The delete action, unlike the change and delete pages, runs outside a transaction.
        with transaction.atomic(using=queryset.db):
            super().delete_queryset(request, queryset)
            requirements_changed.send(sender=self.model)


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


@admin.register(CatalogueSource)
class CatalogueSourceAdmin(admin.ModelAdmin):
    list_display = ("title", "written_on", "revised_on")


@admin.register(ComparisonAdvice)
class ComparisonAdviceAdmin(admin.ModelAdmin):
    list_display = ("first_role", "second_role", "position", "provenance")
    list_filter = ("provenance",)
    list_select_related = ("first_role", "second_role")


@admin.register(FrequentQuestion)
class FrequentQuestionAdmin(admin.ModelAdmin):
    list_display = ("question", "position")
