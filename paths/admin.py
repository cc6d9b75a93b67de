from typing import Any, cast

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet, Sum
from django.forms import BaseInlineFormSet, ModelForm, ModelMultipleChoiceField
from django.http import HttpRequest

from paths.forms import StepInlineForm
from paths.models import LearningPath, Step
from paths.services import (
    path_archive,
    path_duplicate,
    path_publish,
    path_steps_save,
    step_skills_set,
)
from paths.signals import path_steps_changed


class StepInline(admin.TabularInline):
    model = Step
    form = StepInlineForm
    extra = 1
    ordering = ("position",)
    fields = (
        "position",
        "title",
        "kind",
        "resource_url",
        "estimated_minutes",
        "skill_levels",
        "prerequisites",
    )

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        # Prerequisites can only be steps of the same path.
        same_path = Step.objects.filter(path=obj) if obj else Step.objects.none()
        prerequisites = cast(ModelMultipleChoiceField, formset.form.base_fields["prerequisites"])
        prerequisites.queryset = same_path
        return formset


@admin.register(LearningPath)
class LearningPathAdmin(admin.ModelAdmin):
    list_display = ("title", "role", "level", "status", "estimated_hours", "published_at")
    list_filter = ("status", "role", "level")
    list_select_related = ("role", "level")
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}
    # Status changes only through the actions, which check the path before publishing.
    readonly_fields = ("status", "published_at", "curated_by")
    inlines = (StepInline,)
    actions = ("publish", "archive", "duplicate")

    def get_queryset(self, request: HttpRequest) -> QuerySet[LearningPath]:
        return super().get_queryset(request).annotate(total_minutes=Sum("steps__estimated_minutes"))

    @admin.display(description="estimated hours")
    def estimated_hours(self, path: LearningPath) -> str:
        minutes = getattr(path, "total_minutes", None) or 0
        return f"{minutes / 60:.1f}"

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        if formset.model is not Step:
            super().save_formset(request, form, formset, change)
            return
        formset.save(commit=False)
        for step in formset.deleted_objects:
            step.delete()
        kept = [
            f
            for f in formset.forms
            if f not in formset.deleted_forms and (f.instance.pk or f.has_changed())
        ]
        # Order by the position the curator typed; blank positions go last, in form order.
        kept.sort(key=lambda f: f.cleaned_data.get("position") or 10**9)
        path_steps_save(path=form.instance, steps_in_order=[f.instance for f in kept])
        formset.save_m2m()
        for step_form in kept:
            levels = step_form.cleaned_data.get("skill_levels") or {}
            step_skills_set(
                step=step_form.instance, levels={skill.pk: lvl for skill, lvl in levels.items()}
            )
        path = form.instance
        if path.status == LearningPath.Status.PUBLISHED and formset.has_changed():
            # Completed steps of this path may now grant other levels: the learner side marks
            # its learners stale, in this transaction.
            path_steps_changed.send(sender=LearningPath, path_id=path.pk)

    @admin.action(description="Publish selected paths")
    def publish(self, request: HttpRequest, queryset: QuerySet[LearningPath]) -> None:
        for path in queryset:
            try:
                path_publish(path=path, by=request.user)  # type: ignore[arg-type]
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(request, f'Published "{path.title}".', messages.SUCCESS)

    @admin.action(description="Archive selected paths")
    def archive(self, request: HttpRequest, queryset: QuerySet[LearningPath]) -> None:
        for path in queryset:
            path_archive(path=path)
        self.message_user(request, f"Archived {len(queryset)} path(s).", messages.SUCCESS)

    @admin.action(description="Duplicate selected paths as drafts")
    def duplicate(self, request: HttpRequest, queryset: QuerySet[LearningPath]) -> None:
        for path in queryset:
            copy = path_duplicate(path=path, by=request.user)  # type: ignore[arg-type]
            self.message_user(request, f'Created draft "{copy.title}".', messages.SUCCESS)
