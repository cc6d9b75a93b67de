"""Cohorts in the admin, for curators: which cohorts follow which paths toward which target,
and how many members they have. No learner's email, the lead's included (a lead is a learner
too), and nothing to change: cohorts belong to their leads."""

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from teams.models import Assignment, Cohort


class AssignmentInline(admin.TabularInline):
    model = Assignment
    fields = ("path", "due_date", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ("name", "target_role", "target_level", "members", "assignments", "created_at")
    list_filter = ("target_role", "target_level")
    search_fields = ("name",)
    fields = ("name", "target_role", "target_level", "members", "created_at")
    readonly_fields = fields
    inlines = (AssignmentInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Cohort]:
        return (
            super()
            .get_queryset(request)
            .select_related("target_role", "target_level")
            .annotate(
                member_count=Count("memberships", distinct=True),
                assignment_count=Count("assignments", distinct=True),
            )
        )

    @admin.display(ordering="member_count")
    def members(self, cohort: Any) -> int:
        return cohort.member_count

    @admin.display(ordering="assignment_count")
    def assignments(self, cohort: Any) -> int:
        return cohort.assignment_count

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        """Only the list's own filters: not ?lead=<id> (which cohorts a given user leads)."""
        return lookup.startswith(("target_role__", "target_level__")) and super().lookup_allowed(
            lookup, value, request
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
