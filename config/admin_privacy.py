"""Delete confirmations that name no learner.

Before deleting, Django's admin lists every row the delete would remove or is blocked by
(PROTECT), each by its str(): the delete page, the "delete selected" confirmation and the
error of an inline delete. Learner rows' str() holds the learner's email ("Skill claim:
learner@...: RAG 3"), and curators must never see learner data. Here a row is listed only
if the user may see it anyway: a catalogue row, or a model they may view in the admin.
Every other row becomes one count per model ("Progress entries: 2").

`PathwiseAdminSite.register` (config/admin.py) mixes `PrivateDeletes` into every ModelAdmin,
ours and third-party, so a model registered later is covered without anyone remembering to.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import NestedObjects, quote
from django.contrib.auth import get_permission_codename
from django.core.exceptions import ValidationError
from django.db import router
from django.db.models import Model, QuerySet
from django.forms.formsets import DELETION_FIELD_NAME
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst, get_text_list
from django.utils.translation import gettext as _

from tracker.curators import CATALOGUE_APPS, EXCLUDED_MODELS

_HIDDEN = object()  # stands for a row that is counted, not listed


def may_see(request: HttpRequest, model: type[Model]) -> bool:
    """Catalogue rows (curators need to see which requirements and steps go), or rows of a
    model the user may view in the admin anyway (superusers see whom a delete touches)."""
    opts = model._meta
    codename = get_permission_codename("view", opts)
    catalogue = opts.app_label in CATALOGUE_APPS and opts.model_name not in EXCLUDED_MODELS
    return catalogue or request.user.has_perm(f"{opts.app_label}.{codename}")


def _counts(request: HttpRequest, rows: Iterable[Model]) -> list[str]:
    """ "Progress entries: 2", one line per model the user may not see."""
    per_model = Counter(type(row) for row in rows if not may_see(request, type(row)))
    return sorted(
        f"{capfirst(model._meta.verbose_name_plural)}: {count}"
        for model, count in per_model.items()
    )


def _prune(items: list[Any]) -> list[Any]:
    """Drop hidden rows from Django's nested list ([row, [its children], row, ...]) with their
    children (rows that cascade from a learner row are learner rows too; all are counted)."""
    kept: list[Any] = []
    hidden_parent = False
    for item in items:
        if isinstance(item, list):
            if not hidden_parent and (children := _prune(item)):
                kept.append(children)
            hidden_parent = False
        else:
            hidden_parent = item is _HIDDEN
            if not hidden_parent:
                kept.append(item)
    return kept


def deleted_objects(
    objs: Sequence[Any] | QuerySet[Any], request: HttpRequest, admin_site: admin.AdminSite
) -> tuple[list[Any], dict[str, int], set[str], list[Any]]:
    """`django.contrib.admin.utils.get_deleted_objects` with hidden rows counted, and one
    change: permissions are asked for the rows a delete removes, not for PROTECTed ones.
    Nobody can delete a protected row from here, and Django's "your account doesn't have
    permission to delete: enrolment" would hide the true reason (and the count)."""
    if not objs:
        return [], {}, set(), []
    # As Django does: the list or queryset is also the origin (the stubs want a queryset).
    origin: Any = objs
    collector = NestedObjects(using=router.db_for_write(objs[0]._meta.model), origin=origin)
    collector.collect(origin)
    removed: dict[type[Model], set[Model]] = collector.model_objs  # type: ignore[assignment]
    perms_needed: set[str] = set()

    def describe(obj: Model) -> Any:
        model, opts = type(obj), obj._meta
        model_admin = admin_site.get_model_admin(model) if admin_site.is_registered(model) else None
        removes = obj not in collector.protected
        if model_admin and removes and not model_admin.has_delete_permission(request, obj):
            perms_needed.add(str(opts.verbose_name))
        if not may_see(request, model):
            return _HIDDEN
        if model_admin:
            try:
                url = reverse(
                    f"{admin_site.name}:{opts.app_label}_{opts.model_name}_change",
                    args=(quote(obj.pk),),
                )
                return format_html('{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), url, obj)
            except NoReverseMatch:
                pass
        return f"{capfirst(opts.verbose_name)}: {obj}"

    to_delete = _prune(collector.nested(describe))
    to_delete += _counts(request, (row for rows in removed.values() for row in rows))
    listed = (line for line in map(describe, collector.protected) if line is not _HIDDEN)
    protected = sorted(listed, key=str) + _counts(request, collector.protected)
    model_count = {
        str(model._meta.verbose_name_plural): len(rows) for model, rows in removed.items()
    }
    return to_delete, model_count, perms_needed, protected


def _private_formset(formset: Any, request: HttpRequest) -> Any:
    """An inline formset whose "protected related objects" error counts hidden rows."""

    class PrivateForm(formset.form):
        def hand_clean_DELETE(self) -> None:  # Django's check, with our list of rows
            if not self.cleaned_data.get(DELETION_FIELD_NAME) or self.instance._state.adding:
                return
            collector = NestedObjects(using=router.db_for_write(self._meta.model))
            collector.collect([self.instance])
            if not collector.protected:
                return
            rows = [
                _("%(class_name)s %(instance)s")
                % {"class_name": row._meta.verbose_name, "instance": row}
                for row in collector.protected
                if may_see(request, type(row))
            ] + _counts(request, collector.protected)
            raise ValidationError(
                _(
                    "Deleting %(class_name)s %(instance)s would require "
                    "deleting the following protected related objects: "
                    "%(related_objects)s"
                ),
                code="deleting_protected",
                params={
                    "class_name": self._meta.model._meta.verbose_name,
                    "instance": self.instance,
                    "related_objects": get_text_list(rows, _("and")),
                },
            )

    return type(formset.__name__, (formset,), {"form": PrivateForm})


class PrivateDeletes(admin.ModelAdmin):
    """Mixed into every registered ModelAdmin by PathwiseAdminSite.register."""

    def get_deleted_objects(
        self, objs: Sequence[Any] | QuerySet[Any], request: HttpRequest
    ) -> tuple[list[Any], dict[str, int], set[str], list[Any]]:
        return deleted_objects(objs, request, self.admin_site)

    def get_formsets_with_inlines(self, request: HttpRequest, obj: Any = None) -> Any:
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            yield _private_formset(formset, request), inline
