from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from tracker.models import Enrolment, LearnerProfile, ProgressEntry, ReadinessScore, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "is_staff", "is_active", "date_joined")
    search_fields = ("email", "first_name", "last_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name")}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Learner data is written by the product, never by hand in the admin."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LearnerProfile)
class LearnerProfileAdmin(ReadOnlyAdmin):
    list_display = ("user", "background", "target_role", "target_level", "timezone")
    list_select_related = ("user", "background", "target_role", "target_level")
    search_fields = ("user__email",)


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyAdmin):
    list_display = ("user", "path", "status", "target_date", "enrolled_at")
    list_filter = ("status",)
    list_select_related = ("user", "path")
    search_fields = ("user__email",)


@admin.register(ProgressEntry)
class ProgressEntryAdmin(ReadOnlyAdmin):
    list_display = ("user", "step", "status", "minutes", "occurred_at")
    list_select_related = ("user", "step")
    search_fields = ("user__email",)


@admin.register(ReadinessScore)
class ReadinessScoreAdmin(ReadOnlyAdmin):
    list_display = ("user", "role", "level", "score", "computed_at")
    list_filter = ("role", "level")
    list_select_related = ("user", "role", "level")
    search_fields = ("user__email",)
