"""The path editor for curators. On a path's page: its details, a compact table of its steps
(dragged into order, adminsortable2), Preview (the learner's page of the path as saved),
Publish, and for a published path "Edit in a draft copy". On a step's page: its skills, picked
with an autocomplete and a named level, and its prerequisites, ticked among the earlier steps."""

from typing import Any

from adminsortable2.admin import (
    CustomInlineFormSet,
    SortableAdminBase,
    SortableTabularInline,
)
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect, RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.forms import BaseInlineFormSet, ModelForm
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from careers.bands import BY_LEVEL
from paths.forms import (
    LabelledRows,
    StepForm,
    StepInlineForm,
    StepSkillForm,
    steps_order_problems,
)
from paths.models import LearningPath, Step, StepSkill
from paths.selectors import paths_for_preview, steps_for_editor
from paths.services import (
    path_archive,
    path_draft_open,
    path_duplicate,
    path_publish,
    path_steps_save,
    step_delete,
)
from paths.signals import path_steps_changed

MEDIA_CSS = {"all": ("paths/admin.css",)}
MEDIA_JS = ("admin/js/jquery.init.js", "paths/admin_steps.js")  # after django.jQuery


def _add_only(formfield: Any) -> Any:
    """A role, level or skill picked in the path editor may be added from there, not changed
    or deleted (that is done on its own page, where its other uses are visible)."""
    if formfield is not None and isinstance(formfield.widget, RelatedFieldWidgetWrapper):
        formfield.widget.can_change_related = False
        formfield.widget.can_delete_related = False
    return formfield


def _draft_open_for(path: LearningPath | None) -> bool:
    """A draft copy of this published path is open: the path then changes only by publishing
    the draft, which would overwrite a direct edit. Cached on the instance for the request."""
    if path is None or path.pk is None or path.status != LearningPath.Status.PUBLISHED:
        return False
    if not hasattr(path, "_draft_open"):
        path._draft_open = LearningPath.objects.filter(draft_of=path).exists()  # type: ignore[attr-defined]
    return bool(path._draft_open)  # type: ignore[attr-defined]


def _position(form: ModelForm) -> int:
    return form.cleaned_data.get("position") or 10**9  # a new row without one goes last


def _kept_in_order(formset: BaseInlineFormSet) -> list[ModelForm]:
    """The step rows kept (not deleted, not an untouched blank), in the order they were
    dragged into."""
    deleted = set(formset.deleted_forms)
    kept = [f for f in formset.forms if f not in deleted and (f.instance.pk or f.has_changed())]
    return sorted(kept, key=_position)


class StepFormSet(LabelledRows, CustomInlineFormSet):
    """The steps in their new order: a step may not be dragged above one of its
    prerequisites."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        problems = steps_order_problems(_kept_in_order(self))
        if problems:
            raise ValidationError(problems)


class StepInline(SortableTabularInline):
    model = Step
    form = StepInlineForm
    formset = StepFormSet
    extra = 0
    ordering = ("position",)
    fields = ("title", "kind", "estimated_minutes", "resource_url", "skills_taught", "comes_after")
    readonly_fields = ("skills_taught", "comes_after")
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[Step]:
        if not self.has_view_or_change_permission(request):
            return Step.objects.none()
        return steps_for_editor()

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _draft_open_for(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _draft_open_for(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _draft_open_for(obj) and super().has_delete_permission(request, obj)

    @admin.display(description=_("Skills taught"))
    def skills_taught(self, step: Step) -> str:
        links = list(step.step_skills.all()) if step.pk else []
        if not links:
            return gettext("None yet: add one on the step's page")
        return ", ".join(f"{link.skill.name} {BY_LEVEL[link.level].label}" for link in links)

    @admin.display(description=_("Comes after"))
    def comes_after(self, step: Step) -> str:
        positions = sorted(p.position for p in step.prerequisites.all()) if step.pk else []
        return ", ".join(gettext("step %(n)s") % {"n": n} for n in positions) or "—"


@admin.register(LearningPath)
class LearningPathAdmin(SortableAdminBase, admin.ModelAdmin):
    list_display = (
        "title",
        "role",
        "level",
        "status",
        "draft_of",
        "estimated_hours",
        "published_at",
    )
    list_filter = ("status", "role", "level")
    list_select_related = ("role", "level", "draft_of")
    search_fields = ("title", "slug")
    fieldsets = (
        (None, {"fields": (("title", "slug"), ("role", "level"), "summary", "sequential")}),
        (_("Publication"), {"fields": (("status", "published_at", "curated_by"),)}),
    )
    # Status changes only through Publish and the actions, which check the path first.
    readonly_fields = ("status", "published_at", "curated_by", "draft_of")
    inlines = (StepInline,)
    actions = ("publish", "archive", "duplicate")

    class Media:
        css = MEDIA_CSS
        js = MEDIA_JS

    def get_queryset(self, request: HttpRequest) -> QuerySet[LearningPath]:
        return super().get_queryset(request).annotate(total_minutes=Sum("steps__estimated_minutes"))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # While its draft copy is open, a published path is shown read-only, with a link on.
        return not _draft_open_for(obj) and super().has_change_permission(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        # A draft copy publishes onto its path, whose slug (and learners' links) stay.
        return (*fields, "slug") if obj is not None and obj.draft_of_id else fields

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not obj.draft_of_id:
            return fieldsets
        main, (title, options) = fieldsets
        return (main, (title, {"fields": (*options["fields"], "draft_of")}))

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        return _add_only(super().formfield_for_dbfield(db_field, request, **kwargs))

    def get_prepopulated_fields(self, request: HttpRequest, obj: Any = None) -> dict[str, Any]:
        return {"slug": ("title",)} if obj is None else {}

    @admin.display(description=_("estimated hours"))
    def estimated_hours(self, path: LearningPath) -> str:
        minutes = getattr(path, "total_minutes", None) or 0
        return f"{minutes / 60:.1f}"

    # -- the change page: Preview, Publish, Edit in a draft copy ------------------------------

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:object_id>/preview/",
                wrap(self.preview_view),
                name="paths_learningpath_preview",
            ),
            path(
                "<int:object_id>/draft/",
                wrap(self.draft_view),
                name="paths_learningpath_draft",
            ),
            *super().get_urls(),
        ]

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> Any:
        if obj is not None and obj.pk:
            published = obj.status == LearningPath.Status.PUBLISHED
            context.update(
                preview_url=reverse("admin:paths_learningpath_preview", args=[obj.pk]),
                draft_url=reverse("admin:paths_learningpath_draft", args=[obj.pk]),
                open_draft=LearningPath.objects.filter(draft_of=obj).first() if published else None,
                is_published=published,
                show_publish=obj.draft_of_id is not None or not published,
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_change(self, request: HttpRequest, obj: LearningPath) -> HttpResponse:
        if "_publish" not in request.POST:
            return super().response_change(request, obj)
        try:
            published = path_publish(path=obj, by=request.user)  # type: ignore[arg-type]
        except ValidationError as error:
            self.message_user(request, gettext("Saved, but not published."), messages.WARNING)
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            published = obj
        else:
            self.message_user(
                request,
                gettext('Published "%(title)s": learners see it now.') % {"title": published},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:paths_learningpath_change", args=[published.pk]))

    def preview_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """The learner's page of the path as saved, whatever its status; staff only."""
        learning_path = paths_for_preview().filter(pk=object_id).first()
        if learning_path is None:
            raise Http404
        if not self.has_view_permission(request, learning_path):
            raise PermissionDenied
        return TemplateResponse(
            request,
            "admin/paths/learningpath/preview.html",
            {
                "path": learning_path,
                "coverage": None,
                "enrolment": None,
                "preview": True,
                "change_url": reverse("admin:paths_learningpath_change", args=[object_id]),
            },
        )

    def draft_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Open (or reopen) the draft copy in which a published path is edited."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        learning_path = LearningPath.objects.filter(pk=object_id).first()
        if learning_path is None:
            raise Http404
        # The model permissions (the path itself is read-only once its draft is open).
        if not (super().has_change_permission(request) and self.has_add_permission(request)):
            raise PermissionDenied
        try:
            draft = path_draft_open(path=learning_path, by=request.user)  # type: ignore[arg-type]
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            draft = learning_path
        else:
            self.message_user(
                request,
                gettext(
                    "You are editing a draft copy. Learners keep seeing the published path "
                    "until you publish this draft."
                ),
                messages.INFO,
            )
        return HttpResponseRedirect(reverse("admin:paths_learningpath_change", args=[draft.pk]))

    # -- saving the steps table ---------------------------------------------------------------

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        if formset.model is not Step:
            super().save_formset(request, form, formset, change)
            return
        formset.save(commit=False)
        for step in formset.deleted_objects:
            step.delete()
        # In the order the rows were dragged into; positions become 1..n.
        kept = _kept_in_order(formset)
        path_steps_save(path=form.instance, steps_in_order=[f.instance for f in kept])
        formset.save_m2m()
        learning_path = form.instance
        if learning_path.status == LearningPath.Status.PUBLISHED and formset.has_changed():
            # Completed steps of this path may now grant other levels: the learner side marks
            # its learners stale, in this transaction.
            path_steps_changed.send(sender=LearningPath, path_id=learning_path.pk)

    # -- actions on the list --------------------------------------------------------------------

    @admin.action(description=_("Publish selected paths"))
    def publish(self, request: HttpRequest, queryset: QuerySet[LearningPath]) -> None:
        for learning_path in queryset:
            try:
                published = path_publish(path=learning_path, by=request.user)  # type: ignore[arg-type]
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext('Published "%(title)s".') % {"title": published.title},
                    messages.SUCCESS,
                )

    @admin.action(description=_("Archive selected paths"))
    def archive(self, request: HttpRequest, queryset: QuerySet[LearningPath]) -> None:
        for learning_path in queryset:
            path_archive(path=learning_path)
        self.message_user(
            request,
            gettext("Archived %(count)s path(s).") % {"count": len(queryset)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Duplicate selected paths as drafts"))
    def duplicate(self, request: HttpRequest, queryset: QuerySet[LearningPath]) -> None:
        for learning_path in queryset:
            copy = path_duplicate(path=learning_path, by=request.user)  # type: ignore[arg-type]
            self.message_user(
                request,
                gettext('Created draft "%(title)s".') % {"title": copy.title},
                messages.SUCCESS,
            )


class SkillAutocomplete(AutocompleteSelect):
    """The admin's autocomplete with a placeholder, which also names an empty box."""

    def build_attrs(self, base_attrs: Any, extra_attrs: Any = None) -> Any:
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-placeholder"] = gettext("Type a skill's name")
        return attrs


class StepSkillInline(admin.TabularInline):
    model = StepSkill
    form = StepSkillForm
    formset = LabelledRows
    extra = 1
    autocomplete_fields = ("skill",)
    verbose_name = _("skill taught")
    verbose_name_plural = _("Skills taught")

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "skill":
            kwargs["widget"] = SkillAutocomplete(db_field, self.admin_site)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        return _add_only(super().formfield_for_dbfield(db_field, request, **kwargs))

    def get_queryset(self, request: HttpRequest) -> QuerySet[StepSkill]:
        return super().get_queryset(request).select_related("skill")


@admin.register(Step)
class StepAdmin(admin.ModelAdmin):
    """A step's own page, reached from its path's steps table (not listed on the index)."""

    form = StepForm
    fields = ("path_link", "title", "kind", "resource_url", "estimated_minutes", "prerequisites")
    readonly_fields = ("path_link",)
    inlines = (StepSkillInline,)
    list_display = ("title", "path", "position", "kind")
    list_select_related = ("path",)
    search_fields = ("title",)

    class Media:
        css = MEDIA_CSS
        js = MEDIA_JS

    def has_module_permission(self, request: HttpRequest) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # steps are added on their path's page, where positions are kept 1..n

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        path = obj.path if obj is not None else None
        return not _draft_open_for(path) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        path = obj.path if obj is not None else None
        return not _draft_open_for(path) and super().has_delete_permission(request, obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Step]:
        return super().get_queryset(request).select_related("path")

    def delete_model(self, request: HttpRequest, obj: Step) -> None:
        step_delete(step=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Step]) -> None:
        with transaction.atomic():
            for step in queryset:
                step_delete(step=step)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        step = self.get_object(request, unquote(object_id))
        response = super().delete_view(request, object_id, extra_context)
        if step is not None and request.method == "POST" and response.status_code == 302:
            return HttpResponseRedirect(
                reverse("admin:paths_learningpath_change", args=[step.path_id])
            )
        return response

    @admin.display(description=_("Path"))
    def path_link(self, step: Step) -> str:
        return gettext("%(path)s, step %(position)s") % {
            "path": step.path.title,
            "position": step.position,
        }

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        step = form.instance
        if step.path.status == LearningPath.Status.PUBLISHED and (
            form.has_changed() or any(formset.has_changed() for formset in formsets)
        ):
            path_steps_changed.send(sender=LearningPath, path_id=step.path_id)

    def response_change(self, request: HttpRequest, obj: Step) -> HttpResponse:
        response = super().response_change(request, obj)
        if "_continue" in request.POST:
            return response
        return HttpResponseRedirect(reverse("admin:paths_learningpath_change", args=[obj.path_id]))
